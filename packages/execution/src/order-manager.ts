/**
 * The order manager: owns every order's state, validates commands against the instrument and the
 * venue's capabilities before anything leaves the SDK, and applies the venue's events. Business
 * outcomes are events (a bad order is DENIED, a refused cancel is an OrderCancelRejected); venue
 * anomalies (duplicate fills, overfills, events after a terminal status, unknown orders) are reported
 * on `anomalies` and never applied.
 *
 * Beyond the venue's own features it runs, where the venue's capability map allows (`emulation`):
 * - emulated order types and times in force: held locally (status INITIALIZED, `held: 'EMULATED'`),
 *   released as a native MARKET or LIMIT order by the {@link OrderEmulator} when market data reaches the
 *   trigger; GTD and DAY enforced with a cancel on the clock that ends as OrderExpired;
 * - contingent orders from a `SubmitOrderList`: OTO children held (`held: 'CONTINGENT'`) until their
 *   parent fills and then sized to the parent's filled quantity; OCO members canceled when one fills or
 *   closes; OUO members shrunk by each fill of the other and canceled when it closes.
 *
 * With `submitTimeoutMs`, a submit the venue has not answered in time is never sent again: the manager
 * asks the venue for the order by client order id (the idempotency key) with the retry policy, applies
 * what the venue knows (acceptance, missed fills by trade id, a cancel), and rejects the order locally
 * only when the venue has never seen it. With `cancelTimeoutMs`, an unanswered cancel is sent again
 * (cancels are idempotent) with jittered exponential backoff, then reconciled the same way.
 */
import { Subject, type Observable, type Subscription } from 'rxjs';
import { z } from 'zod';
import {
  CancelOrderSchema,
  Decimal,
  IllegalTransitionError,
  isMultipleOf,
  ModifyOrderSchema,
  SubmitOrderListSchema,
  SubmitOrderSchema,
  ValidationError,
  parseWith,
  preParsedConfig,
  type CancelOrder,
  type ClientOrderId,
  type Clock,
  type Instrument,
  type InstrumentId,
  type InstrumentRegistry,
  type MarketData,
  type ModifyOrder,
  type OrderCommand,
  type OrderEvent,
  type OrderFilled,
  type OrderStatusReport,
  type OrdersView,
  type SubmitOrder,
  type SubmitOrderList,
  type TimeInForce,
  type TimerHandle,
  type Venue,
} from '@rxtrade/core';
import { HotStream } from './kernel/hot-stream';
import { IdTable } from './id-table';
import { ClosedOrderRows } from './closed-order-rows';
import { ClockSchema, InstrumentRegistrySchema, VenueSchema } from './config-schemas';
import { Order, OrderHold } from './order';
import { OrderAnomalyReason, type OrderAnomaly } from './order-anomaly';
import { OrderEmulator, RELEASE_TYPE } from './order-emulator';
import { RetryPolicy, RetryPolicyConfigSchema } from './retry-policy';
import { plainSubmitIsValid } from './submit-check';

const positiveMs = z.number().positive().finite();

