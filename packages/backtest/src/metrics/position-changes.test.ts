import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, type Fill, type InstrumentId } from '@rxtrade/core';
import { positionChanges } from './position-changes';

const A = 'A.SIM' as InstrumentId;
const B = 'B.SIM' as InstrumentId;
const fill = (instrumentId: InstrumentId, side: 'BUY' | 'SELL', quantity: number, ts: number): Fill => ({
  tradeId: `T${ts}` as Fill['tradeId'],
  clientOrderId: `C${ts}` as Fill['clientOrderId'],
  venueOrderId: `V${ts}` as Fill['venueOrderId'],
  instrumentId,
  side,
  quantity: new Decimal(quantity),
  price: new Decimal(1),
  commission: new Decimal(0),
  commissionCurrency: 'USD',
  liquiditySide: 'TAKER',
  ts,
});

describe('positionChanges', () => {
  it('logs the signed position after each fill', () => {
    const log = positionChanges([fill(A, 'BUY', 3, 1), fill(B, 'SELL', 2, 1), fill(A, 'SELL', 5, 2)]);
    expect(log.map((p) => [p.ts, p.instrumentId, p.quantity.toNumber()])).toEqual([
      [1, A, 3],
      [1, B, -2],
      [2, A, -2],
    ]);
  });
});

describe('positionChanges exactness', () => {
  it('gives the running sums of plain decimal.js arithmetic, fractional and very large quantities included', () => {
    const quantity = fc.oneof(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 9_999 }).map((n) => n / 1000), fc.integer({ min: 1, max: 9 }).map((n) => n * 1e17));
    fc.assert(
      fc.property(fc.array(fc.record({ buy: fc.boolean(), b: fc.boolean(), q: quantity }), { minLength: 1, maxLength: 40 }), (steps) => {
        const fills = steps.map((s, i) => fill(s.b ? B : A, s.buy ? 'BUY' : 'SELL', s.q, i));
        const held = new Map<InstrumentId, Decimal>();
        const expected = fills.map((f) => {
          const before = held.get(f.instrumentId) ?? new Decimal(0);
          const after = f.side === 'BUY' ? before.plus(f.quantity) : before.minus(f.quantity);
          held.set(f.instrumentId, after);
          return `${after.isNeg() ? '-' : '+'}${after.abs().toString()}`;
        });
        expect(positionChanges(fills).map((p) => `${p.quantity.isNeg() ? '-' : '+'}${p.quantity.abs().toString()}`)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
