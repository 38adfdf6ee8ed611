/**
 * A venue for tests of the trading kernel and the order manager under the faults of real venues: it
 * wraps a deterministic `SimulatedVenue` and, on command, drops or delays acknowledgements, duplicates
 * or holds and reorders fills, disconnects (events sent meanwhile are lost) and restarts forgetting its
 * open orders. Not for trading: it exists to show what the node does when a venue misbehaves.
 */
import { BehaviorSubject, Subject, type Observable, type Subscription } from 'rxjs';
import { z } from 'zod';
import {
  ConnectionStatus,
  parseWith,
  type Balance,
  type CancelOrder,
  type ClientOrderId,
  type Clock,
  type ExecutionClient,
  type FundingPayment,
  type MarketData,
  type MarketDataSink,
  type ModifyOrder,
  type OrderEvent,
  type OrderFilled,
  type OrderStatusReport,
  type OrderView,
  type Position,
  type SubmitOrder,
  type VenueCapabilities,
  type VenueId,
  type VenueOrderId,
} from '@rxtrade/core';
import { ClockSchema } from '../config-schemas';
import { SimulatedVenue } from '../simulated-venue';

/**
 * Schema of {@link FaultyVenueConfig}.
 *
 * @example
 * ```ts
 * parseWith(FaultyVenueConfigSchema, { venue: new SimulatedVenue({ clock, instruments }), clock }, 'FaultyVenueConfig');
 * ```
 */
export const FaultyVenueConfigSchema = z.strictObject({
  /** The venue that matches orders (without a latency model: faults are the wrapper's to inject). */
  venue: z.instanceof(SimulatedVenue, { message: 'must be a SimulatedVenue' }),
  /** The clock delayed acknowledgements wait on: the venue's clock. */
  clock: ClockSchema,
});

/**
 * Configuration of a {@link FaultyVenue}.
 *
 * @example
 * ```ts
 * const config: FaultyVenueConfig = { venue: new SimulatedVenue({ clock, instruments }), clock };
 * ```
 */
export type FaultyVenueConfig = z.input<typeof FaultyVenueConfigSchema>;

/**
 * The faults a {@link FaultyVenue} injects, each off by default; change them at any time.
 *
 * @example
 * ```ts
 * venue.faults.duplicateFills = true; // every fill is sent twice, with the same trade id
 * ```
 */
export interface VenueFaults {
  /** Acknowledgements (`OrderAccepted`) are not sent; the venue still works the order. */
  dropAcks: boolean;
  /** Acknowledgements are sent this many ms later on the clock (0: at once). */
  ackDelayMs: number;
  /** Every fill is sent twice, with the same trade id. */
  duplicateFills: boolean;
  /** Fills are held until {@link FaultyVenue.releaseFills}. */
  holdFills: boolean;
}

/**
 * An in-memory `ExecutionClient` with injectable faults, around a `SimulatedVenue` that does the
 * matching. The reconciliation reads (`queryOrder`, `openOrders`, `fillsSince`, …) answer from the
 * venue's own state: what a real venue would say, whatever its event stream lost.
 *
 * @example
 * ```ts
 * const clock = new BacktestClock(0);
 * const venue = new FaultyVenue({ venue: new SimulatedVenue({ clock, instruments }), clock });
 * venue.faults.dropAcks = true;       // the next orders are worked but never acknowledged
 * venue.disconnect();                 // events sent now are lost
 * venue.reconnect();                  // RECONNECTING, then CONNECTED: the kernel reconciles
 * await venue.restart();              // the venue forgets its open orders
 * ```
 */
export class FaultyVenue implements ExecutionClient, MarketDataSink {
  readonly id: VenueId;
  readonly capabilities: VenueCapabilities;
  readonly events: Observable<OrderEvent>;
  readonly connection: Observable<ConnectionStatus>;
  readonly fundingPayments: Observable<FundingPayment>;
  /** The faults in force. */
  readonly faults: VenueFaults = { dropAcks: false, ackDelayMs: 0, duplicateFills: false, holdFills: false };
  /** Events the venue sent that never arrived: dropped acknowledgements and events sent while disconnected. */
  readonly lost: OrderEvent[] = [];
  /** Commands sent while disconnected, which never reached the venue. */
  readonly lostCommands: (SubmitOrder | CancelOrder | ModifyOrder)[] = [];
  private readonly venue: SimulatedVenue;
  private readonly clock: Clock;
  private readonly subject = new Subject<OrderEvent>();
  private readonly status = new BehaviorSubject<ConnectionStatus>(ConnectionStatus.CONNECTED);
  private readonly held: OrderFilled[] = [];
  /** Orders the venue forgot in a restart: hidden from every read, their cancel events never sent. */
  private readonly forgotten = new Set<ClientOrderId>();
  private readonly subscription: Subscription;

