import {
  Decimal,
  IllegalTransitionError,
  OrderFactory,
  StateError,
  clientOrderId,
  strategyId,
  tradeId,
  venueOrderId,
  type OrderEvent,
  type OrderFilled,
  type SubmitOrder,
} from '@rxtrade/core';
import { BacktestClock, instrumentRegistry } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { goog } from './__fixtures__/setup';
import { Order } from './order';

const clock = new BacktestClock(1_000);
const factory = new OrderFactory(clock, instrumentRegistry([goog]), strategyId('s'), 'T');

function newOrder(quantity = 100): { order: Order; cmd: SubmitOrder } {
  const cmd = factory.market({ instrumentId: goog.id, side: 'BUY', quantity });
  return { order: new Order(cmd, 1_000), cmd };
}

function ev<T extends OrderEvent['type']>(order: Order, type: T, extra: Record<string, unknown> = {}, ts = 2_000): OrderEvent {
  return { type, clientOrderId: order.clientOrderId, strategyId: order.strategyId, instrumentId: order.instrumentId, ts, tsInit: ts, ...extra } as OrderEvent;
}

function fill(order: Order, id: string, qty: string, price: string, ts = 3_000): OrderFilled {
  return {
    type: 'OrderFilled', tradeId: tradeId(id), clientOrderId: order.clientOrderId, venueOrderId: venueOrderId('V-1'), instrumentId: order.instrumentId,
    side: order.side, quantity: new Decimal(qty), price: new Decimal(price), commission: new Decimal(0), commissionCurrency: 'USD',
    liquiditySide: 'TAKER', ts, strategyId: order.strategyId, tsInit: ts,
  };
}

function accepted(): Order {
  const { order } = newOrder();
  order.apply(ev(order, 'OrderSubmitted'));
  order.apply(ev(order, 'OrderAccepted', { venueOrderId: venueOrderId('V-1') }));
  return order;
}

