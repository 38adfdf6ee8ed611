import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, ValidationError } from '@rxtrade/core';
import { sliceTimes, splitQuantity } from './child-schedule';

const d = (v: number | string) => new Decimal(v);
const strings = (xs: Decimal[]) => xs.map((x) => x.toString());

describe('splitQuantity', () => {
  it('splits equally and puts the lot-rounding remainder on the last child', () => {
    expect(strings(splitQuantity(d(100), [1, 1, 1], d(1)))).toEqual(['33', '33', '34']);
    expect(strings(splitQuantity(d(10), [1, 1, 1, 1], d(1)))).toEqual(['2', '2', '2', '4']);
    expect(strings(splitQuantity(d(100), [1, 1, 1, 1], d(1)))).toEqual(['25', '25', '25', '25']);
  });

  it('splits in proportion to weights, rounding each share down to the lot', () => {
    // 101 × 1/10 = 10.1 → 10, 101 × 2/10 = 20.2 → 20, 101 × 3/10 = 30.3 → 30, last 101 − 60 = 41
    expect(strings(splitQuantity(d(101), [1, 2, 3, 4], d(1)))).toEqual(['10', '20', '30', '41']);
    // shares in any scale: volumes 4000, 2000, 1000, 3000 of 1000 shares
    expect(strings(splitQuantity(d(1000), [4000, 2000, 1000, 3000], d(1)))).toEqual(['400', '200', '100', '300']);
  });

  it('rounds to fractional lots', () => {
    // 1 ETH / 3 = 0.3333… → 0.333, 0.333, last 1 − 0.666 = 0.334
    expect(strings(splitQuantity(d(1), [1, 1, 1], d('0.001')))).toEqual(['0.333', '0.333', '0.334']);
    // lot 0.5: 7.5 × 1/4 = 1.875 → 1.5; 7.5 × 3/4 = 5.625 is the last: 7.5 − 1.5 = 6
    expect(strings(splitQuantity(d('7.5'), [1, 3], d('0.5')))).toEqual(['1.5', '6']);
  });

  it('gives zero to zero weights and to shares below one lot', () => {
    expect(strings(splitQuantity(d(10), [0, 1, 0, 1], d(1)))).toEqual(['0', '5', '0', '5']);
    expect(strings(splitQuantity(d(3), [1, 1, 1, 1], d(1)))).toEqual(['0', '0', '0', '3']);
  });

  it('always sums exactly to the total with lot-multiple, non-negative children', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom('1', '0.001', '0.5', '25'),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 40 }).filter((w) => w.some((x) => x > 0)),
        (lots, lot, weights) => {
          const total = d(lot).mul(lots);
          const parts = splitQuantity(total, weights, d(lot));
          expect(parts).toHaveLength(weights.length);
          expect(parts.reduce((a, b) => a.plus(b), d(0)).eq(total)).toBe(true);
          for (const p of parts) {
            expect(p.gte(0)).toBe(true);
            expect(p.div(lot).isInteger()).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('names the bad input', () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof ValidationError ? e.field : 'not a ValidationError';
      }
      return 'no error';
    };
    expect(field(() => splitQuantity(d('10.5'), [1], d(1)))).toBe('total');
    expect(field(() => splitQuantity(d(10), [], d(1)))).toBe('weights');
    expect(field(() => splitQuantity(d(10), [1, -1], d(1)))).toBe('weights[1]');
    expect(field(() => splitQuantity(d(10), [0, 0], d(1)))).toBe('weights');
  });
});

describe('sliceTimes', () => {
  it('spaces slices evenly, rounding down to the millisecond', () => {
    expect(sliceTimes(1_000, 60_000, 4)).toEqual([1_000, 16_000, 31_000, 46_000]);
    expect(sliceTimes(0, 1_000, 3)).toEqual([0, 333, 666]);
    expect(sliceTimes(5, 10, 1)).toEqual([5]);
  });
});
