/**
 * A wire between an order manager and a `FaultyVenue` around a `SimulatedVenue`, for tests of events
 * that arrive late, twice, out of order or never: the venue decides what happened, the test decides
 * when (and whether) the manager hears it.
 */
import { Subject } from 'rxjs';
import {
  BacktestClock,
  OrderFactory,
  instrumentRegistry,
  strategyId,
  type CancelOrder,
  type ClientOrderId,
  type ModifyOrder,
  type OrderEvent,
  type OrderEventType,
  type OrderFilled,
  type OrderStatusReport,
  type SubmitOrder,
  type Venue,
} from '@rxtrade/core';
import { expect } from 'vitest';
import type { OrderAnomaly } from '../order-anomaly';
import { OrderManager, type OrderManagerConfig } from '../order-manager';
import { SimulatedVenue, type SimulatedVenueConfig } from '../simulated-venue';
import { FaultyVenue } from '../testing/faulty-venue';
import { bar, goog } from './setup';

/**
 * The connection between the manager and a venue: while `hold` is on, the venue's events wait in
 * `inbox` until the test delivers them (in any order, any number of times, or never); cancels can be
 * lost on the way out.
 */
export class Wire implements Venue {
  readonly id: Venue['id'];
  readonly capabilities: Venue['capabilities'];
  readonly events = new Subject<OrderEvent>();
  hold = true;
  readonly inbox: OrderEvent[] = [];
  readonly submits: SubmitOrder[] = [];
  readonly cancels: CancelOrder[] = [];
  /** The next this-many cancels never reach the venue. */
  loseCancels = 0;

  constructor(readonly venue: FaultyVenue) {
    this.id = venue.id;
    this.capabilities = venue.capabilities;
    venue.events.subscribe((e) => (this.hold ? this.inbox.push(e) : this.events.next(e)));
  }

  submit(command: SubmitOrder): void {
    this.submits.push(command);
    this.venue.submit(command);
  }
  cancel(command: CancelOrder): void {
    this.cancels.push(command);
    if (this.loseCancels > 0) this.loseCancels--;
    else this.venue.cancel(command);
  }
  modify(command: ModifyOrder): void {
    this.venue.modify(command);
  }
  openOrders() {
    return this.venue.openOrders();
  }
  positions() {
    return this.venue.positions();
  }
  balances() {
    return this.venue.balances();
  }
  queryOrder(id: ClientOrderId): Promise<OrderStatusReport | undefined> {
    return this.venue.queryOrder(id);
  }

  /** The held event of this type (the first one), taken out of the inbox unless `keep`. */
  take(type: OrderEventType, keep = false): OrderEvent {
    const i = this.inbox.findIndex((e) => e.type === type);
    if (i < 0) throw new Error(`no ${type} held (held: ${this.inbox.map((e) => e.type).join(', ') || 'none'})`);
    const event = this.inbox[i]!;
    if (!keep) this.inbox.splice(i, 1);
    return event;
  }

  /** Hands one event to the manager. */
  deliver(event: OrderEvent): void {
    this.events.next(event);
  }
}

/** Settles the promise chains of a reconciliation (queryOrder answers on the microtask queue). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export function harness(config: Partial<Omit<OrderManagerConfig, 'clock' | 'instruments' | 'venue'>> = {}, venueConfig: Partial<Omit<SimulatedVenueConfig, 'clock' | 'instruments'>> = {}) {
  const clock = new BacktestClock(0);
  const instruments = instrumentRegistry([goog]);
  const faulty = new FaultyVenue({ venue: new SimulatedVenue({ clock, instruments, ...venueConfig }), clock });
  const wire = new Wire(faulty);
  const manager = new OrderManager({ clock, instruments, venue: wire, ...config });
  const factory = new OrderFactory(clock, instruments, strategyId('s'), 'L');
  const events: OrderEvent[] = [];
  const anomalies: OrderAnomaly[] = [];
  /** Index in `events` of the event that closed each order. */
  const closedAt = new Map<ClientOrderId, number>();
  manager.events.subscribe((e) => {
    events.push(e);
    if (!closedAt.has(e.clientOrderId) && manager.order(e.clientOrderId)?.isClosed === true) closedAt.set(e.clientOrderId, events.length - 1);
  });
  manager.anomalies.subscribe((a) => anomalies.push(a));
  /** A limit buy the strategy sends. */
  const buy = (quantity = 10, price = 90): SubmitOrder => {
    const command = factory.limit({ instrumentId: goog.id, side: 'BUY', quantity, price });
    manager.execute(command);
    return command;
  };
  const cancel = (c: SubmitOrder): void =>
    manager.execute({ type: 'CancelOrder', clientOrderId: c.clientOrderId, strategyId: c.strategyId, instrumentId: c.instrumentId, ts: clock.now() });
  /** A one-minute bar the venue matches on: a buy at 90 fills when `low` reaches it. */
  const market = (ts: number, low: number, volume = 1000): void => {
    clock.advanceTo(ts);
    faulty.process(bar(goog.id, ts, 100, 101, low, 100, volume));
  };
  const types = () => events.map((e) => e.type);
  /**
   * What must hold after any step: fills heard once each, summing to the order's filled quantity, never
   * above its quantity; open orders list it exactly while it is open; nothing but a refused request
   * after a terminal event; never a second submit.
   */
  const check = (c: SubmitOrder): void => {
    const order = manager.order(c.clientOrderId)!;
    const fills = events.filter((e): e is OrderFilled => e.type === 'OrderFilled' && e.clientOrderId === c.clientOrderId);
    expect(new Set(fills.map((f) => f.tradeId)).size).toBe(fills.length);
    expect(fills.reduce((sum, f) => sum + Number(f.quantity.toString()), 0)).toBe(Number(order.filledQuantity.toString()));
    expect(order.filledQuantity.lte(order.quantity)).toBe(true);
    expect(manager.openOrders().includes(order)).toBe(order.isOpen);
    const end = closedAt.get(c.clientOrderId);
    // After the close only answers to requests that crossed it, and fills that crossed a cancel.
    const after = order.status === 'CANCELED' || order.status === 'EXPIRED' ? ['OrderCancelRejected', 'OrderModifyRejected', 'OrderFilled'] : ['OrderCancelRejected', 'OrderModifyRejected'];
    if (end !== undefined) for (const e of events.slice(end + 1)) if (e.clientOrderId === c.clientOrderId) expect(after).toContain(e.type);
    expect(wire.submits.filter((s) => s.clientOrderId === c.clientOrderId)).toHaveLength(1);
  };
  return { clock, faulty, wire, manager, events, anomalies, buy, cancel, market, types, check };
}

