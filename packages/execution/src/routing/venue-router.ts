/**
 * One {@link Venue} in front of several, so that a single `OrderManager` can trade on all of them: each
 * command goes to the venue that lists the command's instrument (`instrument.venue === venue.id`), and
 * the venues' event streams are merged into one.
 */
import { combineLatest, distinctUntilChanged, map, of, Subject, type Observable, type Subscription } from 'rxjs';
import { z } from 'zod';
import {
  parseWith,
  UnsupportedError,
  type Balance,
  type ConnectionStatus,
  type ExecutionClient,
  type OrderFilled,
  type VenueOrderId,
  type CancelOrder,
  type ClientOrderId,
  type InstrumentRegistry,
  type ModifyOrder,
  type OrderEvent,
  type OrderStatusReport,
  type OrderView,
  type Position,
  type SubmitOrder,
  type Venue,
  type VenueCapabilities,
  type VenueId,
} from '@rxtrade/core';
import { InstrumentRegistrySchema, VenueSchema } from '../config-schemas';
import { intersectCapabilities } from './intersect-capabilities';



/**
 * Schema of {@link VenueRouterConfig}: at least one venue, venue ids unique.
 *
 * @example
 * ```ts
 * parseWith(VenueRouterConfigSchema, { venues: [binance, kraken], instruments }, 'VenueRouterConfig').id // 'ROUTER'
 * ```
 */
