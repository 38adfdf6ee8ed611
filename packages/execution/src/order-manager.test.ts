import {
  BacktestClock,
  Decimal,
  OrderFactory,
  ValidationError,
  defineInstrument,
  instrumentRegistry,
  strategyId,
  type Bar,
  clientOrderId,
  tradeId,
  type OrderDenied,
  type OrderEvent,
  type OrderFilled,
  type SubmitOrder,
  type Venue,
} from '@rxtrade/core';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { DAY, bar, btc, goog, setup, setupWith } from './__fixtures__/setup';
import { OrderManager } from './order-manager';
import { PercentFeeModel } from './percent-fee-model';
import { SimulatedVenue } from './simulated-venue';

const types = (events: readonly OrderEvent[]) => events.map((e) => e.type);

describe('OrderManager', () => {
  it('submits a valid market order: SUBMITTED then ACCEPTED, then FILLED at the next bar open', () => {
    const { clock, venue, manager, factory, events } = setup({ feeModel: new PercentFeeModel(0.002) });
    clock.advanceTo(DAY);
    venue.processBar(bar(goog.id, DAY, 180.0, 181, 179, 180.5)); // the bar on which the strategy decides
    const cmd = factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 100 });
    manager.execute(cmd);
    expect(types(events)).toEqual(['OrderSubmitted', 'OrderAccepted']);
    expect(events[0]).toMatchObject({ ts: DAY, tsInit: DAY });
    const order = manager.order(cmd.clientOrderId);
    expect(order?.status).toBe('ACCEPTED');
    expect(order?.venueOrderId).toBe('SIM-1');
    expect(manager.openOrders()).toEqual([order]);
    expect(manager.openOrders(goog.id)).toEqual([order]);
    expect(manager.openOrders(btc.id)).toEqual([]);

    clock.advanceTo(2 * DAY);
    venue.processBar(bar(goog.id, 2 * DAY, 180.36, 182, 179.5, 181));
    const fill = events[2] as OrderFilled;
    expect(fill.type).toBe('OrderFilled');
    expect(fill.price.toString()).toBe('180.36');
    expect(fill.commission.toString()).toBe('36.072'); // 0.002 * 100 * 180.36, by hand
    expect(order?.status).toBe('FILLED');
    expect(order?.avgFillPrice?.toString()).toBe('180.36');
    expect(manager.openOrders()).toEqual([]);
  });

  it('never fills at the prices of the bar on which the order was submitted', () => {
    const { clock, venue, manager, factory, events } = setup();
    // A strategy that buys on every bar it sees: the runner gives the venue each bar first.
    const bars = [bar(goog.id, DAY, 100, 101, 99, 100.5), bar(goog.id, 2 * DAY, 110, 111, 109, 110.5), bar(goog.id, 3 * DAY, 120, 121, 119, 120.5)];
    const decidedOn = new Map<string, number>();
    for (const b of bars) {
      clock.advanceTo(b.ts);
      venue.processBar(b);
      const cmd = factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 });
      decidedOn.set(cmd.clientOrderId, b.ts);
      manager.execute(cmd);
    }
    const fills = events.filter((e): e is OrderFilled => e.type === 'OrderFilled');
    expect(fills.map((f) => [f.ts, f.price.toNumber()])).toEqual([[2 * DAY, 110], [3 * DAY, 120]]);
    for (const f of fills) expect(f.ts).toBeGreaterThan(decidedOn.get(f.clientOrderId) as number);
    expect(manager.openOrders().length).toBe(1);
  });

  it('emits each event after the order state was updated, synchronously', () => {
    const { venue, manager, factory } = setup();
    const seen: string[] = [];
    manager.events.subscribe((e) => seen.push(`${e.type}:${manager.order(e.clientOrderId)?.status}:${manager.openOrders().length}`));
    manager.execute(factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    venue.processBar(bar(goog.id, DAY, 100, 101, 99, 100));
    expect(seen).toEqual(['OrderSubmitted:SUBMITTED:1', 'OrderAccepted:ACCEPTED:1', 'OrderFilled:FILLED:0']);
  });

  it('denies a duplicate client order id and leaves the first order untouched', () => {
    const { manager, factory, events } = setup();
    const cmd = factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 });
    manager.execute(cmd);
    manager.execute({ ...cmd, side: 'SELL' });
    const denied = events.at(-1) as OrderDenied;
    expect(denied.type).toBe('OrderDenied');
    expect(denied.reason).toMatch(/clientOrderId: duplicate/);
    expect(manager.order(cmd.clientOrderId)).toMatchObject({ status: 'ACCEPTED', side: 'BUY' });
    expect(manager.orders().length).toBe(1);
  });

  it('denies a quantity that is not a multiple of the lot size, naming the field', () => {
    const { manager, factory, events, venue } = setup();
    const cmd: SubmitOrder = { ...factory.market({ instrumentId: btc.id, side: 'BUY', quantity: 1 }), quantity: new Decimal('0.0015') };
    manager.execute(cmd);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'OrderDenied', reason: 'quantity: 0.0015 is not a multiple of the lot size 0.001 of BTCUSDT.BINANCE' });
    expect(manager.order(cmd.clientOrderId)?.status).toBe('DENIED');
    expect(manager.openOrders()).toEqual([]);
    expect(venue.workingCount).toBe(0);
  });

  it('denies a zero quantity with a reason naming the field', () => {
    const { manager, factory, events } = setup();
    const cmd: SubmitOrder = { ...factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }), quantity: new Decimal(0) };
    manager.execute(cmd);
    expect(events[0]).toMatchObject({ type: 'OrderDenied', reason: expect.stringMatching(/^quantity: /) });
    expect(manager.order(cmd.clientOrderId)?.status).toBe('DENIED');
  });

  it('denies an unknown instrument', () => {
    const { manager, factory, events } = setup();
    const cmd = factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 });
    manager.execute({ ...cmd, instrumentId: 'MSFT.NASDAQ' as typeof cmd.instrumentId });
    expect(events[0]).toMatchObject({ type: 'OrderDenied', reason: 'instrumentId: unknown instrument MSFT.NASDAQ' });
  });

  it('denies a price off the tick and a notional below the minimum', () => {
    const { manager, factory, events } = setup();
    const limit = factory.limit({ instrumentId: btc.id, side: 'BUY', quantity: '0.001', price: 65000 });
    manager.execute({ ...limit, price: new Decimal('65000.05') });
    expect((events.at(-1) as OrderDenied).reason).toMatch(/^price: 65000.05 is not a multiple of the tick size 0.1/);
    manager.execute({ ...limit, clientOrderId: clientOrderId('small'), price: new Decimal('5000') });
    // 0.001 * 5000 = 5 < min notional 10
    expect((events.at(-1) as OrderDenied).reason).toMatch(/^quantity: notional 5 is below the minimum notional 10/);
  });

  it('denies what the venue cannot do (a LIMIT order on a market-only venue) instead of sending it', () => {
    const { manager, factory, events, venue } = setupWith({
      capabilities: { orderTypes: ['MARKET'], timeInForce: ['GTC', 'IOC'], reduceOnly: false, postOnly: false, modify: false },
    });
    const limit = factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 100 });
    manager.execute(limit);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'OrderDenied', reason: 'orderType: venue SIM does not support LIMIT orders (supports MARKET; emulates none)' });
    expect(venue.workingCount).toBe(0);
  });

  it('denies a malformed command (LIMIT without price) through the core schema', () => {
    const { manager, factory, events } = setup();
    const m = factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 });
    manager.execute({ ...m, orderType: 'LIMIT' });
    expect((events[0] as OrderDenied).reason).toBe('price: is required for LIMIT orders');
  });

  it('throws a ValidationError for a command without a client order id (nobody to answer)', () => {
    const { manager, factory } = setup();
    const m = factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 });
    expect(() => manager.execute({ ...m, clientOrderId: '' as typeof m.clientOrderId })).toThrow(ValidationError);
  });

  it('cancels a queued order: PENDING_CANCEL then CANCELED, and it never fills', () => {
    const { venue, manager, factory, events } = setup();
    const cmd = factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 });
    manager.execute(cmd);
    manager.execute(factory.cancel(cmd));
    expect(types(events)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderPendingCancel', 'OrderCanceled']);
    expect(manager.order(cmd.clientOrderId)?.status).toBe('CANCELED');
    venue.processBar(bar(goog.id, DAY, 100, 101, 99, 100));
    expect(types(events)).not.toContain('OrderFilled');
  });

  it('rejects a cancel of an unknown or closed order without asking the venue', () => {
    const { venue, manager, factory, events } = setup();
    manager.execute(factory.cancel({ clientOrderId: clientOrderId('ghost'), instrumentId: goog.id }));
    expect(events.at(-1)).toMatchObject({ type: 'OrderCancelRejected', reason: 'clientOrderId: unknown order ghost' });
    const cmd = factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 });
    manager.execute(cmd);
    venue.processBar(bar(goog.id, DAY, 100, 101, 99, 100));
    manager.execute(factory.cancel(cmd));
    expect(events.at(-1)).toMatchObject({ type: 'OrderCancelRejected', reason: expect.stringContaining('FILLED (closed)') });
    expect(manager.order(cmd.clientOrderId)?.status).toBe('FILLED');
  });

  it('rejects a modify the venue cannot do and keeps the order working', () => {
    const { manager, factory, events } = setupWith({
      capabilities: { orderTypes: ['MARKET'], timeInForce: ['GTC', 'IOC'], reduceOnly: false, postOnly: false, modify: false },
    });
    const cmd = factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 });
    manager.execute(cmd);
    manager.execute(factory.modify(cmd, { quantity: 2 }));
    expect(events.at(-1)).toMatchObject({ type: 'OrderModifyRejected', reason: 'venue SIM does not support modify' });
    expect(manager.order(cmd.clientOrderId)?.status).toBe('ACCEPTED');
    manager.execute(factory.modify({ clientOrderId: clientOrderId('ghost'), instrumentId: goog.id }, { quantity: 2 }));
    expect(events.at(-1)).toMatchObject({ type: 'OrderModifyRejected', reason: 'clientOrderId: unknown order ghost' });
  });

  it('lists all orders in creation order', () => {
    const { manager, factory } = setup();
    const ids = [1, 2, 3].map(() => {
      const c = factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 });
      manager.execute(c);
      return c.clientOrderId;
    });
    manager.execute({ ...factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }), quantity: new Decimal(0) });
    expect(manager.orders().map((o) => o.clientOrderId)).toEqual([...ids, 'O-4']);
    expect(manager.openOrders().map((o) => o.clientOrderId)).toEqual(ids);
  });

  it('validates its config and names the bad field', () => {
    const { clock, instruments } = setup();
    expect(() => new OrderManager({ clock, instruments, venue: {} as Venue })).toThrow(/OrderManagerConfig\.venue: must be a Venue/);
    expect(() => new OrderManager({ clock: undefined as never, instruments, venue: {} as Venue })).toThrow(ValidationError);
  });
});

