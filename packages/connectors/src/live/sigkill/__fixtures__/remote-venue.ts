/**
 * The node's side of the venue process: `RemoteVenue`, an ExecutionClient over one TCP connection
 * (commands are written and forgotten, acknowledgements and fills arrive as pushed events, queries are
 * requests answered on the same connection, the status drops to DISCONNECTED when the venue drops the
 * connection and comes back through RECONNECTING to CONNECTED once a new one is up), and `RemoteFeed`, a DataClient of the venue's own market on that connection. This is the shape of a
 * real venue adapter: nothing it sends is confirmed except by a later event or a query.
 */
import * as net from 'node:net';
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import {
  ConnectionStatus,
  parseBalance,
  parseOrderEvent,
  parsePosition,
  type Balance,
  type Bar,
  type CancelOrder,
  type ClientOrderId,
  type DataClient,
  type ExecutionClient,
  type MarketData,
  type ModifyOrder,
  type OrderEvent,
  type OrderFilled,
  type OrderStatusReport,
  type OrderView,
  type Position,
  type SubmitOrder,
  type VenueId,
  type VenueOrderId,
} from '@rxtrade/core';
import { SIMULATED_VENUE_CAPABILITIES } from '@rxtrade/execution';
import { encode, readLines } from './wire';

/** Hooks the SIGKILL child uses to stop at exact points; each may block the process. */
export interface RemoteVenueHooks {
  /** A submit is about to be written to the socket. */
  beforeSubmit?: (command: SubmitOrder) => void;
  /** A cancel is about to be written to the socket. */
  beforeCancel?: (command: CancelOrder) => void;
  /** An event arrived from the venue and is about to be handed to the node (before it is journaled). */
  beforeEvent?: (event: OrderEvent) => void;
  /** A query's answer arrived and is about to be handed to the node. */
  beforeAnswer?: (op: string) => void;
}

/** Ms before a dropped connection is opened again. */
const RECONNECT_MS = 10;

/** One connection to the venue process, shared by {@link RemoteVenue} and {@link RemoteFeed}. */
export class VenueConnection {
  readonly status = new BehaviorSubject<ConnectionStatus>(ConnectionStatus.DISCONNECTED);
  readonly events = new Subject<OrderEvent>();
  readonly bars = new Subject<MarketData>();
  private socket: net.Socket;
  private nextId = 1;
  private readonly waiting = new Map<number, { op: string; resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private closed = false;

  private constructor(
    socket: net.Socket,
    private readonly port: number,
    private readonly hooks: RemoteVenueHooks,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  /** Connects to the venue process and registers as a trading client. */
  static async open(port: number, hooks: RemoteVenueHooks = {}): Promise<VenueConnection> {
    const c = new VenueConnection(await connect(port), port, hooks);
    await c.request('trade');
    c.status.next(ConnectionStatus.CONNECTED);
    return c;
  }

  private attach(socket: net.Socket): void {
    socket.setNoDelay(true);
    readLines(socket, (m) => this.onMessage(m as Record<string, unknown>));
    socket.on('close', () => {
      if (socket !== this.socket) return;
      this.status.next(ConnectionStatus.DISCONNECTED);
      for (const w of this.waiting.values()) w.reject(new Error(`venue connection closed before the answer to ${w.op}`));
      this.waiting.clear();
      // The venue dropped us: what it sends meanwhile is lost, commands written meanwhile never arrive.
      if (!this.closed) setTimeout(() => void this.reconnect(), RECONNECT_MS);
    });
    socket.on('error', () => undefined);
  }

  /** A new connection after a drop: RECONNECTING, registered as a trader again, then CONNECTED (the node reconciles). */
  private async reconnect(): Promise<void> {
    if (this.closed) return;
    let socket: net.Socket;
    try {
      socket = await connect(this.port);
    } catch {
      setTimeout(() => void this.reconnect(), RECONNECT_MS);
      return;
    }
    this.socket = socket;
    this.attach(socket);
    this.status.next(ConnectionStatus.RECONNECTING);
    try {
      await this.request('trade');
    } catch {
      return; // dropped again: its close starts the next try
    }
    this.status.next(ConnectionStatus.CONNECTED);
  }

  request(op: string, args?: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { op, resolve, reject });
      this.socket.write(encode({ id, op, args }));
    });
  }

  /** Writes a command without waiting: its outcome comes back as events. */
  send(op: string, args: unknown): void {
    this.socket.write(encode({ id: this.nextId++, op, args }));
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onMessage(m: Record<string, unknown>): void {
    if ('event' in m) {
      const event = parseOrderEvent(m['event']);
      this.hooks.beforeEvent?.(event);
      this.events.next(event);
    } else if ('bar' in m) this.bars.next(m['bar'] as Bar);
    else {
      const w = this.waiting.get(m['id'] as number);
      if (w === undefined) return; // the answer to a command sent without waiting
      this.waiting.delete(m['id'] as number);
      if (typeof m['error'] === 'string') w.reject(new Error(`venue: ${w.op}: ${m['error']}`));
      else {
        this.hooks.beforeAnswer?.(w.op);
        w.resolve(m['result']);
      }
    }
  }
}

