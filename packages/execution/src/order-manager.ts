/**
 * The order manager: owns every order's state, validates commands against the instrument and the
 * venue's capabilities before anything leaves the SDK, and applies the venue's events. Business
 * outcomes are events (a bad order is DENIED, a refused cancel is an OrderCancelRejected); venue
 * anomalies (duplicate fills, overfills, events after a terminal status, unknown orders) are reported
 * on `anomalies` and never applied.
 */
import { Subject, type Observable, type Subscription } from 'rxjs';
import { z } from 'zod';
import {
  CancelOrderSchema,
  Decimal,
  IllegalTransitionError,
  isMultipleOf,
  ModifyOrderSchema,
  SubmitOrderSchema,
  ValidationError,
  parseWith,
  type CancelOrder,
  type ClientOrderId,
  type Clock,
  type Instrument,
  type InstrumentId,
  type InstrumentRegistry,
  type ModifyOrder,
  type OrderCommand,
  type OrderEvent,
  type OrdersView,
  type SubmitOrder,
  type Venue,
} from '@rxtrade/core';
import { Order } from './order';
import { OrderAnomalyReason, type OrderAnomaly } from './order-anomaly';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * Schema of {@link OrderManagerConfig}.
 *
 * @example
 * ```ts
 * parseWith(OrderManagerConfigSchema, { clock, instruments, venue }, 'OrderManagerConfig');
 * ```
 */
export const OrderManagerConfigSchema = z.object({
  clock: z.custom<Clock>((v) => isObject(v) && typeof v['now'] === 'function', 'must be a Clock (BacktestClock or LiveClock)'),
  instruments: z.custom<InstrumentRegistry>((v) => isObject(v) && typeof v['find'] === 'function', 'must be an InstrumentRegistry'),
  venue: z.custom<Venue>(
    (v) => isObject(v) && typeof v['submit'] === 'function' && isObject(v['capabilities']) && isObject(v['events']),
    'must be a Venue (submit, cancel, modify, events, capabilities)',
  ),
  /**
   * Keep every order after it reaches a terminal status (default): `order(id)` and `orders()` see them
   * and a reused client order id is denied. `false` forgets closed orders, so memory stays bounded on
   * very long runs: `orders()` then lists open orders only, a late venue event for a forgotten order is
   * reported as an `UNKNOWN_ORDER` anomaly (never applied), and duplicate ids are detected among open
   * orders only.
   */
  retainClosedOrders: z.boolean().default(true),
});
/**
 * Configuration of an {@link OrderManager}: the clock, the instruments and the venue orders go to.
 *
 * @example
 * ```ts
 * const config: OrderManagerConfig = { clock: new BacktestClock(0), instruments: instrumentRegistry([goog]), venue };
 * ```
 */