describe('OrderManager venue anomalies', () => {
  /** A venue whose events the test writes by hand, to play a misbehaving exchange. */
  function scriptedVenue() {
    const { clock, instruments, venue: sim } = setup();
    const subject = new Subject<OrderEvent>();
    const venue: Venue = {
      id: sim.id, capabilities: sim.capabilities, events: subject,
      submit: () => {}, cancel: () => {}, modify: () => {},
      openOrders: () => Promise.resolve([]), positions: () => Promise.resolve([]), balances: () => Promise.resolve([]),
      queryOrder: () => Promise.resolve(undefined),
    };
    const manager = new OrderManager({ clock, instruments, venue });
    const events: OrderEvent[] = [];
    const anomalies: string[] = [];
    manager.events.subscribe((e) => events.push(e));
    manager.anomalies.subscribe((a) => anomalies.push(a.reason));
    return { subject, manager, events, anomalies, clock };
  }

  function filled(cmd: SubmitOrder, id: string, qty: string): OrderFilled {
    return {
      type: 'OrderFilled', tradeId: tradeId(id), clientOrderId: cmd.clientOrderId, venueOrderId: 'X-1' as OrderFilled['venueOrderId'],
      instrumentId: cmd.instrumentId, side: cmd.side, quantity: new Decimal(qty), price: new Decimal('100'), commission: new Decimal(0),
      commissionCurrency: 'USD', liquiditySide: 'TAKER', ts: 5, strategyId: cmd.strategyId, tsInit: 5,
    };
  }

  it('reports a duplicate fill, an overfill, a fill after a terminal status and an unknown order, and applies none', () => {
    const { subject, manager, events, anomalies } = scriptedVenue();
    const { factory } = setup();
    const cmd = factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 });
    manager.execute(cmd);
    subject.next({ type: 'OrderAccepted', clientOrderId: cmd.clientOrderId, strategyId: cmd.strategyId, instrumentId: cmd.instrumentId, ts: 1, tsInit: 1, venueOrderId: 'X-1' as never });
    subject.next(filled(cmd, 't1', '4'));
    subject.next(filled(cmd, 't1', '4')); // duplicate
    subject.next(filled(cmd, 't2', '7')); // 11 > 10
    subject.next(filled(cmd, 't3', '6')); // completes
    subject.next(filled(cmd, 't4', '1')); // after FILLED
    subject.next({ ...filled(cmd, 't5', '1'), clientOrderId: clientOrderId('ghost') });
    subject.next({ type: 'OrderAccepted', clientOrderId: cmd.clientOrderId, strategyId: cmd.strategyId, instrumentId: cmd.instrumentId, ts: 9, tsInit: 9, venueOrderId: 'X-1' as never });
    expect(anomalies).toEqual(['DUPLICATE_FILL', 'OVERFILL', 'AFTER_TERMINAL', 'UNKNOWN_ORDER', 'ILLEGAL_TRANSITION']);
    expect(types(events)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderFilled', 'OrderFilled']);
    const order = manager.order(cmd.clientOrderId);
    expect(order?.filledQuantity.toString()).toBe('10');
    expect(order?.status).toBe('FILLED');
  });

  it('passes on a cancel rejection that lost the race to a fill without reporting it', () => {
    const { subject, manager, events, anomalies } = scriptedVenue();
    const { factory } = setup();
    const cmd = factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 });
    manager.execute(cmd);
    manager.execute(factory.cancel(cmd));
    subject.next(filled(cmd, 't1', '10'));
    subject.next({ type: 'OrderCancelRejected', clientOrderId: cmd.clientOrderId, strategyId: cmd.strategyId, instrumentId: cmd.instrumentId, ts: 6, tsInit: 6, reason: 'filled' });
    expect(types(events)).toEqual(['OrderSubmitted', 'OrderPendingCancel', 'OrderFilled', 'OrderCancelRejected']);
    expect(anomalies).toEqual([]);
    expect(manager.order(cmd.clientOrderId)?.status).toBe('FILLED');
  });
});

