import { Decimal } from '@rxtrade/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gridOf, productGreater, toUnits } from './exact';

describe('exact hot-path arithmetic', () => {
  it('counts grid steps in a Decimal exactly, NaN off the grid, as Decimal division does', () => {
    const grids = ['0.01', '0.00001', '0.25', '1', '5', '0.0000001'].map((s) => gridOf(new Decimal(s)));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: grids.length - 1 }), fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 12 }), (gi, coeff, scale) => {
        const g = grids[gi]!;
        const value = new Decimal(coeff.toString()).div(new Decimal(10).pow(scale));
        const q = value.div(g.step);
        const got = toUnits(value, g);
        if (!q.isInteger()) expect(got).toBeNaN();
        else if (q.abs().lte(Number.MAX_SAFE_INTEGER)) expect(got).toBe(q.toNumber());
        else expect(Math.abs(got)).toBe(Infinity);
      }),
      { numRuns: 5000, seed: 1 },
    );
  });

  it('compares products exactly beyond 2^53, where doubles round', () => {
    // 3 x 3002399751580331 = 2^53 + 1, which rounds to the double 2^53 = 2^52 x 2.
    expect(3 * 3002399751580331 > 2 ** 52 * 2).toBe(false);
    expect(productGreater(3, 3002399751580331, 2 ** 52, 2)).toBe(true);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 20n }), fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 20n }), (a, b, c, d) => {
        expect(productGreater(Number(a), Number(b), Number(c), Number(d))).toBe(a * b > c * d);
      }),
      { numRuns: 5000, seed: 2 },
    );
  });

  it('answers true (deny) for NaN, so a gate that cannot compute never approves', () => {
    expect(productGreater(NaN, 1, 1, 1)).toBe(true);
    expect(productGreater(1, 1, NaN, 1)).toBe(true);
  });
});