  constructor(config: FaultyVenueConfig) {
    const c = parseWith(FaultyVenueConfigSchema, config, 'FaultyVenueConfig');
    this.venue = c.venue;
    this.clock = c.clock;
    this.id = c.venue.id;
    this.capabilities = c.venue.capabilities;
    this.events = this.subject.asObservable();
    this.connection = this.status.asObservable();
    this.fundingPayments = c.venue.fundingPayments;
    this.subscription = c.venue.events.subscribe((event) => this.onVenueEvent(event));
  }

  /** Whether the connection is up. */
  get connected(): boolean {
    return this.status.value === ConnectionStatus.CONNECTED;
  }

  submit(command: SubmitOrder): void {
    if (this.connected) this.venue.submit(command);
    else this.lostCommands.push(command);
  }

  cancel(command: CancelOrder): void {
    if (this.connected) this.venue.cancel(command);
    else this.lostCommands.push(command);
  }

  modify(command: ModifyOrder): void {
    if (this.connected) this.venue.modify(command);
    else this.lostCommands.push(command);
  }

  /** The venue matches every event, connected or not (the market does not wait for the client). */
  process(data: MarketData): void {
    this.venue.process(data);
  }

  /** The connection drops: events the venue sends from now on are lost, and commands do not reach it. */
  disconnect(): void {
    this.status.next(ConnectionStatus.DISCONNECTED);
  }

  /** The connection comes back: `RECONNECTING`, then `CONNECTED`. Lost events stay lost. */
  reconnect(): void {
    this.status.next(ConnectionStatus.RECONNECTING);
    this.status.next(ConnectionStatus.CONNECTED);
  }

  /**
   * Sends the held fills: in the order they were made, or reversed (`'reverse'`). With
   * `duplicateFills` each is sent twice.
   */
  releaseFills(order: 'made' | 'reverse' = 'made'): void {
    const fills = this.held.splice(0, this.held.length);
    if (order === 'reverse') fills.reverse();
    for (const fill of fills) this.sendFill(fill);
  }

  /** Number of fills held. */
  get heldFills(): number {
    return this.held.length;
  }

  /**
   * The venue restarts and forgets its open orders: the connection drops, the orders stop working
   * (nothing fills them any more) and every read answers as if they had never been sent; then the
   * connection comes back (`RECONNECTING`, `CONNECTED`). No order event tells the client.
   */
  async restart(): Promise<void> {
    this.disconnect();
    const open = await this.venue.openOrders();
    const now = this.clock.now();
    for (const order of open) {
      this.forgotten.add(order.clientOrderId);
      this.venue.cancel({ type: 'CancelOrder', clientOrderId: order.clientOrderId, strategyId: order.strategyId, instrumentId: order.instrumentId, ts: now });
    }
    this.reconnect();
  }

  async openOrders(): Promise<readonly OrderView[]> {
    return (await this.venue.openOrders()).filter((o) => !this.forgotten.has(o.clientOrderId));
  }

  positions(): Promise<readonly Position[]> {
    return this.venue.positions();
  }

  balances(): Promise<readonly Balance[]> {
    return this.venue.balances();
  }

  async queryOrder(clientOrderId: ClientOrderId): Promise<OrderStatusReport | undefined> {
    return this.forgotten.has(clientOrderId) ? undefined : this.venue.queryOrder(clientOrderId);
  }

  async queryOrderByVenueId(venueOrderId: VenueOrderId): Promise<OrderStatusReport | undefined> {
    const report = await this.venue.queryOrderByVenueId(venueOrderId);
    return report === undefined || this.forgotten.has(report.clientOrderId) ? undefined : report;
  }

  async fillsSince(ts: number): Promise<readonly OrderFilled[]> {
    return (await this.venue.fillsSince(ts)).filter((f) => !this.forgotten.has(f.clientOrderId));
  }

  /** Stops listening to the venue and completes {@link events}. */
  dispose(): void {
    this.subscription.unsubscribe();
    this.subject.complete();
  }

  private onVenueEvent(event: OrderEvent): void {
    if (this.forgotten.has(event.clientOrderId)) return;
    if (!this.connected) {
      this.lost.push(event);
      return;
    }
    if (event.type === 'OrderAccepted') {
      if (this.faults.dropAcks) this.lost.push(event);
      else if (this.faults.ackDelayMs > 0) this.clock.setTimer(this.clock.now() + this.faults.ackDelayMs, () => this.subject.next(event));
      else this.subject.next(event);
      return;
    }
    if (event.type === 'OrderFilled') {
      if (this.faults.holdFills) this.held.push(event);
      else this.sendFill(event);
      return;
    }
    this.subject.next(event);
  }

  private sendFill(fill: OrderFilled): void {
    this.subject.next(fill);
    if (this.faults.duplicateFills) this.subject.next(fill);
  }
}
