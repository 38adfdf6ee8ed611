import fc from 'fast-check';
import {
  Decimal,
  OrderSide,
  OrderType,
  TimeInForce,
  clientOrderId,
  strategyId,
  tradeId,
  venueOrderId,
  type OrderEvent,
  type OrderFilled,
  type SubmitOrder,
} from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { DAY, bar, goog, setup } from './__fixtures__/setup';
import { ClosedOrderRows } from './closed-order-rows';
import { Order, OrderHold } from './order';

const T0 = Date.UTC(2024, 0, 2);

/** Every own field of an order, private ones included, in the order they were defined. */
const fields = (o: Order): [string, unknown][] => Object.entries(o);

const ev = (o: Order, type: OrderEvent['type'], extra: Record<string, unknown> = {}, ts = T0 + 1): OrderEvent =>
  ({ type, clientOrderId: o.clientOrderId, strategyId: o.strategyId, instrumentId: o.instrumentId, ts, tsInit: ts, ...extra }) as OrderEvent;

const fill = (o: Order, id: string, qty: Decimal, price: string, ts: number): OrderFilled => ({
  type: 'OrderFilled', tradeId: tradeId(id), clientOrderId: o.clientOrderId, venueOrderId: venueOrderId(`V-${o.clientOrderId}`), instrumentId: o.instrumentId,
  side: o.side, quantity: qty, price: new Decimal(price), commission: new Decimal('0.5'), commissionCurrency: 'USD', liquiditySide: 'MAKER', ts,
  strategyId: o.strategyId, tsInit: ts,
});

const shape = fc.record({
  side: fc.constantFrom(...Object.values(OrderSide)),
  orderType: fc.constantFrom(...Object.values(OrderType)),
  timeInForce: fc.constantFrom(...Object.values(TimeInForce)),
  quantity: fc.integer({ min: 1, max: 1_000_000 }),
  price: fc.option(fc.integer({ min: 1, max: 10_000_000 }), { nil: undefined }),
  triggerPrice: fc.option(fc.integer({ min: 1, max: 10_000_000 }), { nil: undefined }),
  reduceOnly: fc.boolean(),
  postOnly: fc.boolean(),
  rare: fc.option(
    fc.record({
      expireTime: fc.option(fc.integer({ min: T0, max: T0 + 10 * DAY }), { nil: undefined }),
      trailingOffset: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }),
      trailingOffsetType: fc.option(fc.constantFrom('PRICE' as const, 'PERCENT' as const), { nil: undefined }),
      limitOffset: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }),
      contingencyType: fc.option(fc.constantFrom('OTO' as const, 'OCO' as const, 'OUO' as const), { nil: undefined }),
      parentOrderId: fc.option(fc.constant(clientOrderId('P-1')), { nil: undefined }),
      linkedOrderIds: fc.option(fc.constant([clientOrderId('L-1'), clientOrderId('L-2')]), { nil: undefined }),
    }),
    { nil: undefined },
  ),
  // How it ended: denied, rejected (before or after its acceptance), or filled in 1-4 fills.
  end: fc.oneof(fc.constant('DENIED' as const), fc.constant('REJECTED' as const), fc.constant('REJECTED_AFTER_ACK' as const), fc.integer({ min: 1, max: 4 })),
  createdAt: fc.integer({ min: T0, max: T0 + DAY }),
});

