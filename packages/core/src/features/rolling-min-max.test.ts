import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollingMinMax } from './rolling-min-max';
import { sp500 } from './__fixtures__/bars';
import { expectMatchesReference, expectReplaceMatchesRecompute, type Reference } from './__fixtures__/transform-checks';

/** Reference: scan the window for its extremes. */
const reference =
  (p: number): Reference =>
  (s, t) => {
    if (t + 1 < p) return undefined;
    const w = s.slice(t + 1 - p, t + 1);
    const lo = Math.min(...w);
    const hi = Math.max(...w);
    return hi === lo ? 0.5 : (s[t]! - lo) / (hi - lo);
  };

describe('RollingMinMax', () => {
  it('matches a window scan on real S&P 500 closes (window 14 and 252)', () => {
    const closes = sp500().map((b) => b.close);
    expectMatchesReference(() => new RollingMinMax(14), reference(14), closes, 12);
    expectMatchesReference(() => new RollingMinMax(252), reference(252), closes, 12);
  });

  it('matches the window scan on random series with many ties (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 150 }), fc.integer({ min: 1, max: 12 }), (series, p) => {
        expectMatchesReference(() => new RollingMinMax(p), reference(p), series, 12);
      }),
      { numRuns: 200 },
    );
  });

  it('exposes the window minimum and maximum', () => {
    const mm = new RollingMinMax(3);
    expect([1, 3, 2, 5].map((x) => mm.update(x))).toEqual([undefined, undefined, 0.5, 1]);
    expect([mm.min, mm.max]).toEqual([2, 5]);
    expect(new RollingMinMax(2).min).toBeUndefined();
  });

  it('revises the newest input with replace exactly as recomputing the revised series', () => {
    expectReplaceMatchesRecompute(() => new RollingMinMax(4), reference(4));
  });
});