export type OrderManagerConfig = z.input<typeof OrderManagerConfigSchema>;

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
  /** Venue events that were not applied, with the reason. */
  readonly anomalies: Observable<OrderAnomaly>;
  private readonly eventSubject = new Subject<OrderEvent>();
  private readonly anomalySubject = new Subject<OrderAnomaly>();
  private readonly clock: Clock;
  private readonly instruments: InstrumentRegistry;
  private readonly venue: Venue;
  private readonly all = new Map<ClientOrderId, Order>();
  private readonly open = new Map<ClientOrderId, Order>();
  /** openOrders() results, rebuilt lazily after the set of open orders changes. */
  private openCache: readonly Order[] | undefined;
  private openByInstrument = new Map<InstrumentId, readonly Order[]>();
  private readonly subscription: Subscription;
  private readonly retainClosed: boolean;
  private created = 0;

  constructor(config: OrderManagerConfig) {
    const c = parseWith(OrderManagerConfigSchema, config, 'OrderManagerConfig');
    this.clock = c.clock;
    this.instruments = c.instruments;
    this.venue = c.venue;
    this.retainClosed = c.retainClosedOrders;
    // The Subjects themselves, typed as Observables: asObservable() would add a hop to every event.
    this.events = this.eventSubject;
    this.anomalies = this.anomalySubject;
    this.subscription = this.venue.events.subscribe((event) => this.onVenueEvent(event));
  }

  /** Handles a command: submit, cancel or modify. Outcomes arrive on {@link events}; nothing is thrown for a bad order. */
  execute(command: OrderCommand): void {
    switch (command.type) {
      case 'SubmitOrder':
        this.submit(command);
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

  /** An order by client order id. */
  order(clientOrderId: ClientOrderId): Order | undefined {
    return this.all.get(clientOrderId);
  }

  /** Orders not in a terminal status (SUBMITTED and pending ones included), in creation order. */
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
    return [...this.all.values()];
  }

  /** Number of orders created so far, forgotten ones included. */
  get orderCount(): number {
    return this.created;
  }

  /** Stops listening to the venue and completes {@link events} and {@link anomalies}. */
  dispose(): void {
    this.subscription.unsubscribe();
    this.eventSubject.complete();
    this.anomalySubject.complete();
  }

  private submit(command: SubmitOrder): void {
    const id = command.clientOrderId;
    if (typeof id !== 'string' || id.length === 0 || typeof command.strategyId !== 'string' || typeof command.instrumentId !== 'string')
      // Without ids there is no order to deny and nobody to tell: a bug in the caller.
      parseWith(SubmitOrderSchema, command, 'order');
    const now = this.clock.now();
    const existing = this.all.get(id);
    if (existing !== undefined) {
      // The existing order is left untouched; the duplicate is answered with a denial.
      this.eventSubject.next({
        type: 'OrderDenied',
        clientOrderId: id,
        strategyId: command.strategyId,
        instrumentId: command.instrumentId,
        ts: now,
        tsInit: now,
        reason: `clientOrderId: duplicate ${id} (an order with this id already exists, status ${existing.status})`,
      });
      return;
    }
    const order = new Order(command, now);
    this.all.set(id, order);
    this.created++;
    this.addOpen(order);
    const reason = this.denialReason(command);
    if (reason !== undefined) {
      this.applyAndEmit(order, { type: 'OrderDenied', clientOrderId: id, strategyId: command.strategyId, instrumentId: command.instrumentId, ts: now, tsInit: now, reason });
      return;
    }
    this.applyAndEmit(order, { type: 'OrderSubmitted', clientOrderId: id, strategyId: command.strategyId, instrumentId: command.instrumentId, ts: now, tsInit: now });
    this.venue.submit(command);
  }

  private cancel(command: CancelOrder): void {
    const now = this.clock.now();
    const reason = this.requestRefusal(command, CancelOrderSchema);
    if (reason !== undefined) {
      this.eventSubject.next({ type: 'OrderCancelRejected', clientOrderId: command.clientOrderId, strategyId: command.strategyId, instrumentId: command.instrumentId, ts: now, tsInit: now, reason });
      return;
    }
    const order = this.all.get(command.clientOrderId) as Order;
    this.applyAndEmit(order, { type: 'OrderPendingCancel', clientOrderId: order.clientOrderId, strategyId: order.strategyId, instrumentId: order.instrumentId, ts: now, tsInit: now });
    this.venue.cancel(command);
  }

  private modify(command: ModifyOrder): void {
    const now = this.clock.now();
    let reason = this.requestRefusal(command, ModifyOrderSchema);
    if (reason === undefined) reason = this.modifyRefusal(command, this.all.get(command.clientOrderId) as Order);
    if (reason !== undefined) {
      this.eventSubject.next({ type: 'OrderModifyRejected', clientOrderId: command.clientOrderId, strategyId: command.strategyId, instrumentId: command.instrumentId, ts: now, tsInit: now, reason });
      return;
    }
    const order = this.all.get(command.clientOrderId) as Order;
    this.applyAndEmit(order, { type: 'OrderPendingUpdate', clientOrderId: order.clientOrderId, strategyId: order.strategyId, instrumentId: order.instrumentId, ts: now, tsInit: now });
    this.venue.modify(command);
  }

  private onVenueEvent(event: OrderEvent): void {
    const order = this.all.get(event.clientOrderId);
    if (order === undefined) {
      this.report(OrderAnomalyReason.UNKNOWN_ORDER, `${event.type} for unknown order ${event.clientOrderId}`, event, undefined);
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
      if (wasOpen && !order.isOpen) this.removeOpen(order);
      this.eventSubject.next(event);
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
    if (!order.isOpen) this.removeOpen(order);
    this.eventSubject.next(event);
  }

  private report(reason: OrderAnomalyReason, message: string, event: OrderEvent, order: Order | undefined): void {
    this.anomalySubject.next({ reason, message, event, order, ts: this.clock.now() });
  }

  private addOpen(order: Order): void {
    this.open.set(order.clientOrderId, order);
    this.invalidateOpen();
  }

  private removeOpen(order: Order): void {
    if (this.open.delete(order.clientOrderId)) this.invalidateOpen();
    if (!this.retainClosed) this.all.delete(order.clientOrderId);
  }

  private invalidateOpen(): void {
    this.openCache = undefined;
    if (this.openByInstrument.size > 0) this.openByInstrument = new Map();
  }

  /** Why a submit must be denied, or undefined when it may go to the venue. */
  private denialReason(command: SubmitOrder): string | undefined {
    const parsed = SubmitOrderSchema.safeParse(command);
    if (!parsed.success) return new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.map(pathKey), message: i.message }))).message;
    const instrument = this.instruments.find(command.instrumentId);
    if (instrument === undefined) return `instrumentId: unknown instrument ${command.instrumentId}`;
    const reason = incrementRefusal(instrument, command.quantity, command.price, command.triggerPrice);
    if (reason !== undefined) return reason;
    const knownPrice = command.price ?? command.triggerPrice;
    if (knownPrice !== undefined) {
      const minNotional = instrument.minNotional;
      if (minNotional.gt(0)) {
        const notional = command.quantity.mul(knownPrice).mul(instrument.multiplier);
        if (notional.lt(minNotional))
          return `quantity: notional ${notional.toString()} is below the minimum notional ${minNotional.toString()} of ${instrument.id}`;
      }
    }
    const caps = this.venue.capabilities;
    const venue = this.venue.id;
    if (!caps.orderTypes.includes(command.orderType)) return `orderType: venue ${venue} does not support ${command.orderType} orders (supports ${caps.orderTypes.join(', ')})`;
    if (!caps.timeInForce.includes(command.timeInForce))
      return `timeInForce: venue ${venue} does not support ${command.timeInForce} (supports ${caps.timeInForce.join(', ')})`;
    if (command.reduceOnly && !caps.reduceOnly) return `reduceOnly: venue ${venue} does not support reduce-only orders`;
    if (command.postOnly && !caps.postOnly) return `postOnly: venue ${venue} does not support post-only orders`;
    return undefined;
  }

  /** Why a cancel or modify must be refused without asking the venue (bad command, unknown or closed order). */
  private requestRefusal(command: CancelOrder | ModifyOrder, schema: z.ZodType): string | undefined {
    const parsed = schema.safeParse(command);
    if (!parsed.success) return new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.map(pathKey), message: i.message }))).message;
    const order = this.all.get(command.clientOrderId);
    if (order === undefined) return `clientOrderId: unknown order ${command.clientOrderId}`;
    if (!order.isOpen) return `order ${command.clientOrderId} is ${order.status} (closed)`;
    if (order.instrumentId !== command.instrumentId) return `instrumentId: ${command.instrumentId} does not match the order's ${order.instrumentId}`;
    if (order.strategyId !== command.strategyId) return `strategyId: ${command.strategyId} does not own order ${command.clientOrderId}`;
    return undefined;
  }

  private modifyRefusal(command: ModifyOrder, order: Order): string | undefined {
    if (!this.venue.capabilities.modify) return `venue ${this.venue.id} does not support modify`;
    const instrument = this.instruments.find(order.instrumentId);
    if (instrument === undefined) return `instrumentId: unknown instrument ${order.instrumentId}`;
    const reason = incrementRefusal(instrument, command.quantity, command.price, command.triggerPrice);
    if (reason !== undefined) return reason;
    if (command.quantity !== undefined && command.quantity.lte(order.filledQuantity))
      return `quantity: ${command.quantity.toString()} is not above the filled quantity ${order.filledQuantity.toString()}`;
    return undefined;
  }
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
