import { describe, expect, it } from 'vitest';
import { histogram } from './histogram';

describe('histogram', () => {
  it('counts every finite value exactly once, the maximum in the last bin', () => {
    const bins = histogram([0, 0.25, 0.5, 0.75, 1, NaN, Infinity], 4);
    expect(bins.map((b) => b.count)).toEqual([1, 1, 1, 2]);
    expect(bins[0]!.from).toBe(0);
    expect(bins[3]!.to).toBe(1);
  });

  it('chooses between 10 and 60 bins over the range and loses no value', () => {
    const xs = Array.from({ length: 5000 }, (_, i) => Math.sin(i * 12.9898) * 0.03);
    const bins = histogram(xs);
    // Snapping the edges to multiples of the width can add one bin.
    expect(bins.length).toBeGreaterThanOrEqual(10);
    expect(bins.length).toBeLessThanOrEqual(61);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(5000);
  });

  it('makes zero a bin edge: no bin straddles it, and flat periods are not counted as losses', () => {
    // Many flat periods (a strategy out of the market), losses down to -1.3%, gains up to 2.1%.
    const xs = [...Array.from({ length: 300 }, () => 0), ...Array.from({ length: 200 }, (_, i) => -0.013 + (0.034 * i) / 199)];
    for (const bins of [undefined, 7, 13]) {
      const h = histogram(xs, bins);
      expect(h.some((b) => b.from < 0 && b.to > 0)).toBe(false);
      expect(h.some((b) => b.from === 0 || b.to === 0)).toBe(true);
      const losses = h.filter((b) => b.to <= 0).reduce((s, b) => s + b.count, 0);
      expect(losses).toBe(xs.filter((x) => x < 0).length);
      expect(h.find((b) => b.from === 0)!.count).toBeGreaterThanOrEqual(300);
      expect(h.reduce((s, b) => s + b.count, 0)).toBe(xs.length);
      for (const b of h) expect(b.to - b.from).toBeCloseTo(h[0]!.to - h[0]!.from, 15);
    }
  });

  it('puts equal values in one bin', () => {
    expect(histogram([2, 2, 2])).toEqual([{ from: 2, to: 2, count: 3 }]);
  });
});
