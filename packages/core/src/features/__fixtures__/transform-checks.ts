/**
 * Test helpers for the streaming transforms (internal, not exported from the package): a transform
 * must match a naive reference at every step, and `replace` must equal recomputing the series with
 * the last input revised.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Indicator } from '../../indicators/indicator';

/** Reference: the value after `series[0..t]`, or undefined in warm-up. */
export type Reference = (series: readonly number[], t: number) => number | undefined;

export function expectMatchesReference(make: () => Indicator<number, number>, reference: Reference, series: readonly number[], digits = 9): void {
  const ind = make();
  series.forEach((x, t) => {
    const got = ind.update(x);
    const want = reference(series, t);
    if (want === undefined) expect(got, `t=${t}`).toBeUndefined();
    else expect(got, `t=${t}`).toBeCloseTo(want, digits);
    expect(ind.value).toBe(got);
    expect(ind.isReady).toBe(got !== undefined);
  });
}

/**
 * Property: random series (values in [min, max] on a 0.01 grid, like prices; no subnormal numbers
 * whose squares underflow); at random steps the last input is revised (replace) one or more times.
 */
export function expectReplaceMatchesRecompute(make: () => Indicator<number, number>, reference: Reference, min = -1000, max = 1000): void {
  const value = fc.integer({ min: Math.ceil(min * 100), max: Math.floor(max * 100) }).map((x) => x / 100);
  fc.assert(
    fc.property(fc.array(fc.tuple(value, fc.array(value, { maxLength: 3 })), { minLength: 1, maxLength: 80 }), (steps) => {
      const ind = make();
      const series: number[] = [];
      for (const [x, revisions] of steps) {
        series.push(x);
        let got = ind.update(x);
        for (const r of revisions) {
          series[series.length - 1] = r;
          got = ind.replace(r);
        }
        const want = reference(series, series.length - 1);
        if (want === undefined) expect(got).toBeUndefined();
        else expect(got).toBeCloseTo(want, 6);
      }
    }),
    { numRuns: 200 },
  );
}