describe('OrderManager without closed-order history', () => {
  it('forgets filled orders, counts them, and reports a late fill for a forgotten order as an anomaly', () => {
    const clock = new BacktestClock(Date.UTC(2024, 0, 2));
    const stock = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
    const instruments = instrumentRegistry([stock]);
    const venue = new SimulatedVenue({ clock, instruments, retainClosedOrders: false });
    const manager = new OrderManager({ clock, instruments, venue, retainClosedOrders: false });
    const factory = new OrderFactory(clock, instruments, strategyId('s'));
    const anomalies: string[] = [];
    manager.anomalies.subscribe((a) => anomalies.push(a.reason));
    const fills: OrderFilled[] = [];
    manager.events.subscribe((e) => {
      if (e.type === 'OrderFilled') fills.push(e);
    });
    const barAt = (ts: number, open: number): Bar => ({ type: 'Bar', instrumentId: stock.id, ts, open, high: open + 1, low: open - 1, close: open, volume: 1 });
    manager.execute(factory.market({ instrumentId: stock.id, side: 'BUY', quantity: 10 }));
    manager.execute(factory.market({ instrumentId: stock.id, side: 'SELL', quantity: 5 }));
    expect(manager.openOrders()).toHaveLength(2);
    clock.advanceTo(Date.UTC(2024, 0, 3));
    venue.processBar(barAt(clock.now(), 100));
    expect(fills.map((f) => f.quantity.toString())).toEqual(['10', '5']);
    expect(manager.orders()).toEqual([]);
    expect(manager.orderCount).toBe(2);
    // The venue repeats the first fill: the order is gone, so it is an anomaly, never applied.
    (venue as unknown as { subject: { next(e: OrderFilled): void } }).subject.next({ ...fills[0]!, tradeId: tradeId('SIM-T-99') });
    expect(anomalies).toEqual(['UNKNOWN_ORDER']);
  });
});