/** An order of the drawn shape, driven to the drawn end through its events. */
type Shape = typeof shape extends fc.Arbitrary<infer T> ? T : never;
function closedOrder(s: Shape, n: number): Order {
  const cents = (v: number | undefined): Decimal | undefined => (v === undefined ? undefined : new Decimal(v).div(100));
  const command = {
    type: 'SubmitOrder', clientOrderId: clientOrderId(`O-${n}`), strategyId: strategyId('rows'), instrumentId: goog.id, side: s.side,
    orderType: s.orderType, timeInForce: s.timeInForce, quantity: new Decimal(s.quantity), price: cents(s.price), triggerPrice: cents(s.triggerPrice),
    reduceOnly: s.reduceOnly, postOnly: s.postOnly, ts: s.createdAt,
    ...(s.rare === undefined ? {} : { ...s.rare, trailingOffset: cents(s.rare.trailingOffset), limitOffset: cents(s.rare.limitOffset) }),
  } as SubmitOrder;
  const o = new Order(command, s.createdAt);
  if (s.end === 'DENIED') {
    o.apply(ev(o, 'OrderDenied', { reason: 'no' }));
    return o;
  }
  o.apply(ev(o, 'OrderSubmitted'));
  if (s.end === 'REJECTED') {
    o.apply(ev(o, 'OrderRejected', { reason: 'no' }, T0 + 2));
    return o;
  }
  o.apply(ev(o, 'OrderAccepted', { venueOrderId: venueOrderId(`V-${n}`) }, T0 + 2));
  if (s.end === 'REJECTED_AFTER_ACK') {
    o.apply(ev(o, 'OrderRejected', { reason: 'no' }, T0 + 3));
    return o;
  }
  // Fills of 1 lot each, the last one taking what is left (the whole order when there is one fill).
  let left = o.quantity;
  for (let k = 1; k <= s.end; k++) {
    const qty = k === s.end || left.lte(1) ? left : new Decimal(1);
    expect(o.apply(fill(o, `T-${n}-${k}`, qty === o.quantity ? o.quantity : qty, `${100 + k}.25`, T0 + 3 + k))).toEqual({ applied: true });
    left = left.minus(qty);
    if (left.isZero()) break;
  }
  return o;
}