/** Statuses in which an `OrderAccepted` can only be a late copy of an acknowledgement already overtaken. */
const STALE_ACK_STATUSES: ReadonlySet<string> = new Set(['ACCEPTED', 'TRIGGERED', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED']);

/**
 * Schema of {@link OrderManagerConfig}.
 *
 * @example
 * ```ts
 * parseWith(OrderManagerConfigSchema, { clock, instruments, venue }, 'OrderManagerConfig');
 * ```
 */
export const OrderManagerConfigSchema = z.strictObject({
  clock: ClockSchema,
  instruments: InstrumentRegistrySchema,
  venue: VenueSchema,
  /**
   * Keep every order after it reaches a terminal status (default): `order(id)` and `orders()` see them
   * and a reused client order id is denied. `false` forgets closed orders, so memory stays bounded on
   * very long runs: `orders()` then lists open orders only, a late venue event for a forgotten order is
   * reported as an `UNKNOWN_ORDER` anomaly (never applied), and duplicate ids are detected among open
   * orders only.
   */
  retainClosedOrders: z.boolean().default(true),
  /** Reconcile a submit the venue has not answered within this many ms (default: never; a simulated venue always answers). */
  submitTimeoutMs: positiveMs.optional(),
  /** Send a cancel again when the venue has not answered it within this many ms (default: never). */
  cancelTimeoutMs: positiveMs.optional(),
  /** Backoff for reconciliation reads and repeated cancels. */
  retry: RetryPolicyConfigSchema.prefault({}),
  /**
   * Where the manager's own asynchronous work goes: the reconciliation it starts after a submit or
   * cancel timeout. A runner tracks it as pending work and takes its failure as its own (the trading
   * kernel does); without it, a failure is reported on `anomalies`.
   */
  track: z.custom<(work: Promise<unknown>) => void>((v) => typeof v === 'function', 'must be a function (work) => void').optional(),
  /** End of the trading day containing a time, for DAY orders the manager expires itself (default: the next UTC midnight). */
  dayBoundary: z.custom<(ts: number) => number>((v) => typeof v === 'function', 'must be a function (ts) => end of that trading day').optional(),
});
/**
 * Configuration of an {@link OrderManager}: the clock, the instruments and the venue orders go to.
 *
 * @example
 * ```ts
 * const config: OrderManagerConfig = { clock: new BacktestClock(0), instruments: instrumentRegistry([goog]), venue, submitTimeoutMs: 5_000 };
 * ```
 */
export type OrderManagerConfig = z.input<typeof OrderManagerConfigSchema>;

/** How a valid submit is carried out. */
type Route = { readonly kind: 'NATIVE' | 'EMULATED'; readonly emulatedTif: boolean };
/** The four routes, shared: routeOf runs on every submit. */
const ROUTES: Readonly<Record<'NATIVE' | 'EMULATED', readonly [Route, Route]>> = {
  NATIVE: [Object.freeze({ kind: 'NATIVE', emulatedTif: false }), Object.freeze({ kind: 'NATIVE', emulatedTif: true })],
  EMULATED: [Object.freeze({ kind: 'EMULATED', emulatedTif: false }), Object.freeze({ kind: 'EMULATED', emulatedTif: true })],
};

/**
 * Keeps the state of every order, sends valid commands to the venue and applies the venue's events.
 *
 * @example
 * ```ts
 * const clock = new BacktestClock(0);
 * const instruments = instrumentRegistry([goog]);
 * const venue = new SimulatedVenue({ clock, instruments });
 * const manager = new OrderManager({ clock, instruments, venue });
 * manager.events.subscribe((e) => console.log(e.type, manager.order(e.clientOrderId)?.status));
 * manager.execute(new OrderFactory(clock, instruments, strategyId('s')).market({ instrumentId: goog.id, side: 'BUY', quantity: 100 }));
 * // OrderSubmitted SUBMITTED, OrderAccepted ACCEPTED
 * ```
 */
export class OrderManager implements OrdersView {
  /** Every order event, emitted synchronously after the order's state was updated. */
  readonly events: Observable<OrderEvent>;
  /** Venue events that were not applied, with the reason, and reconciliations that failed. */
  readonly anomalies: Observable<OrderAnomaly>;
  private readonly eventSubject = new HotStream<OrderEvent>();
  private readonly anomalySubject = new Subject<OrderAnomaly>();
  private readonly clock: Clock;
  private readonly instruments: InstrumentRegistry;
  private readonly venue: Venue;
  /**
   * Every order by client order id: open ones and closed ones that may still change as `Order`
   * objects, the others as their row in {@link rows}.
   */
  private readonly all = new IdTable<Order | number>();
  /** Closed orders nothing can change any more (FILLED, REJECTED, DENIED), when they are retained. */
  private readonly rows = new ClosedOrderRows();
  private readonly open = new IdTable<Order>();
  /** openOrders() results, rebuilt lazily after the set of open orders changes. */
  private openCache: readonly Order[] | undefined;
  private openByInstrument = new Map<InstrumentId, readonly Order[]>();
  private readonly subscription: Subscription;
  private readonly retainClosed: boolean;
  private readonly emulator = new OrderEmulator();
  /** Open orders that have contingent links (parents, children, OCO/OUO members). */
  private readonly contingent = new Map<ClientOrderId, Order>();
  /** Orders the contingent rules canceled: their cancel does not cascade back to the group. */
  private readonly cascaded = new Set<ClientOrderId>();
  /** Local expiry timers of emulated GTD/DAY orders. */
  private readonly expiries = new Map<ClientOrderId, TimerHandle>();
  /** Orders whose local expiry cancel is in flight: the venue's OrderCanceled becomes OrderExpired. */
  private readonly expiring = new Set<ClientOrderId>();
  private readonly submitTimers = new Map<ClientOrderId, TimerHandle>();
  private readonly cancelTimers = new Map<ClientOrderId, TimerHandle>();
  /** Orders a reconciliation accepted before the venue's acknowledgement arrived (rare: only after a submit timeout). */
  private readonly reconciledAcks = new Set<ClientOrderId>();
  /**
   * Orders whose cancel was sent more than once: a refusal may answer a repeat whose first copy
   * canceled the order (its answer lost), so it is checked with the venue instead of applied.
   */
  private readonly resentCancels = new Set<ClientOrderId>();
  private readonly submitTimeoutMs: number | undefined;
  private readonly cancelTimeoutMs: number | undefined;
  private readonly retry: RetryPolicy;
  private readonly dayBoundary: (ts: number) => number;
  private readonly track: ((work: Promise<unknown>) => void) | undefined;
  private created = 0;

  constructor(config: OrderManagerConfig) {
    const c = parseWith(OrderManagerConfigSchema, config, 'OrderManagerConfig');
    this.clock = c.clock;
    this.instruments = c.instruments;
    this.venue = c.venue;
    this.retainClosed = c.retainClosedOrders;
    this.submitTimeoutMs = c.submitTimeoutMs;
    this.cancelTimeoutMs = c.cancelTimeoutMs;
    // A parse's output (here or in the kernel's schema): the policy takes it as parsed.
    this.retry = new RetryPolicy(preParsedConfig(c.retry));
    this.dayBoundary = c.dayBoundary ?? nextUtcMidnight;
    this.track = c.track;
    // The Subjects themselves, typed as Observables: asObservable() would add a hop to every event.
    this.events = this.eventSubject.observable;
    this.anomalies = this.anomalySubject;
    this.subscription = this.venue.events.subscribe((event) => this.onVenueEvent(event));
  }

  /** Handles a command: submit, order list, cancel or modify. Outcomes arrive on {@link events}; nothing is thrown for a bad order. */
  execute(command: OrderCommand): void {
    switch (command.type) {
      case 'SubmitOrder':
        this.submit(command);
        return;
      case 'SubmitOrderList':
        this.submitList(command);
        return;
      case 'CancelOrder':
        this.cancel(command);
        return;
      case 'ModifyOrder':
        this.modify(command);
        return;
      default:
        throw new ValidationError([{ path: ['command', 'type'], message: `unknown command type ${JSON.stringify((command as { type: unknown }).type)}` }]);
    }
  }

  /**
   * {@link OrderManager.execute} of a submit that `plainSubmitIsValid` has just vouched for, which the
   * manager would otherwise check again: the trading kernel's path for what the order factory builds.
   *
   * @internal
   */
  executeVouchedSubmit(command: SubmitOrder): void {
    this.submit(command, true);
  }

  /**
   * Feeds market data to the emulator: held orders whose trigger the data reaches are released to the
   * venue. The runner calls it after the venue has seen the event and before the strategy does.
   */
  onMarketData(data: MarketData): void {
    if (this.emulator.size === 0) return;
    for (const release of this.emulator.onMarketData(data)) this.releaseHeld(release.order, release.command);
  }

  /**
   * Rebuilding from a journal: the emulator follows a recorded market event without releasing anything
   * (trailing orders move their triggers as they did); releases come from {@link releaseEmulated}
   * with the release commands that were recorded, so an order whose release was never sent stays held.
   *
   * @example
   * ```ts
   * for (const record of records) if (record.kind === 'marketData') manager.followMarketData(record.payload);
   * ```
   */
  followMarketData(data: MarketData): void {
    if (this.emulator.size !== 0) this.emulator.onMarketData(data, false);
  }

  /**
   * Releases a held emulated order as `command` (the native MARKET or LIMIT submit it was released as,
   * recorded when it was sent): a rebuild from a journal. False when the order is not held by the
   * emulator (closed, or released already).
   *
   * @example
   * ```ts
   * if (command.orderType !== manager.order(command.clientOrderId)?.orderType) manager.releaseEmulated(command.clientOrderId, command);
   * ```
   */
  releaseEmulated(clientOrderId: ClientOrderId, command: SubmitOrder): boolean {
    const order = this.open.get(clientOrderId);
    if (order === undefined || !order.isOpen || order.held !== OrderHold.EMULATED) return false;
    this.emulator.remove(order);
    this.releaseHeld(order, command);
    return true;
  }

  /**
   * The emulator's trigger and trailing extreme (NaN: none yet) of a held order, to save with a
   * snapshot; undefined when the order is not held by the emulator.
   *
   * @example
   * ```ts
   * const saved = manager.emulationState(stop.clientOrderId); // { trigger: 95.5, extreme: 100.5 }
   * ```
   */
  emulationState(clientOrderId: ClientOrderId): { readonly trigger: number; readonly extreme: number } | undefined {
    const order = this.open.get(clientOrderId);
    return order === undefined || order.held !== OrderHold.EMULATED ? undefined : this.emulator.state(order);
  }

  /**
   * Puts back what {@link emulationState} saved, after the order was rebuilt from its commands; false
   * when the order is not held by the emulator.
   *
   * @example
   * ```ts
   * manager.restoreEmulationState(stop.clientOrderId, { trigger: 95.5, extreme: 100.5 });
   * ```
   */
  restoreEmulationState(clientOrderId: ClientOrderId, state: { readonly trigger: number; readonly extreme: number }): boolean {
    const order = this.open.get(clientOrderId);
    return order !== undefined && order.held === OrderHold.EMULATED && this.emulator.restore(order, state);
  }

  /** Sends a held order the emulator released (or a journal records as released) as its native command. */
  private releaseHeld(order: Order, command: SubmitOrder): void {
    if (!order.isOpen || order.held !== OrderHold.EMULATED) return;
    order.held = undefined;
    const emulatedTif = this.tifEmulated(order.timeInForce);
    // A time in force the venue supports is the venue's to enforce from now on.
    if (!emulatedTif) this.clearTimer(this.expiries, order.clientOrderId);
    this.send(order, { ...command, quantity: order.quantity, ts: this.clock.now() }, emulatedTif);
  }

  /**
   * An order by client order id. A FILLED, REJECTED or DENIED order that is retained comes back as a
   * new object on each call, equal in every field to the one it was (nothing can change it any more).
   */
  order(clientOrderId: ClientOrderId): Order | undefined {
    const v = this.all.get(clientOrderId);
    return typeof v === 'number' ? this.rows.order(v) : v;
  }

  /** Orders not in a terminal status (held, SUBMITTED and pending ones included), in creation order. */
  openOrders(instrumentId?: InstrumentId): readonly Order[] {
    let all = this.openCache;
    if (all === undefined) this.openCache = all = Object.freeze([...this.open.values()]);
    if (instrumentId === undefined) return all;
    let forInstrument = this.openByInstrument.get(instrumentId);
    if (forInstrument === undefined) {
      forInstrument = Object.freeze(all.filter((o) => o.instrumentId === instrumentId));
      this.openByInstrument.set(instrumentId, forInstrument);
    }
    return forInstrument;
  }

  /** Every order, in creation order (open orders only when closed orders are not retained). */
  orders(): readonly Order[] {
    const out: Order[] = [];
    for (const v of this.all.values()) out.push(typeof v === 'number' ? this.rows.order(v) : v);
    return out;
  }

  /** Number of orders created so far, forgotten ones included. */
  get orderCount(): number {
    return this.created;
  }

  /**
   * Asks the venue about every open order that was sent to it (with the retry policy) and applies what
   * it knows: after a restart, or when events may have been missed. Resolves with the number of orders
   * checked; failures are reported on {@link anomalies}.
   */
  async reconcile(): Promise<number> {
    const sent = this.openOrders().filter((o) => o.held === undefined && o.status !== 'INITIALIZED');
    await Promise.all(sent.map((o) => this.reconcileOrder(o)));
    return sent.length;
  }

  /** Stops listening to the venue, cancels the manager's timers and completes {@link events} and {@link anomalies}. */
  dispose(): void {
    this.subscription.unsubscribe();
    for (const t of [...this.submitTimers.values(), ...this.cancelTimers.values(), ...this.expiries.values()]) t.cancel();
    this.eventSubject.complete();
    this.anomalySubject.complete();
  }

  // ---- submits ---------------------------------------------------------------------------------

  private submit(command: SubmitOrder, vouched = false): void {
    this.requireIds(command);
    if (this.denyDuplicate(command)) return;
    const order = this.create(command);
    let reason = this.denialReason(command, vouched);
    if (reason === undefined && (command.contingencyType !== undefined || command.parentOrderId !== undefined))
      reason = 'contingencyType: contingent orders must be submitted together in a SubmitOrderList (see OrderFactory.bracket / oco)';
    if (reason !== undefined) {
      this.deny(order, reason);
      return;
    }
    this.dispatch(order, command);
  }

  /** Validates the whole list first: one bad order denies every order of it, so nothing is half-applied. */
  private submitList(list: SubmitOrderList): void {
    const orders: readonly SubmitOrder[] = Array.isArray(list.orders) ? list.orders : [];
    for (const c of orders) this.requireIds(c);
    if (orders.length === 0) parseWith(SubmitOrderListSchema, list, 'order list');
    const reasons: string[] = [];
    const envelope = SubmitOrderListSchema.safeParse(list);
    if (!envelope.success) reasons.push(issuesMessage(envelope.error.issues));
    const ids = new Set(orders.map((o) => o.clientOrderId));
    const byId = new Map(orders.map((o) => [o.clientOrderId, o] as const));
    const supported = this.venue.capabilities.emulation?.contingencies ?? [];
    for (const c of orders) {
      let reason: string | undefined = !this.all.has(c.clientOrderId) ? this.denialReason(c) : `clientOrderId: duplicate ${c.clientOrderId} (an order with this id already exists)`;
      if (reason === undefined && c.strategyId !== list.strategyId) reason = `strategyId: ${c.strategyId} differs from the list's ${list.strategyId}`;
      if (reason === undefined && c.contingencyType !== undefined && !supported.includes(c.contingencyType))
        reason = `contingencyType: venue ${this.venue.id} cannot run ${c.contingencyType} orders (emulation.contingencies: ${supported.join(', ') || 'none'})`;
      if (reason === undefined && c.parentOrderId !== undefined) {
        const parent = byId.get(c.parentOrderId);
        if (parent === undefined) reason = `parentOrderId: ${c.parentOrderId} is not in the list`;
        else if (parent.contingencyType !== 'OTO') reason = `parentOrderId: ${c.parentOrderId} is not an OTO order`;
        else if (parent.parentOrderId !== undefined) reason = `parentOrderId: ${c.parentOrderId} is itself a child (one level of OTO only)`;
      }
      if (reason === undefined) for (const id of c.linkedOrderIds ?? []) if (!ids.has(id)) reason = `linkedOrderIds: ${id} is not in the list`;
      if (reason !== undefined) reasons.push(`${c.clientOrderId}: ${reason}`);
    }
    const listReason = reasons.length > 0 ? `order list ${String(list.orderListId)} denied: ${reasons.join('; ')}` : undefined;
    const created: Order[] = [];
    for (const c of orders) {
      if (this.all.has(c.clientOrderId)) {
        // Answer the duplicate without touching the existing order.
        this.denyDuplicate(c);
        continue;
      }
      created.push(this.create(c));
    }
    if (listReason !== undefined) {
      for (const order of created) this.deny(order, listReason);
      return;
    }
    for (const order of created) if (order.contingencyType !== undefined || order.parentOrderId !== undefined) this.contingent.set(order.clientOrderId, order);
    for (const order of created) {
      const c = byId.get(order.clientOrderId)!;
      if (c.parentOrderId !== undefined) order.held = OrderHold.CONTINGENT;
      else this.dispatch(order, c);
    }
  }

  /** Sends a valid order to the venue, or holds it in the emulator. */
  private dispatch(order: Order, command: SubmitOrder): void {
    const route = this.routeOf(command);
    if (route.kind === 'EMULATED') {
      const instrument = this.instruments.find(order.instrumentId) as Instrument;
      order.held = OrderHold.EMULATED;
      this.emulator.add(order, instrument);
      this.armExpiry(order);
      return;
    }
    this.send(order, command, route.emulatedTif);
  }

  /** OrderSubmitted, then the venue; arms the submit timeout and the local expiry. */
  private send(order: Order, command: SubmitOrder, emulatedTif: boolean): void {
    const now = this.clock.now();
    // Links are run here, not at the venue: they are not sent (a venue that reads them would act twice).
    const linked = command.contingencyType !== undefined || command.parentOrderId !== undefined || command.linkedOrderIds !== undefined;
    const toVenue: SubmitOrder =
      emulatedTif || linked
        ? {
            ...command,
            ...(emulatedTif ? { timeInForce: 'GTC' as const, expireTime: undefined } : {}),
            ...(linked ? { contingencyType: undefined, parentOrderId: undefined, linkedOrderIds: undefined } : {}),
          }
        : command;
    this.applyAndEmit(order, { type: 'OrderSubmitted', clientOrderId: order.clientOrderId, strategyId: order.strategyId, instrumentId: order.instrumentId, ts: now, tsInit: now });
    if (emulatedTif) this.armExpiry(order);
    if (this.submitTimeoutMs !== undefined) {
      const id = order.clientOrderId;
      this.submitTimers.set(
        id,
        this.clock.setTimer(now + this.submitTimeoutMs, () => {
          this.submitTimers.delete(id);
          // A cancel sent since does not tell whether the venue has the order: still reconcile.
          if (inFlight(order)) this.background(this.reconcileOrder(order));
        }),
      );
    }
    this.venue.submit(toVenue);
  }

  private create(command: SubmitOrder): Order {
    const order = new Order(command, this.clock.now());
    this.all.set(command.clientOrderId, order);
    this.created++;
    this.addOpen(order);
    return order;
  }

  private requireIds(command: SubmitOrder): void {
    const id = command?.clientOrderId;
    if (typeof id !== 'string' || id.length === 0 || typeof command.strategyId !== 'string' || typeof command.instrumentId !== 'string')
      // Without ids there is no order to deny and nobody to tell: a bug in the caller.
      parseWith(SubmitOrderSchema, command, 'order');
  }

  /** Answers a reused client order id with a denial, leaving the existing order untouched. */
  private denyDuplicate(command: SubmitOrder): boolean {
    const existing = this.all.get(command.clientOrderId);
    if (existing === undefined) return false;
    const status = typeof existing === 'number' ? this.rows.status(existing) : existing.status;
    const now = this.clock.now();
    this.eventSubject.next({
      type: 'OrderDenied',
      clientOrderId: command.clientOrderId,
      strategyId: command.strategyId,
      instrumentId: command.instrumentId,
      ts: now,
      tsInit: now,
      reason: `clientOrderId: duplicate ${command.clientOrderId} (an order with this id already exists, status ${status})`,
    });
    return true;
  }

  private deny(order: Order, reason: string): void {
    const now = this.clock.now();
    this.applyAndEmit(order, { type: 'OrderDenied', clientOrderId: order.clientOrderId, strategyId: order.strategyId, instrumentId: order.instrumentId, ts: now, tsInit: now, reason });
  }

  // ---- cancels and modifies ----------------------------------------------------------------------

  private cancel(command: CancelOrder): void {
    const now = this.clock.now();
    const reason = this.requestRefusal(command, CancelOrderSchema);
    if (reason !== undefined) {
      this.eventSubject.next({ type: 'OrderCancelRejected', clientOrderId: command.clientOrderId, strategyId: command.strategyId, instrumentId: command.instrumentId, ts: now, tsInit: now, reason });
      return;
    }
    this.cancelOrder(this.open.get(command.clientOrderId) as Order);
  }

  /** Cancels an open order: locally when held, else through the venue (unless a cancel is already in flight). */
  private cancelOrder(order: Order, expire = false): void {
    if (!order.isOpen) return;
    const now = this.clock.now();
    if (order.status === 'INITIALIZED') {
      this.unhold(order);
      const base = { clientOrderId: order.clientOrderId, strategyId: order.strategyId, instrumentId: order.instrumentId, ts: now, tsInit: now };
      this.applyLocal(order, expire ? { type: 'OrderExpired', ...base } : { type: 'OrderCanceled', ...base });
      return;
    }
    if (expire) this.expiring.add(order.clientOrderId);
    if (order.status === 'PENDING_CANCEL') return;
    this.applyAndEmit(order, { type: 'OrderPendingCancel', clientOrderId: order.clientOrderId, strategyId: order.strategyId, instrumentId: order.instrumentId, ts: now, tsInit: now });
    this.sendCancel(order, 1);
  }

  private sendCancel(order: Order, attempt: number): void {
    const now = this.clock.now();
    const command: CancelOrder = { type: 'CancelOrder', clientOrderId: order.clientOrderId, strategyId: order.strategyId, instrumentId: order.instrumentId, ts: now };
    if (this.cancelTimeoutMs !== undefined) {
      const id = order.clientOrderId;
      this.cancelTimers.get(id)?.cancel();
      this.cancelTimers.set(
        id,
        this.clock.setTimer(now + this.cancelTimeoutMs, () => {
          this.cancelTimers.delete(id);
          if (order.status !== 'PENDING_CANCEL') return;
          if (attempt >= this.retry.maxAttempts) {
            this.background(this.reconcileOrder(order));
            return;
          }
          // Cancels are idempotent at the venue: send again after the backoff.
          this.cancelTimers.set(
            id,
            this.clock.setTimer(this.clock.now() + this.retry.delay(attempt), () => {
              this.cancelTimers.delete(id);
              if (order.status !== 'PENDING_CANCEL') return;
              this.resentCancels.add(id);
              this.sendCancel(order, attempt + 1);
            }),
          );
        }),
      );
    }
    this.venue.cancel(command);
  }

  private modify(command: ModifyOrder): void {
    const now = this.clock.now();
    let reason = this.requestRefusal(command, ModifyOrderSchema);
    // Open when the request is not refused.
    const order = this.open.get(command.clientOrderId) as Order;
    if (reason === undefined) reason = this.modifyRefusal(command, order);
    if (reason !== undefined) {
      this.eventSubject.next({ type: 'OrderModifyRejected', clientOrderId: command.clientOrderId, strategyId: command.strategyId, instrumentId: command.instrumentId, ts: now, tsInit: now, reason });
      return;
    }
    this.modifyOrder(order, command.quantity, command.price, command.triggerPrice);
  }

  /** Changes an open order: locally when held, else through the venue. */
  private modifyOrder(order: Order, quantity: Decimal | undefined, price: Decimal | undefined, triggerPrice: Decimal | undefined): void {
    // A cancel in flight decides the order's fate; a modify cannot follow it.
    if (order.status === 'PENDING_CANCEL' || !order.isOpen) return;
    const now = this.clock.now();
    if (order.status === 'INITIALIZED') {
      this.applyLocal(order, {
        type: 'OrderUpdated',
        clientOrderId: order.clientOrderId,
        strategyId: order.strategyId,
        instrumentId: order.instrumentId,
        ts: now,
        tsInit: now,
        quantity: quantity ?? order.quantity,
        price: price ?? order.price,
        triggerPrice: triggerPrice ?? order.triggerPrice,
      });
      if (order.held === OrderHold.EMULATED) this.emulator.refresh(order);
      return;
    }
    this.applyAndEmit(order, { type: 'OrderPendingUpdate', clientOrderId: order.clientOrderId, strategyId: order.strategyId, instrumentId: order.instrumentId, ts: now, tsInit: now });
    this.venue.modify({ type: 'ModifyOrder', clientOrderId: order.clientOrderId, strategyId: order.strategyId, instrumentId: order.instrumentId, quantity, price, triggerPrice, ts: now });
  }

  // ---- venue events ------------------------------------------------------------------------------

  private onVenueEvent(event: OrderEvent): void {
    // Most events are for open orders: the small map of open orders stays in the CPU's cache, while a
    // lookup in the map of every order a long run has seen (tens of thousands) costs about a
    // microsecond of cache misses.
    const order = this.open.get(event.clientOrderId) ?? this.order(event.clientOrderId);
    if (order === undefined) {
      this.report(OrderAnomalyReason.UNKNOWN_ORDER, `${event.type} for unknown order ${event.clientOrderId}`, event, undefined);
      return;
    }
    if (this.submitTimers.size > 0) this.clearTimer(this.submitTimers, order.clientOrderId);
    // The first acknowledgement of an order that has since moved on (filled, canceled or expired before
    // its ack arrived) or that a reconciliation already accepted is the end of a race, not news: nothing
    // to apply or report. A second acknowledgement from the venue itself is still an anomaly. With a
    // cancel in flight the status does not say whether the order moved on: a fill or an ack did.
    if (
      event.type === 'OrderAccepted' &&
      (STALE_ACK_STATUSES.has(order.status) || (order.status === 'PENDING_CANCEL' && (order.acknowledged || !order.filledQuantity.isZero()))) &&
      (order.venueOrderId === undefined || order.venueOrderId === event.venueOrderId) &&
      (!order.acknowledged || this.reconciledAcks.delete(order.clientOrderId))
    )
      return;
    // A cancel the manager sent to end a GTD/DAY order it emulates is, to the user, the expiry.
    if (event.type === 'OrderCanceled' && this.expiring.delete(order.clientOrderId))
      event = { type: 'OrderExpired', clientOrderId: event.clientOrderId, strategyId: event.strategyId, instrumentId: event.instrumentId, ts: event.ts, tsInit: event.tsInit };
    // A refused cancel after a resend is ambiguous (the first copy may have canceled the order and its
    // answer been lost, or the venue may answer the repeat "unknown"): ask the venue, whose answer
    // (OrderCanceled, fills, or a reconciled OrderCancelRejected) decides. The strategy hears that answer.
    if (event.type === 'OrderCancelRejected' && order.status === 'PENDING_CANCEL' && this.resentCancels.delete(order.clientOrderId)) {
      this.background(this.reconcileOrder(order));
      return;
    }
    const wasOpen = order.isOpen;
    let result;
    try {
      result = order.apply(event);
    } catch (error) {
      // A venue that breaks the life cycle must not take the stream down (a throw inside a
      // subscriber would surface asynchronously); report it like any other anomaly.
      if (error instanceof IllegalTransitionError) {
        this.report(OrderAnomalyReason.ILLEGAL_TRANSITION, error.message, event, order);
        return;
      }
      throw error;
    }
    if (result.applied) {
      if (wasOpen && !order.isOpen) this.closed(order);
      if (this.cancelTimers.size > 0 && order.status !== 'PENDING_CANCEL') this.clearTimer(this.cancelTimers, order.clientOrderId);
      if (this.resentCancels.size > 0 && order.status !== 'PENDING_CANCEL') this.resentCancels.delete(order.clientOrderId);
      this.eventSubject.next(event);
      if (this.contingent.size > 0 && this.contingent.has(order.clientOrderId)) this.afterContingentEvent(order, event);
      return;
    }
    // A cancel or modify refused because the order had already closed is the expected end of a race
    // (the fill won): the requester still hears the answer, and nothing is reported.
    if (result.reason === OrderAnomalyReason.AFTER_TERMINAL && (event.type === 'OrderCancelRejected' || event.type === 'OrderModifyRejected')) {
      this.eventSubject.next(event);
      return;
    }
    this.report(result.reason, result.message, event, order);
  }

  private applyAndEmit(order: Order, event: OrderEvent): void {
    order.apply(event);
    if (!order.isOpen) this.closed(order);
    this.eventSubject.next(event);
  }

  /** A locally generated event (held orders): applied, emitted, and followed by the contingent rules. */
  private applyLocal(order: Order, event: OrderEvent): void {
    this.applyAndEmit(order, event);
    if (this.contingent.has(order.clientOrderId)) this.afterContingentEvent(order, event);
  }

  // ---- contingent orders -------------------------------------------------------------------------

  /** OTO releases and resizes, OCO cancels, OUO shrinks and cancels, after an event on `order`. */
  private afterContingentEvent(order: Order, event: OrderEvent): void {
    const filled = event.type === 'OrderFilled';
    const closed = !order.isOpen;
    if (!filled && !closed) return;
    // OTO parent: children follow its filled quantity; a parent that closes unfilled takes them along.
    if (order.contingencyType === 'OTO') {
      for (const id of order.linkedOrderIds) {
        const child = this.contingent.get(id);
        if (child === undefined || !child.isOpen) continue;
        if (order.filledQuantity.isZero()) {
          if (closed) {
            this.cascaded.add(child.clientOrderId);
            this.cancelOrder(child);
          }
          continue;
        }
        if (filled || child.held === OrderHold.CONTINGENT) this.resizeChild(order, child);
      }
    }
    // OCO / OUO members (an order the group itself canceled does not cancel the rest again).
    if ((order.contingencyType === 'OCO' || order.contingencyType === 'OUO') && !this.cascaded.has(order.clientOrderId)) {
      for (const id of order.linkedOrderIds) {
        const other = this.contingent.get(id);
        if (other === undefined || !other.isOpen) continue;
        if (closed || order.contingencyType === 'OCO') {
          this.cascaded.add(other.clientOrderId);
          this.cancelOrder(other);
          continue;
        }
        // OUO partial fill: the other order shrinks by what this one filled.
        const fill = event as OrderFilled;
        const target = other.quantity.minus(fill.quantity);
        if (target.gt(other.filledQuantity) && (other.status === 'INITIALIZED' || this.venue.capabilities.modify)) this.modifyOrder(other, target, undefined, undefined);
        else {
          this.cascaded.add(other.clientOrderId);
          this.cancelOrder(other);
        }
      }
    }
    if (closed) {
      this.contingent.delete(order.clientOrderId);
      this.cascaded.delete(order.clientOrderId);
    }
  }

  /**
   * Sizes an OTO child to its parent's filled quantity, less what its OUO/OCO siblings have already
   * closed, and releases it when it is still held.
   */
  private resizeChild(parent: Order, child: Order): void {
    let target = parent.filledQuantity;
    for (const id of child.linkedOrderIds) {
      const sibling = this.order(id);
      if (sibling !== undefined && sibling.parentOrderId === parent.clientOrderId) target = target.minus(sibling.filledQuantity);
    }
    if (target.lte(child.filledQuantity)) {
      if (child.held !== undefined || !target.eq(child.quantity)) {
        this.cascaded.add(child.clientOrderId);
        this.cancelOrder(child);
      }
      return;
    }
    if (child.held === OrderHold.CONTINGENT) {
      if (!target.eq(child.quantity)) this.modifyOrder(child, target, undefined, undefined);
      child.held = undefined;
      this.dispatch(child, this.commandOf(child));
      return;
    }
    if (child.held === OrderHold.EMULATED) {
      if (!target.eq(child.quantity)) this.modifyOrder(child, target, undefined, undefined);
      return;
    }
    if (!target.eq(child.quantity) && this.venue.capabilities.modify && child.status !== 'PENDING_CANCEL') this.modifyOrder(child, target, undefined, undefined);
  }

  /** The submit command of an order as it stands now (quantity and prices after local updates). */
  private commandOf(order: Order): SubmitOrder {
    return {
      type: 'SubmitOrder',
      clientOrderId: order.clientOrderId,
      strategyId: order.strategyId,
      instrumentId: order.instrumentId,
      side: order.side,
      orderType: order.orderType,
      quantity: order.quantity,
      price: order.price,
      triggerPrice: order.triggerPrice,
      timeInForce: order.timeInForce,
      expireTime: order.expireTime,
      reduceOnly: order.reduceOnly,
      postOnly: order.postOnly,
      ts: this.clock.now(),
      trailingOffset: order.trailingOffset,
      trailingOffsetType: order.trailingOffsetType,
      limitOffset: order.limitOffset,
      contingencyType: order.contingencyType,
      parentOrderId: order.parentOrderId,
      linkedOrderIds: order.linkedOrderIds,
    };
  }

  // ---- emulation helpers -------------------------------------------------------------------------

  /** How a valid command is carried out on this venue (native or emulated), checked by denialReason first. */
  private routeOf(command: SubmitOrder): Route {
    const caps = this.venue.capabilities;
    return ROUTES[caps.orderTypes.includes(command.orderType) ? 'NATIVE' : 'EMULATED'][this.tifEmulated(command.timeInForce) ? 1 : 0];
  }

  private tifEmulated(tif: TimeInForce): boolean {
    return !this.venue.capabilities.timeInForce.includes(tif);
  }

  /** Arms the local expiry of a GTD/DAY order the venue cannot expire itself (or that is held locally). */
  private armExpiry(order: Order): void {
    if (this.expiries.has(order.clientOrderId)) return;
    let at: number | undefined;
    if (order.timeInForce === 'GTD') at = order.expireTime;
    else if (order.timeInForce === 'DAY') at = this.dayBoundary(order.tsCreated);
    if (at === undefined) return;
    if (order.held === undefined && !this.tifEmulated(order.timeInForce)) return;
    const id = order.clientOrderId;
    this.expiries.set(
      id,
      this.clock.setTimer(Math.max(at, this.clock.now()), () => {
        this.expiries.delete(id);
        this.cancelOrder(order, true);
      }),
    );
  }

  private unhold(order: Order): void {
    if (order.held === OrderHold.EMULATED) this.emulator.remove(order);
    order.held = undefined;
  }

  // ---- reconciliation ----------------------------------------------------------------------------

  /** A reconciliation the manager started on its own (after a timeout): the runner's work when it tracks it. */
  private background(work: Promise<void>): void {
    if (this.track !== undefined) this.track(work);
    else
      work.catch((error: unknown) =>
        this.anomalySubject.next({ reason: OrderAnomalyReason.RECONCILIATION_FAILED, message: `reconciliation failed: ${error instanceof Error ? error.message : String(error)}`, event: undefined, order: undefined, ts: this.clock.now() }),
      );
  }

  /** Asks the venue about one order (with retries) and applies what it knows. */
  private async reconcileOrder(order: Order): Promise<void> {
    let report: OrderStatusReport | undefined;
    try {
      report = await this.retry.run(this.clock, () => this.venue.queryOrder(order.clientOrderId));
    } catch (error) {
      this.anomalySubject.next({
        reason: OrderAnomalyReason.RECONCILIATION_FAILED,
        message: `could not query order ${order.clientOrderId} at venue ${this.venue.id}: ${error instanceof Error ? error.message : String(error)}`,
        event: undefined,
        order,
        ts: this.clock.now(),
      });
      return;
    }
    if (!order.isOpen) return;
    const now = this.clock.now();
    const base = { clientOrderId: order.clientOrderId, strategyId: order.strategyId, instrumentId: order.instrumentId, ts: now, tsInit: now };
    if (report === undefined) {
      // The venue never saw it: the submit was lost. It is not sent again (the caller decides, with a new id).
      if (order.status === 'SUBMITTED')
        this.onVenueEvent({ type: 'OrderRejected', ...base, reason: `submit not answered by venue ${this.venue.id} and unknown to it when queried (reconciled; not resubmitted)` });
      else if (order.status === 'PENDING_CANCEL') this.onVenueEvent({ type: 'OrderCanceled', ...base });
      // The venue had acknowledged it and no longer knows it (it lost the order, for example in a
      // restart). Closing it locally would be a guess; the order keeps its status and this is reported.
      else
        this.anomalySubject.next({
          reason: OrderAnomalyReason.UNKNOWN_TO_VENUE,
          message: `order ${order.clientOrderId} (${order.status}) is unknown to venue ${this.venue.id} when queried: the venue lost it; its last known status is kept`,
          event: undefined,
          order,
          ts: now,
        });
      return;
    }
    if (inFlight(order) && report.status !== 'REJECTED') {
      // The venue's own acknowledgement may still be on its way: it will be recognised as late. (A
      // cancel in flight keeps PENDING_CANCEL; a refused one then returns the order to ACCEPTED.)
      this.reconciledAcks.add(order.clientOrderId);
      this.onVenueEvent({ type: 'OrderAccepted', ...base, ts: report.ts, venueOrderId: report.venueOrderId });
    }
    for (const fill of report.fills) if (!order.hasTrade(fill.tradeId)) this.onVenueEvent({ type: 'OrderFilled', ...fill, strategyId: order.strategyId, tsInit: now });
    if (!order.isOpen) return;
    switch (report.status) {
      case 'CANCELED':
        this.onVenueEvent({ type: 'OrderCanceled', ...base, ts: report.ts });
        break;
      case 'EXPIRED':
        this.onVenueEvent({ type: 'OrderExpired', ...base, ts: report.ts });
        break;
      case 'REJECTED':
        this.onVenueEvent({ type: 'OrderRejected', ...base, ts: report.ts, reason: report.reason ?? `rejected by venue ${this.venue.id} (reconciled)` });
        break;
      default:
        // Still working at the venue: a cancel that was lost is answered by the venue's open status,
        // unless its own timeout still runs (this is a submit's reconciliation): that one sends it again.
        if (order.status === 'PENDING_CANCEL' && !this.cancelTimers.has(order.clientOrderId)) this.onVenueEvent({ type: 'OrderCancelRejected', ...base, reason: `venue ${this.venue.id} reports the order ${report.status} (reconciled)` });
    }
  }

  private clearTimer(timers: Map<ClientOrderId, TimerHandle>, id: ClientOrderId): void {
    const t = timers.get(id);
    if (t !== undefined) {
      t.cancel();
      timers.delete(id);
    }
  }

  // ---- bookkeeping -------------------------------------------------------------------------------

  private report(reason: OrderAnomalyReason, message: string, event: OrderEvent, order: Order | undefined): void {
    this.anomalySubject.next({ reason, message, event, order, ts: this.clock.now() });
  }

  private addOpen(order: Order): void {
    this.open.set(order.clientOrderId, order);
    this.invalidateOpen();
  }

  /** An order reached a terminal status: drop it from the open set, its timers and its hold. */
  private closed(order: Order): void {
    const id = order.clientOrderId;
    if (this.open.delete(id)) this.invalidateOpen();
    if (order.held !== undefined) this.unhold(order);
    if (this.expiries.size > 0) this.clearTimer(this.expiries, id);
    if (this.submitTimers.size > 0) this.clearTimer(this.submitTimers, id);
    if (this.cancelTimers.size > 0) this.clearTimer(this.cancelTimers, id);
    if (this.expiring.size > 0) this.expiring.delete(id);
    if (this.resentCancels.size > 0) this.resentCancels.delete(id);
    if (!this.retainClosed) this.all.delete(id);
    // Kept as a row: a run's history is then no object per order for the collector to copy and mark.
    else if (ClosedOrderRows.accepts(order)) this.all.set(id, this.rows.add(order));
  }

  private invalidateOpen(): void {
    this.openCache = undefined;
    if (this.openByInstrument.size > 0) this.openByInstrument = new Map();
  }

  /** Why a submit must be denied, or undefined when it may go to the venue (natively or emulated). */
  private denialReason(command: SubmitOrder, vouched = false): string | undefined {
    // The schema runs only when the quick check cannot vouch for the command (it never denies one).
    if (!vouched && !plainSubmitIsValid(command)) {
      const parsed = SubmitOrderSchema.safeParse(command);
      if (!parsed.success) return issuesMessage(parsed.error.issues);
    }
    const instrument = this.instruments.find(command.instrumentId);
    if (instrument === undefined) return `instrumentId: unknown instrument ${command.instrumentId}`;
    const reason = incrementRefusal(instrument, command.quantity, command.price, command.triggerPrice);
    if (reason !== undefined) return reason;
    const knownPrice = command.price ?? command.triggerPrice;
    if (knownPrice !== undefined) {
      const minNotional = instrument.minNotional;
      if (minNotional.isPositive() && !minNotional.isZero()) {
        const notional = command.quantity.mul(knownPrice).mul(instrument.multiplier);
        if (notional.lt(minNotional))
          return `quantity: notional ${notional.toString()} is below the minimum notional ${minNotional.toString()} of ${instrument.id}`;
      }
    }
    const caps = this.venue.capabilities;
    const emulation = caps.emulation;
    const venue = this.venue.id;
    if (!caps.orderTypes.includes(command.orderType)) {
      const release = RELEASE_TYPE[command.orderType];
      if (emulation === undefined || !emulation.orderTypes.includes(command.orderType) || release === undefined)
        return `orderType: venue ${venue} does not support ${command.orderType} orders (supports ${caps.orderTypes.join(', ')}; emulates ${emulation?.orderTypes.join(', ') || 'none'})`;
      if (!caps.orderTypes.includes(release)) return `orderType: ${command.orderType} is emulated by sending a ${release} order, which venue ${venue} does not support`;
    }
    if (!caps.timeInForce.includes(command.timeInForce)) {
      const emulable = (command.timeInForce === 'GTD' || command.timeInForce === 'DAY') && emulation?.timeInForce.includes(command.timeInForce) === true && caps.timeInForce.includes('GTC');
      if (!emulable) return `timeInForce: venue ${venue} does not support ${command.timeInForce} (supports ${caps.timeInForce.join(', ')})`;
    }
    if (command.timeInForce === 'GTD' && command.expireTime !== undefined && command.expireTime <= this.clock.now())
      return `expireTime: ${command.expireTime} is not after now (${this.clock.now()})`;
    if (command.reduceOnly && !caps.reduceOnly) return `reduceOnly: venue ${venue} does not support reduce-only orders`;
    if (command.postOnly && !caps.postOnly) return `postOnly: venue ${venue} does not support post-only orders`;
    return undefined;
  }

  /** Why a cancel or modify must be refused without asking the venue (bad command, unknown or closed order). */
  private requestRefusal(command: CancelOrder | ModifyOrder, schema: z.ZodType): string | undefined {
    const parsed = schema.safeParse(command);
    if (!parsed.success) return issuesMessage(parsed.error.issues);
    const order = this.all.get(command.clientOrderId);
    if (order === undefined) return `clientOrderId: unknown order ${command.clientOrderId}`;
    if (typeof order === 'number') return `order ${command.clientOrderId} is ${this.rows.status(order)} (closed)`;
    if (!order.isOpen) return `order ${command.clientOrderId} is ${order.status} (closed)`;
    if (order.instrumentId !== command.instrumentId) return `instrumentId: ${command.instrumentId} does not match the order's ${order.instrumentId}`;
    if (order.strategyId !== command.strategyId) return `strategyId: ${command.strategyId} does not own order ${command.clientOrderId}`;
    return undefined;
  }

  private modifyRefusal(command: ModifyOrder, order: Order): string | undefined {
    if (order.status === 'PENDING_CANCEL') return `order ${order.clientOrderId} has a cancel in flight`;
    if (order.status !== 'INITIALIZED' && !this.venue.capabilities.modify) return `venue ${this.venue.id} does not support modify`;
    const instrument = this.instruments.find(order.instrumentId);
    if (instrument === undefined) return `instrumentId: unknown instrument ${order.instrumentId}`;
    const reason = incrementRefusal(instrument, command.quantity, command.price, command.triggerPrice);
    if (reason !== undefined) return reason;
    if (command.quantity !== undefined && command.quantity.lte(order.filledQuantity))
      return `quantity: ${command.quantity.toString()} is not above the filled quantity ${order.filledQuantity.toString()}`;
    return undefined;
  }
}

/**
 * Whether the venue has not yet said it has the order: sent, never acknowledged and never filled, with
 * or without a cancel in flight.
 */
function inFlight(order: Order): boolean {
  return (order.status === 'SUBMITTED' || order.status === 'PENDING_CANCEL') && !order.acknowledged && order.filledQuantity.isZero();
}

function issuesMessage(issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[]): string {
  return new ValidationError(issues.map((i) => ({ path: i.path.map(pathKey), message: i.message }))).message;
}

/** The end of the UTC day containing `ts`: the default session end of DAY orders. */
function nextUtcMidnight(ts: number): number {
  return (Math.floor(ts / 86_400_000) + 1) * 86_400_000;
}

/** Checks quantity against the lot size and prices against the tick. */
function incrementRefusal(instrument: Instrument, quantity: Decimal | undefined, price: Decimal | undefined, triggerPrice: Decimal | undefined): string | undefined {
  if (quantity !== undefined && !isMultipleOf(quantity, instrument.lotSize))
    return `quantity: ${quantity.toString()} is not a multiple of the lot size ${instrument.lotSize.toString()} of ${instrument.id}`;
  if (price !== undefined && !isMultipleOf(price, instrument.tickSize))
    return `price: ${price.toString()} is not a multiple of the tick size ${instrument.tickSize.toString()} of ${instrument.id}`;
  if (triggerPrice !== undefined && !isMultipleOf(triggerPrice, instrument.tickSize))
    return `triggerPrice: ${triggerPrice.toString()} is not a multiple of the tick size ${instrument.tickSize.toString()} of ${instrument.id}`;
  return undefined;
}

function pathKey(key: PropertyKey): string | number {
  return typeof key === 'symbol' ? key.toString() : key;
}