describe('Order', () => {
  it('starts INITIALIZED with the command fields and nothing filled', () => {
    const { order, cmd } = newOrder();
    expect(order.status).toBe('INITIALIZED');
    expect(order.isOpen).toBe(true);
    expect(order.quantity.eq(100)).toBe(true);
    expect(order.filledQuantity.isZero()).toBe(true);
    expect(order.avgFillPrice).toBeUndefined();
    expect(order.clientOrderId).toBe(cmd.clientOrderId);
    expect(order.tsCreated).toBe(1_000);
    expect(order.tsLast).toBe(1_000);
  });

  it('records the venue order id on accept and the event time as tsLast', () => {
    const order = accepted();
    expect(order.status).toBe('ACCEPTED');
    expect(order.venueOrderId).toBe('V-1');
    expect(order.tsLast).toBe(2_000);
  });

  it('tracks partial fills and a quantity-weighted average price until FILLED', () => {
    const order = accepted();
    expect(order.apply(fill(order, 't1', '30', '100.10'))).toEqual({ applied: true });
    expect(order.status).toBe('PARTIALLY_FILLED');
    expect(order.apply(fill(order, 't2', '50', '100.20'))).toEqual({ applied: true });
    expect(order.apply(fill(order, 't3', '20', '100.05', 4_000))).toEqual({ applied: true });
    expect(order.status).toBe('FILLED');
    expect(order.isOpen).toBe(false);
    expect(order.filledQuantity.toString()).toBe('100');
    expect(order.leavesQuantity.isZero()).toBe(true);
    // (30*100.10 + 50*100.20 + 20*100.05) / 100 = (3003 + 5010 + 2001) / 100 = 100.14
    expect(order.avgFillPrice?.toString()).toBe('100.14');
    expect(order.tsLast).toBe(4_000);
  });

  it('reports a duplicate fill (same trade id) and does not apply it', () => {
    const order = accepted();
    order.apply(fill(order, 't1', '40', '100'));
    const result = order.apply(fill(order, 't1', '40', '100'));
    expect(result).toMatchObject({ applied: false, reason: 'DUPLICATE_FILL' });
    expect(order.filledQuantity.toString()).toBe('40');
    expect(order.status).toBe('PARTIALLY_FILLED');
  });

  it('recognises the trade ids of every fill, not only the first', () => {
    const order = accepted();
    for (const t of ['t1', 't2', 't3']) expect(order.apply(fill(order, t, '10', '100'))).toEqual({ applied: true });
    for (const t of ['t3', 't2', 't1']) expect(order.apply(fill(order, t, '10', '100'))).toMatchObject({ applied: false, reason: 'DUPLICATE_FILL' });
    expect([order.hasTrade('t1'), order.hasTrade('t2'), order.hasTrade('t3'), order.hasTrade('t4')]).toEqual([true, true, true, false]);
    expect(order.filledQuantity.toString()).toBe('30');
  });

  it('reports an overfill and does not apply it', () => {
    const order = accepted();
    order.apply(fill(order, 't1', '60', '100'));
    const result = order.apply(fill(order, 't2', '41', '100'));
    expect(result).toMatchObject({ applied: false, reason: 'OVERFILL' });
    if (!result.applied) expect(result.message).toContain('101');
    expect(order.filledQuantity.toString()).toBe('60');
    expect(order.status).toBe('PARTIALLY_FILLED');
  });

  it('books a fill that crossed the OrderCanceled on the wire and stays CANCELED; refuses one after FILLED', () => {
    const order = accepted();
    order.apply(ev(order, 'OrderCanceled'));
    expect(order.status).toBe('CANCELED');
    expect(order.apply(fill(order, 't9', '10', '100'))).toEqual({ applied: true });
    expect(order.filledQuantity.toString()).toBe('10');
    expect(order.avgFillPrice?.toString()).toBe('100');
    expect(order.status).toBe('CANCELED');
    expect(order.apply(fill(order, 't9', '10', '100'))).toMatchObject({ applied: false, reason: 'DUPLICATE_FILL' });
    const done = accepted();
    done.apply(fill(done, 't1', done.quantity.toString(), '100'));
    expect(done.status).toBe('FILLED');
    expect(done.apply(fill(done, 't2', '1', '100'))).toMatchObject({ applied: false, reason: 'AFTER_TERMINAL' });
  });

  it('reports a fill with a non-positive quantity or price, or of the wrong side', () => {
    const order = accepted();
    expect(order.apply(fill(order, 't1', '0', '100'))).toMatchObject({ applied: false, reason: 'INVALID_FILL' });
    expect(order.apply(fill(order, 't2', '5', '-1'))).toMatchObject({ applied: false, reason: 'INVALID_FILL' });
    expect(order.apply({ ...fill(order, 't3', '5', '100'), side: 'SELL' })).toMatchObject({ applied: false, reason: 'INVALID_FILL' });
    expect(order.filledQuantity.isZero()).toBe(true);
    expect(order.status).toBe('ACCEPTED');
  });

  it('throws IllegalTransitionError for other illegal events and stays unchanged', () => {
    const order = accepted();
    order.apply(fill(order, 't1', '100', '100'));
    expect(() => order.apply(ev(order, 'OrderCanceled'))).toThrow(IllegalTransitionError);
    expect(() => order.apply(ev(order, 'OrderAccepted', { venueOrderId: venueOrderId('V-2') }))).toThrow(/illegal transition on OrderAccepted from FILLED/);
    const { order: fresh } = newOrder();
    expect(() => fresh.apply(ev(fresh, 'OrderAccepted', { venueOrderId: venueOrderId('V-3') }))).toThrow(IllegalTransitionError);
    expect(fresh.status).toBe('INITIALIZED');
    expect(order.status).toBe('FILLED');
  });

  it('returns to the previous open status when a cancel is refused', () => {
    const order = accepted();
    order.apply(fill(order, 't1', '10', '100'));
    order.apply(ev(order, 'OrderPendingCancel'));
    expect(order.status).toBe('PENDING_CANCEL');
    order.apply(ev(order, 'OrderPendingCancel'));
    order.apply(ev(order, 'OrderCancelRejected', { reason: 'too late' }));
    expect(order.status).toBe('PARTIALLY_FILLED');
  });

  it('accepts fills while a cancel is pending', () => {
    const order = accepted();
    order.apply(ev(order, 'OrderPendingCancel'));
    order.apply(fill(order, 't1', '100', '100'));
    expect(order.status).toBe('FILLED');
    // The venue's answer to the cancel arrives after the fill: reported, not thrown.
    expect(order.apply(ev(order, 'OrderCancelRejected', { reason: 'filled' }))).toMatchObject({ applied: false, reason: 'AFTER_TERMINAL' });
  });

  it('applies an update of quantity and prices', () => {
    const order = accepted();
    order.apply(ev(order, 'OrderPendingUpdate'));
    order.apply(ev(order, 'OrderUpdated', { quantity: new Decimal(150), price: undefined, triggerPrice: undefined }));
    expect(order.status).toBe('ACCEPTED');
    expect(order.quantity.toString()).toBe('150');
  });

  it('refuses an event addressed to another order', () => {
    const order = accepted();
    expect(() => order.apply({ ...ev(order, 'OrderCanceled'), clientOrderId: clientOrderId('other') })).toThrow(StateError);
  });
});
