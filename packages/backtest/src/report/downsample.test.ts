import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { downsampleMinMax, lastPerTimestamp } from './downsample';

describe('downsampleMinMax', () => {
  it('returns a short series unchanged', () => {
    expect(downsampleMinMax({ ts: [1, 2, 3], values: [3, 1, 2] }, 10)).toEqual([
      [1, 3],
      [2, 1],
      [3, 2],
    ]);
  });

  it('keeps every bucket extreme, the global extremes and the last point, in time order', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 50 }), (values, buckets) => {
        const ts = values.map((_, i) => i * 1000);
        const out = downsampleMinMax({ ts, values }, buckets);
        expect(out.length).toBeLessThanOrEqual(2 * buckets + 1);
        const outValues = out.map((p) => p[1]);
        expect(Math.min(...outValues)).toBe(Math.min(...values));
        expect(Math.max(...outValues)).toBe(Math.max(...values));
        expect(out[out.length - 1]).toEqual([ts[ts.length - 1], values[values.length - 1]]);
        for (let i = 1; i < out.length; i++) expect(out[i]![0]).toBeGreaterThan(out[i - 1]![0]);
        for (const [t, v] of out) expect(values[t / 1000]).toBe(v);
      }),
    );
  });
});

describe('lastPerTimestamp', () => {
  it('keeps the last value seen at each time', () => {
    const { ts, values } = lastPerTimestamp({ ts: [1, 1, 2, 3, 3, 3], values: [10, 11, 12, 13, 14, 15] });
    expect(Array.from(ts)).toEqual([1, 2, 3]);
    expect(Array.from(values)).toEqual([11, 12, 15]);
  });
});