function connect(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  return new Promise<net.Socket>((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** An ExecutionClient for the venue process. */
export class RemoteVenue implements ExecutionClient {
  readonly id = 'SIM' as VenueId;
  readonly capabilities = SIMULATED_VENUE_CAPABILITIES;
  readonly connection: Observable<ConnectionStatus>;
  readonly events: Observable<OrderEvent>;

  constructor(
    private readonly c: VenueConnection,
    private readonly hooks: RemoteVenueHooks = {},
  ) {
    this.connection = c.status.asObservable();
    this.events = c.events.asObservable();
  }

  submit(command: SubmitOrder): void {
    this.hooks.beforeSubmit?.(command);
    this.c.send('submit', command);
  }
  cancel(command: CancelOrder): void {
    this.hooks.beforeCancel?.(command);
    this.c.send('cancel', command);
  }
  modify(command: ModifyOrder): void {
    this.c.send('modify', command);
  }
  async openOrders(): Promise<readonly OrderView[]> {
    return (await this.c.request('openOrders')) as OrderView[];
  }
  async positions(): Promise<readonly Position[]> {
    return ((await this.c.request('positions')) as unknown[]).map(parsePosition);
  }
  async balances(): Promise<readonly Balance[]> {
    return ((await this.c.request('balances')) as unknown[]).map(parseBalance);
  }
  async queryOrder(clientOrderId: ClientOrderId): Promise<OrderStatusReport | undefined> {
    return ((await this.c.request('queryOrder', { clientOrderId })) ?? undefined) as OrderStatusReport | undefined;
  }
  async queryOrderByVenueId(venueOrderId: VenueOrderId): Promise<OrderStatusReport | undefined> {
    return ((await this.c.request('queryOrderByVenueId', { venueOrderId })) ?? undefined) as OrderStatusReport | undefined;
  }
  async fillsSince(ts: number): Promise<readonly OrderFilled[]> {
    return ((await this.c.request('fillsSince', { ts })) as unknown[]).map((f) => parseOrderEvent(f) as OrderFilled);
  }
}

/** The venue's market as a DataClient (bars of the one instrument it trades). */
export class RemoteFeed implements DataClient {
  readonly id = 'VENUE-FEED';
  readonly events: Observable<MarketData>;
  readonly connection: Observable<ConnectionStatus>;

  constructor(c: VenueConnection) {
    this.events = c.bars.asObservable();
    this.connection = c.status.asObservable();
  }
  connect(): Promise<void> {
    return Promise.resolve();
  }
  disconnect(): Promise<void> {
    return Promise.resolve();
  }
  subscribe(): void {}
  unsubscribe(): void {}
  requestBars(): Promise<readonly Bar[]> {
    return Promise.resolve([]);
  }
}
