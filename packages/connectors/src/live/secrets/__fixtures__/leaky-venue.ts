/**
 * A venue adapter and a data client that fail the way real exchange clients do: their errors carry the
 * signed request (`…&timestamp=…&signature=<hex>`), the `Authorization` and `X-MBX-APIKEY` headers, a
 * stream URL with a password, the API key echoed in the venue's error body and, from a careless adapter,
 * the API secret itself. The venue exposes its `credentials`, as an exchange adapter does.
 */
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import {
  ConnectionStatus,
  type Bar,
  type CancelOrder,
  type ClientOrderId,
  type DataClient,
  type DataSubscription,
  type ExecutionClient,
  type MarketData,
  type ModifyOrder,
  type SubmitOrder,
  type VenueOrderId,
} from '@rxtrade/core';
import type { SimulatedVenue } from '@rxtrade/execution';
import { BASIC, SECRETS, STREAM_URL } from './planted';

/** The operations a {@link LeakyVenue} can be told to fail. */
export type VenueOp = 'submit' | 'cancel' | 'modify' | 'openOrders' | 'positions' | 'balances' | 'queryOrder' | 'fillsSince';

/** An error as an HTTP client of an exchange throws it: every place a secret hides. */
export function exchangeError(op: string): Error {
  const query = `symbol=GOOG&side=BUY&type=LIMIT&quantity=1&price=50&recvWindow=5000&timestamp=1714521600000&signature=${SECRETS.signature}`;
  const root = new Error(`socket hang up talking to ${STREAM_URL} (Authorization: Basic ${BASIC})`);
  const cause = Object.assign(new Error(`request headers: Authorization: Bearer ${SECRETS.bearer}\r\nX-MBX-APIKEY: ${SECRETS.apiKey}`, { cause: root }), {
    config: { url: `https://api.exchange.test/api/v3/order?${query}`, headers: { 'X-MBX-APIKEY': SECRETS.apiKey, Authorization: `Bearer ${SECRETS.bearer}` } },
  });
  return Object.assign(
    new Error(
      `${op} failed: POST https://api.exchange.test/api/v3/order?${query} answered 401 {"code":-2014,"msg":"API-key format invalid (${SECRETS.apiKey})"}; signed with ${SECRETS.apiSecret}`,
      { cause },
    ),
    { code: 'EXCHANGE_401', request: { url: `https://api.exchange.test/api/v3/order?${query}` }, apiKey: SECRETS.apiKey },
  );
}

/** A venue over a simulated one whose chosen operations throw {@link exchangeError}s. */
export class LeakyVenue implements ExecutionClient {
  readonly id;
  readonly capabilities;
  readonly events;
  readonly fundingPayments = undefined;
  /** What an exchange adapter keeps and exposes for the node to keep out of its output. */
  readonly credentials = { apiKey: SECRETS.apiKey, secret: SECRETS.apiSecret };
  readonly faults = new Set<VenueOp>();
  readonly status = new BehaviorSubject<ConnectionStatus>(ConnectionStatus.CONNECTED);
  readonly connection: Observable<ConnectionStatus> = this.status.asObservable();

  constructor(readonly inner: SimulatedVenue) {
    this.id = inner.id;
    this.capabilities = inner.capabilities;
    this.events = inner.events;
  }

  process(data: MarketData): void {
    this.inner.process(data);
  }

  private check(op: VenueOp): void {
    if (this.faults.has(op)) throw exchangeError(op);
  }

  private async ask<T>(op: VenueOp, run: () => Promise<T>): Promise<T> {
    await Promise.resolve();
    this.check(op);
    return run();
  }

  submit(c: SubmitOrder): void {
    this.check('submit');
    this.inner.submit(c);
  }
  cancel(c: CancelOrder): void {
    this.check('cancel');
    this.inner.cancel(c);
  }
  modify(c: ModifyOrder): void {
    this.check('modify');
    this.inner.modify(c);
  }
  openOrders() {
    return this.ask('openOrders', () => this.inner.openOrders());
  }
  positions() {
    return this.ask('positions', () => this.inner.positions());
  }
  balances() {
    return this.ask('balances', () => this.inner.balances());
  }
  queryOrder(id: ClientOrderId) {
    return this.ask('queryOrder', () => this.inner.queryOrder(id));
  }
  queryOrderByVenueId(id: VenueOrderId) {
    return this.ask('queryOrder', () => this.inner.queryOrderByVenueId(id));
  }
  fillsSince(ts: number) {
    return this.ask('fillsSince', () => this.inner.fillsSince(ts));
  }
}

/** A data client whose connect, disconnect and stream can fail with {@link exchangeError}s; the test pushes its bars. */
export class LeakyDataClient implements DataClient {
  readonly id = 'LEAKY-DATA';
  readonly credentials = { apiKey: SECRETS.apiKey, secret: SECRETS.apiSecret };
  private subject = new Subject<MarketData>();
  readonly status = new BehaviorSubject<ConnectionStatus>(ConnectionStatus.DISCONNECTED);
  readonly connection: Observable<ConnectionStatus> = this.status.asObservable();
  readonly failConnect = { first: false, again: false };
  failDisconnect = false;
  connects = 0;
  /** Resolves the first connect: a test that wants to look at the running node first holds it. */
  gate: Promise<void> = Promise.resolve();

  get events(): Observable<MarketData> {
    return this.subject.asObservable();
  }

  async connect(): Promise<void> {
    this.connects++;
    if (this.connects === 1) await this.gate;
    if ((this.connects === 1 && this.failConnect.first) || (this.connects > 1 && this.failConnect.again)) throw exchangeError('connect');
    this.status.next(ConnectionStatus.CONNECTED);
  }
  async disconnect(): Promise<void> {
    this.status.next(ConnectionStatus.DISCONNECTED);
    if (this.failDisconnect) throw exchangeError('disconnect');
  }
  subscribe(_s: DataSubscription): void {}
  unsubscribe(): void {}
  requestBars(): Promise<readonly Bar[]> {
    return Promise.resolve([]);
  }
  push(event: MarketData): void {
    this.subject.next(event);
  }
  /** The stream fails, as a WebSocket client's does. */
  fail(): void {
    this.subject.error(exchangeError('stream'));
  }
}