describe('ClosedOrderRows', () => {
  it('reads back every closed order it takes as a new Order equal in every field, private ones included, with the same field order', () => {
    fc.assert(
      fc.property(fc.array(shape, { minLength: 1, maxLength: 20 }), (shapes) => {
        const rows = new ClosedOrderRows();
        const orders = shapes.map((s, i) => closedOrder(s, i));
        for (const o of orders) expect(ClosedOrderRows.accepts(o)).toBe(true);
        const at = orders.map((o) => rows.add(o));
        expect(rows.size).toBe(orders.length);
        orders.forEach((o, i) => {
          const back = rows.order(at[i]!);
          expect(back).not.toBe(o);
          expect(back).toBeInstanceOf(Order);
          expect(fields(back)).toEqual(fields(o));
          expect(rows.status(at[i]!)).toBe(o.status);
          expect([back.isOpen, back.leavesQuantity.toString(), back.venueOrderId, back.avgFillPrice?.toString()]).toEqual([o.isOpen, o.leavesQuantity.toString(), o.venueOrderId, o.avgFillPrice?.toString()]);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('keeps rows across many chunks of references and times, and while the first chunk grows', () => {
    const rows = new ClosedOrderRows();
    const orders = Array.from({ length: 2_600 }, (_, i) =>
      closedOrder({ side: i % 2 ? 'SELL' : 'BUY', orderType: 'MARKET', timeInForce: 'GTC', quantity: 1 + (i % 7), price: undefined, triggerPrice: undefined, reduceOnly: false, postOnly: i % 3 === 0, rare: undefined, end: 1 + (i % 3), createdAt: T0 + i * 60_000 }, i),
    );
    orders.forEach((o, i) => {
      expect(rows.add(o)).toBe(i);
      // Every earlier row still reads back after each growth of the first chunk (16, 32, ... 1,024 rows).
      if (i < 1_100 && (i & (i - 1)) === 0) for (let j = 0; j <= i; j++) expect(fields(rows.order(j))).toEqual(fields(orders[j]!));
    });
    for (let i = 0; i < orders.length; i++) expect(fields(rows.order(i))).toEqual(fields(orders[i]!));
    expect(orders.every((o, i) => rows.status(i) === o.status)).toBe(true);
  });

  it('takes only orders no event can change: not open ones, not held ones, not CANCELED or EXPIRED ones (a late fill may still come)', () => {
    const limit = (n: number): Order =>
      new Order({ type: 'SubmitOrder', clientOrderId: clientOrderId(`O-${n}`), strategyId: strategyId('rows'), instrumentId: goog.id, side: 'BUY', orderType: 'LIMIT', timeInForce: 'GTC', quantity: new Decimal(5), price: new Decimal(100), reduceOnly: false, postOnly: false, ts: T0 } as SubmitOrder, T0);
    const held = limit(1);
    expect(ClosedOrderRows.accepts(held)).toBe(false); // INITIALIZED
    held.held = OrderHold.EMULATED;
    held.apply(ev(held, 'OrderDenied', { reason: 'no' }));
    expect([held.status, ClosedOrderRows.accepts(held)]).toEqual(['DENIED', false]); // still marked held
    held.held = undefined;
    expect(ClosedOrderRows.accepts(held)).toBe(true);
    for (const [type, status] of [['OrderCanceled', 'CANCELED'], ['OrderExpired', 'EXPIRED']] as const) {
      const o = limit(2);
      o.apply(ev(o, 'OrderSubmitted'));
      o.apply(ev(o, 'OrderAccepted', { venueOrderId: venueOrderId('V-2') }));
      expect(ClosedOrderRows.accepts(o)).toBe(false); // open
      o.apply(fill(o, 'T-1', new Decimal(2), '99.5', T0 + 5));
      expect([o.status, ClosedOrderRows.accepts(o)]).toEqual(['PARTIALLY_FILLED', false]);
      o.apply(ev(o, type));
      expect([o.status, ClosedOrderRows.accepts(o)]).toEqual([status, false]);
    }
  });
});

describe('OrderManager with closed orders kept as rows', () => {
  it('answers for a filled order with an equal new object, keeps creation order across open, canceled, filled and denied orders, and refuses requests for it by its status', () => {
    const { clock, venue, manager, factory, events } = setup();
    clock.advanceTo(DAY);
    venue.processBar(bar(goog.id, DAY, 100, 101, 99, 100.5));
    const market = factory.market({ instrumentId: goog.id, side: 'BUY', quantity: 10 });
    const resting = factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 5, price: 50 });
    const canceled = factory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 5, price: 51 });
    const denied = factory.market({ instrumentId: goog.id, side: 'BUY', quantity: new Decimal('0.5') }); // not a whole lot
    for (const c of [market, resting, canceled, denied]) manager.execute(c);
    manager.execute(factory.cancel(canceled));
    const held = manager.order(market.clientOrderId)!;
    clock.advanceTo(2 * DAY);
    venue.processBar(bar(goog.id, 2 * DAY, 100.25, 101, 99, 100.5));

    expect(held.status).toBe('FILLED'); // the object a caller already held is final and right
    const first = manager.order(market.clientOrderId)!;
    expect(first).not.toBe(held);
    expect(fields(first)).toEqual(fields(held));
    expect(manager.order(market.clientOrderId)).not.toBe(first);
    expect(manager.orders().map((o) => [o.clientOrderId, o.status])).toEqual([
      [market.clientOrderId, 'FILLED'],
      [resting.clientOrderId, 'ACCEPTED'],
      [canceled.clientOrderId, 'CANCELED'],
      [denied.clientOrderId, 'DENIED'],
    ]);
    expect(manager.order(canceled.clientOrderId)).toBe(manager.order(canceled.clientOrderId)); // may still change: kept as the object
    expect(manager.orderCount).toBe(4);

    events.length = 0;
    manager.execute(factory.cancel(market));
    manager.execute(factory.modify(market, { quantity: 20 }));
    manager.execute({ ...market, ts: clock.now() });
    expect(events.map((e) => [e.type, 'reason' in e ? e.reason : ''])).toEqual([
      ['OrderCancelRejected', `order ${market.clientOrderId} is FILLED (closed)`],
      ['OrderModifyRejected', `order ${market.clientOrderId} is FILLED (closed)`],
      ['OrderDenied', `clientOrderId: duplicate ${market.clientOrderId} (an order with this id already exists, status FILLED)`],
    ]);
    expect(manager.order(market.clientOrderId)?.status).toBe('FILLED');
  });
});