export const VenueRouterConfigSchema = z.strictObject({
  /** The router's own venue id (what the order manager names in its denial messages). */
  id: z.string().min(1).default('ROUTER'),
  venues: z
    .array(VenueSchema)
    .min(1)
    .superRefine((venues, ctx) => {
      const seen = new Set<string>();
      venues.forEach((venue, i) => {
        if (seen.has(venue.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate venue id ${venue.id}` });
        seen.add(venue.id);
      });
    }),
  instruments: InstrumentRegistrySchema,
});

/**
 * Configuration of a {@link VenueRouter}: the venues behind it and the instruments that say which venue
 * each instrument trades on.
 *
 * @example
 * ```ts
 * const config: VenueRouterConfig = { venues: [venueA, venueB], instruments: instrumentRegistry([btcA, btcB]) };
 * ```
 */
export type VenueRouterConfig = z.input<typeof VenueRouterConfigSchema>;

/**
 * A {@link Venue} that routes each command to the venue its instrument trades on and merges the events of
 * every venue.
 *
 * - submit: the venue whose `id` is the instrument's `venue`; an unknown instrument or a venue the router
 *   does not hold is answered with an `OrderRejected` that names it.
 * - cancel and modify: the venue the order was submitted to (remembered by client order id), else the
 *   instrument's venue; otherwise `OrderCancelRejected` / `OrderModifyRejected`.
 * - `openOrders`, `positions`, `balances`: every venue's answers, concatenated in venue order.
 * - `queryOrder`: the venue that got the order; for an order the router never routed (after a restart)
 *   each venue is asked in turn and the first that knows the order answers.
 * - `capabilities`: what EVERY venue supports (the intersection). The order manager checks a command
 *   against `capabilities` without knowing which venue the command will reach, so the router can only
 *   promise what all of its venues do; a feature one venue lacks would otherwise pass the order
 *   manager's check and be rejected by that venue.
 *
 * The router remembers one entry (client order id → venue) per order it routed, for the life of the
 * router.
 *
 * @example
 * ```ts
 * const clock = new BacktestClock(0);
 * const instruments = instrumentRegistry([btcA, btcB]); // venues 'VENUE_A' and 'VENUE_B'
 * const router = new VenueRouter({
 *   venues: [new SimulatedVenue({ id: 'VENUE_A', clock, instruments }), new SimulatedVenue({ id: 'VENUE_B', clock, instruments })],
 *   instruments,
 * });
 * const manager = new OrderManager({ clock, instruments, venue: router });
 * manager.execute(factory.market({ instrumentId: btcB.id, side: 'BUY', quantity: 1 })); // goes to VENUE_B
 * ```
 */
export class VenueRouter implements ExecutionClient {
  readonly id: VenueId;
  readonly capabilities: VenueCapabilities;
  /** Every venue's order events, merged, plus the router's own rejections. */
  readonly events: Observable<OrderEvent>;
  /**
   * The worst status among the venues (`DISCONNECTED` over `RECONNECTING` over `CONNECTED`); a venue
   * that is a plain `Venue`, with no connection, counts as `CONNECTED`.
   */
  readonly connection: Observable<ConnectionStatus>;
  private readonly subject = new Subject<OrderEvent>();
  private readonly venues: readonly Venue[];
  private readonly byId = new Map<string, Venue>();
  private readonly instruments: InstrumentRegistry;
  /** Which venue each routed order went to. */
  private readonly routed = new Map<ClientOrderId, Venue>();
  private readonly subscriptions: Subscription[] = [];

  constructor(config: VenueRouterConfig) {
    const c = parseWith(VenueRouterConfigSchema, config, 'VenueRouterConfig');
    this.id = c.id as VenueId;
    this.venues = Object.freeze([...c.venues]);
    for (const venue of this.venues) this.byId.set(venue.id, venue);
    this.instruments = c.instruments;
    this.capabilities = intersectCapabilities(this.venues.map((v) => v.capabilities));
    // The Subject itself, typed as an Observable: asObservable() would add a hop to every event.
    this.events = this.subject;
    // Subscribed at once (venue event streams are hot): every event from now on reaches the router's
    // subscribers in the order the venues emit them.
    for (const venue of this.venues) this.subscriptions.push(venue.events.subscribe((event) => this.subject.next(event)));
    this.connection = combineLatest(this.venues.map((v) => (v as Partial<ExecutionClient>).connection ?? of<ConnectionStatus>('CONNECTED'))).pipe(
      map((statuses) => (statuses.includes('DISCONNECTED') ? 'DISCONNECTED' : statuses.includes('RECONNECTING') ? 'RECONNECTING' : 'CONNECTED')),
      distinctUntilChanged(),
    );
  }

  /** The venue an instrument trades on, or undefined when the instrument or its venue is unknown. */
  venueFor(instrumentId: SubmitOrder['instrumentId']): Venue | undefined {
    const instrument = this.instruments.find(instrumentId);
    return instrument === undefined ? undefined : this.byId.get(instrument.venue);
  }

  /** Sends the order to its instrument's venue, or rejects it (`OrderRejected`) naming what is unknown. */
  submit(command: SubmitOrder): void {
    const instrument = this.instruments.find(command.instrumentId);
    const venue = instrument === undefined ? undefined : this.byId.get(instrument.venue);
    if (venue === undefined) {
      const reason =
        instrument === undefined
          ? `instrumentId: unknown instrument ${command.instrumentId} at router ${this.id}`
          : `venue: router ${this.id} has no venue ${instrument.venue} for ${command.instrumentId} (venues: ${this.venueIds()})`;
      this.reply(command, 'OrderRejected', reason);
      return;
    }
    // Remembered before the venue answers: a venue may emit events synchronously from submit.
    this.routed.set(command.clientOrderId, venue);
    venue.submit(command);
  }

  /** Sends the cancel to the venue that got the order (`OrderCancelRejected` when there is none). */
  cancel(command: CancelOrder): void {
    const venue = this.routed.get(command.clientOrderId) ?? this.venueFor(command.instrumentId);
    if (venue === undefined) {
      this.reply(command, 'OrderCancelRejected', `order ${command.clientOrderId} was not routed by router ${this.id} and ${command.instrumentId} has no venue here`);
      return;
    }
    venue.cancel(command);
  }

  /** Sends the modify to the venue that got the order (`OrderModifyRejected` when there is none). */
  modify(command: ModifyOrder): void {
    const venue = this.routed.get(command.clientOrderId) ?? this.venueFor(command.instrumentId);
    if (venue === undefined) {
      this.reply(command, 'OrderModifyRejected', `order ${command.clientOrderId} was not routed by router ${this.id} and ${command.instrumentId} has no venue here`);
      return;
    }
    venue.modify(command);
  }

  /** Every venue's open orders, in venue order. */
  async openOrders(): Promise<readonly OrderView[]> {
    return (await Promise.all(this.venues.map((v) => v.openOrders()))).flat();
  }

  /** Every venue's positions, in venue order (one instrument trades on one venue, so none overlap). */
  async positions(): Promise<readonly Position[]> {
    return (await Promise.all(this.venues.map((v) => v.positions()))).flat();
  }

  /** Every venue's balances, in venue order: the same currency may appear once per venue. */
  async balances(): Promise<readonly Balance[]> {
    return (await Promise.all(this.venues.map((v) => v.balances()))).flat();
  }

  /** The order as the venue that got it sees it; for an order not routed here, the first venue that knows it. */
  async queryOrder(clientOrderId: ClientOrderId): Promise<OrderStatusReport | undefined> {
    const venue = this.routed.get(clientOrderId);
    if (venue !== undefined) return venue.queryOrder(clientOrderId);
    for (const v of this.venues) {
      const report = await v.queryOrder(clientOrderId);
      if (report !== undefined) return report;
    }
    return undefined;
  }

  /**
   * The order with this venue order id at the first venue that knows it.
   *
   * @throws UnsupportedError (rejects) when a venue asked is a plain `Venue` without `queryOrderByVenueId`.
   */
  async queryOrderByVenueId(venueOrderId: VenueOrderId): Promise<OrderStatusReport | undefined> {
    for (const v of this.venues) {
      const report = await this.executionClient(v, 'queryOrderByVenueId').queryOrderByVenueId(venueOrderId);
      if (report !== undefined) return report;
    }
    return undefined;
  }

  /**
   * Every venue's fills at or after `ts`, merged by time (ties in venue order).
   *
   * @throws UnsupportedError (rejects) when a venue is a plain `Venue` without `fillsSince`.
   */
  async fillsSince(ts: number): Promise<readonly OrderFilled[]> {
    const all = await Promise.all(this.venues.map((v) => this.executionClient(v, 'fillsSince').fillsSince(ts)));
    // Array.prototype.sort is stable: fills of one time keep their venue's order.
    return all.flat().sort((a, b) => a.ts - b.ts);
  }

  /** Stops listening to the venues and completes {@link events}. */
  dispose(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions.length = 0;
    this.subject.complete();
  }

  private executionClient(venue: Venue, method: 'queryOrderByVenueId' | 'fillsSince'): ExecutionClient {
    if (typeof (venue as Partial<ExecutionClient>)[method] !== 'function')
      throw new UnsupportedError(`venue ${venue.id} behind router ${this.id} has no ${method} (it is a Venue, not an ExecutionClient)`);
    return venue as ExecutionClient;
  }

  private venueIds(): string {
    return this.venues.map((v) => v.id).join(', ');
  }

  private reply(command: SubmitOrder | CancelOrder | ModifyOrder, type: 'OrderRejected' | 'OrderCancelRejected' | 'OrderModifyRejected', reason: string): void {
    // No clock: the router has none of its own, and the reply is synchronous with the command, whose
    // `ts` the order manager stamped from its clock.
    const ts = command.ts;
    this.subject.next({ type, clientOrderId: command.clientOrderId, strategyId: command.strategyId, instrumentId: command.instrumentId, ts, tsInit: ts, reason });
  }
}
