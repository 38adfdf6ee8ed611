import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BacktestClock, Decimal, OrderFactory, ValidationError, instrumentRegistry, strategyId, type DecimalLike, type OrderEvent, type SubmitOrder, type TradeId, type VenueOrderId } from '@rxtrade/core';
import { aapl, eth } from './__fixtures__/algo-harness';
import { ParentOrder } from './parent-order';

const clock = new BacktestClock(0);
const factory = new OrderFactory(clock, instrumentRegistry([aapl, eth]), strategyId('p'), 'P');

let trade = 0;
const fill = (c: SubmitOrder, q: DecimalLike): OrderEvent => ({
  type: 'OrderFilled',
  tradeId: `t-${++trade}` as TradeId,
  clientOrderId: c.clientOrderId,
  venueOrderId: 'v' as VenueOrderId,
  instrumentId: c.instrumentId,
  side: c.side,
  quantity: new Decimal(q),
  price: new Decimal(100),
  commission: new Decimal(0),
  commissionCurrency: 'USD',
  liquiditySide: 'TAKER',
  ts: 0,
  strategyId: c.strategyId,
  tsInit: 0,
});
const closed = (c: SubmitOrder, type: 'OrderCanceled' | 'OrderRejected' | 'OrderExpired' | 'OrderDenied'): OrderEvent =>
  ({ type, clientOrderId: c.clientOrderId, strategyId: c.strategyId, instrumentId: c.instrumentId, ts: 0, tsInit: 0, reason: 'x' }) as OrderEvent;

describe('ParentOrder', () => {
  it('caps a child at the unallocated quantity and rounds it down to the lot', () => {
    const p = new ParentOrder(factory.market({ instrumentId: eth.id, side: 'BUY', quantity: 1 }), eth, clock, factory);
    expect(p.createChild(new Decimal('0.4567'))!.quantity.toString()).toBe('0.456');
    expect(p.createChild(new Decimal(5))!.quantity.toString()).toBe('0.544');
    expect(p.createChild(new Decimal(5))).toBeUndefined();
    expect(p.createChild(new Decimal('0.0004'))).toBeUndefined();
    expect([p.working.toString(), p.unallocated.toString()]).toEqual(['1', '0']);
  });

  it('returns the unfilled part of a child that closes to the unallocated quantity', () => {
    const p = new ParentOrder(factory.limit({ instrumentId: aapl.id, side: 'SELL', quantity: 100, price: 10 }), aapl, clock, factory);
    const c = p.createChild(new Decimal(60))!;
    expect([c.orderType, c.price?.toString(), c.side, c.clientOrderId === p.id]).toEqual(['LIMIT', '10', 'SELL', false]);
    expect(p.apply(fill(c, 25))).toMatchObject({ closed: false, complete: false });
    expect(p.apply(closed(c, 'OrderCanceled'))).toMatchObject({ closed: true, complete: false });
    expect([p.filled, p.working, p.unallocated].map(String)).toEqual(['25', '0', '75']);
    expect(p.apply(fill(c, 5))).toBeUndefined(); // after close: ignored
    expect(p.openChildren()).toEqual([]);
  });

  it('refuses a parent quantity that is not a lot multiple', () => {
    const bad = { ...factory.market({ instrumentId: aapl.id, side: 'BUY', quantity: 10 }), quantity: new Decimal('10.5') };
    expect(() => new ParentOrder(bad, aapl, clock, factory)).toThrow(ValidationError);
  });

  it('never lets filled + working exceed the parent, whatever the children do', () => {
    type Step = { kind: 'send'; q: number } | { kind: 'fill'; i: number; frac: number } | { kind: 'close'; i: number; how: 'OrderCanceled' | 'OrderRejected' | 'OrderExpired' | 'OrderDenied' };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('send' as const), q: fc.integer({ min: 0, max: 5000 }) }),
      fc.record({ kind: fc.constant('fill' as const), i: fc.nat(30), frac: fc.double({ min: 0, max: 1.5, noNaN: true }) }),
      fc.record({ kind: fc.constant('close' as const), i: fc.nat(30), how: fc.constantFrom('OrderCanceled', 'OrderRejected', 'OrderExpired', 'OrderDenied') }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.array(step, { maxLength: 60 }), (lots, steps) => {
        const p = new ParentOrder(factory.market({ instrumentId: eth.id, side: 'BUY', quantity: new Decimal(lots).div(1000) }), eth, clock, factory);
        const children: SubmitOrder[] = [];
        for (const s of steps) {
          if (s.kind === 'send') {
            const c = p.createChild(new Decimal(s.q).div(1000));
            if (c) {
              expect(c.quantity.gt(0)).toBe(true);
              expect(c.quantity.mul(1000).isInteger()).toBe(true);
              children.push(c);
            }
          } else {
            const c = children[s.i % Math.max(1, children.length)];
            if (c === undefined) continue;
            if (s.kind === 'fill') {
              const q = c.quantity.mul(s.frac).toDecimalPlaces(3, Decimal.ROUND_DOWN);
              if (q.gt(0)) p.apply(fill(c, q));
            } else p.apply(closed(c, s.how));
          }
          expect(p.filled.plus(p.working).lte(p.quantity)).toBe(true);
          expect(p.working.gte(0)).toBe(true);
          expect(p.unallocated.gte(0)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
