import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, defineInstrument, instrumentRegistry, ZERO, type DecimalLike, type Fill, type InstrumentId } from '@rxtrade/core';
import { plainRoundTrips } from './__fixtures__/plain-round-trips';
import { roundTrips } from './round-trips';

const A = 'A.SIM' as InstrumentId;
const B = 'B.SIM' as InstrumentId;
let seq = 0;
const fill = (instrumentId: InstrumentId, side: 'BUY' | 'SELL', quantity: DecimalLike, price: DecimalLike, commission: DecimalLike, ts: number): Fill => ({
  tradeId: `T${++seq}` as Fill['tradeId'],
  clientOrderId: `C${seq}` as Fill['clientOrderId'],
  venueOrderId: `V${seq}` as Fill['venueOrderId'],
  instrumentId,
  side,
  quantity: new Decimal(quantity),
  price: new Decimal(price),
  commission: new Decimal(commission),
  commissionCurrency: 'USD',
  liquiditySide: 'TAKER',
  ts,
});

describe('roundTrips', () => {
  it('closes the oldest lots first (FIFO) and keeps instruments apart', () => {
    const trades = roundTrips([
      fill(A, 'BUY', 5, 10, 0, 1),
      fill(B, 'SELL', 2, 50, 0, 2),
      fill(A, 'BUY', 5, 12, 0, 3),
      fill(A, 'SELL', 7, 11, 0, 4),
      fill(B, 'BUY', 2, 45, 0, 5),
    ]);
    expect(trades.map((t) => [t.instrumentId, t.side, t.quantity.toString(), t.entryPrice.toString(), t.exitTs, t.pnl.toString()])).toEqual([
      [A, 'LONG', '5', '10', 4, '5'],
      [A, 'LONG', '2', '12', 4, '-2'],
      [B, 'SHORT', '2', '50', 5, '10'],
    ]);
  });

  it('splits commissions by quantity and gives the last piece the exact remainder', () => {
    const trades = roundTrips([fill(A, 'BUY', 3, 10, 1, 1), fill(A, 'SELL', 1, 10, 0, 2), fill(A, 'SELL', 1, 10, 0, 3), fill(A, 'SELL', 1, 10, 0, 4)]);
    expect(trades[0]!.fees.toString()).toBe(new Decimal(1).div(3).toString());
    expect(trades.reduce((s, t) => s.plus(t.fees), ZERO).toString()).toBe('1');
  });

  it('multiplies P&L by the instrument multiplier', () => {
    const fut = defineInstrument({ symbol: 'ES', venue: 'CME', assetClass: 'future', base: 'ES', quote: 'USD', tickSize: '0.25', lotSize: '1', multiplier: 50 });
    const [t] = roundTrips([fill(fut.id, 'SELL', 1, 5000, 2, 1), fill(fut.id, 'BUY', 1, 4990.5, 2, 2)], instrumentRegistry([fut]));
    expect(t!.grossPnl.toString()).toBe('475');
    expect(t!.pnl.toString()).toBe('471');
  });

  it('accounts for every fill: on a flat book round-trip P&L equals cash flows minus fees (to 34 significant digits)', () => {
    const step = fc.record({ buy: fc.boolean(), qty: fc.integer({ min: 1, max: 9 }), price: fc.integer({ min: 1, max: 999 }), fee: fc.integer({ min: 0, max: 99 }) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const fills = steps.map((s, i) => fill(A, s.buy ? 'BUY' : 'SELL', s.qty, new Decimal(s.price).div(4), new Decimal(s.fee).div(7), i));
        const net = fills.reduce((q, f) => (f.side === 'BUY' ? q.plus(f.quantity) : q.minus(f.quantity)), ZERO);
        if (!net.isZero()) fills.push(fill(A, net.gt(0) ? 'SELL' : 'BUY', net.abs(), 3, '0.3', steps.length));
        const trades = roundTrips(fills);
        const cash = fills.reduce((c, f) => c.plus(f.price.mul(f.quantity).mul(f.side === 'SELL' ? 1 : -1)).minus(f.commission), ZERO);
        // Commission shares such as 1/3 of a fee are rounded to 34 significant digits, so sums agree to ~1e-30.
        expect(trades.reduce((s, t) => s.plus(t.pnl), ZERO).minus(cash).abs().toNumber()).toBeLessThan(1e-25);
        expect(trades.reduce((s, t) => s.plus(t.fees), ZERO).minus(fills.reduce((s, f) => s.plus(f.commission), ZERO)).abs().toNumber()).toBeLessThan(1e-25);
      }),
      { numRuns: 200 },
    );
  });
});

/** A Decimal's digits with its sign, that of a zero included (`toString` prints -0 as '0'). */
const signed = (d: Decimal): string => `${d.isNeg() ? '-' : '+'}${d.abs().toString()}`;

/** The round trips as plain decimal.js arithmetic computes them: the reference of the exactness test below. */
function referenceRoundTrips(fills: readonly Fill[], multiplier: Decimal | undefined): string[][] {
  return plainRoundTrips(fills, multiplier).map((t) => [t.quantity, t.entryPrice, t.exitPrice, t.fees, t.grossPnl, t.pnl].map(signed));
}

describe('roundTrips exactness', () => {
  it('gives what plain decimal.js arithmetic gives, digit for digit and sign of zero included', () => {
    // Prices and quantities on several scales, break-even exits, zero, negative (rebates) and
    // repeating-share commissions, a multiplier, and values too large for the integer fast path.
    const decimal = fc.oneof(
      fc.integer({ min: 1, max: 10 }).map((n) => new Decimal(n)),
      fc.integer({ min: 1, max: 2_000 }).map((n) => new Decimal(n)),
      fc.integer({ min: 1, max: 2_000_000 }).map((n) => new Decimal(n).div(1000)),
      fc.integer({ min: 1, max: 99 }).map((n) => new Decimal(n).mul('1e15')),
    );
    const step = fc.record({
      buy: fc.boolean(),
      qty: decimal,
      price: fc.oneof(decimal, fc.constant(new Decimal(100))),
      fee: fc.oneof(fc.constant(ZERO), fc.integer({ min: -50, max: 500 }).map((n) => new Decimal(n).div(7)), fc.integer({ min: 0, max: 999 }).map((n) => new Decimal(n).div(100))),
    });
    const fut = defineInstrument({ symbol: 'ES', venue: 'CME', assetClass: 'future', base: 'ES', quote: 'USD', tickSize: '0.001', lotSize: '0.001', multiplier: 50 });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), fc.boolean(), (steps, withMultiplier) => {
        const id = withMultiplier ? fut.id : A;
        const fills = steps.map((s, i) => fill(id, s.buy ? 'BUY' : 'SELL', s.qty, s.price, s.fee, i));
        const trades = roundTrips(fills, withMultiplier ? instrumentRegistry([fut]) : undefined);
        const got = trades.map((t) => [t.quantity, t.entryPrice, t.exitPrice, t.fees, t.grossPnl, t.pnl].map(signed));
        expect(got).toEqual(referenceRoundTrips(fills, withMultiplier ? new Decimal(50) : undefined));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the sign of a zero gross P&L: a short closed at its entry price', () => {
    const [t] = roundTrips([fill(A, 'SELL', 2, 100, 0, 1), fill(A, 'BUY', 2, 100, 0, 2)]);
    expect(signed(t!.grossPnl)).toBe('-0');
    expect(t!.pnl.isZero()).toBe(true);
  });
});
