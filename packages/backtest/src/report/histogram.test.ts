import { describe, expect, it } from 'vitest';
import { histogram } from './histogram';

describe('histogram', () => {
  it('counts every finite value exactly once, the maximum in the last bin', () => {
    const bins = histogram([0, 0.25, 0.5, 0.75, 1, NaN, Infinity], 4);
    expect(bins.map((b) => b.count)).toEqual([1, 1, 1, 2]);
    expect(bins[0]!.from).toBe(0);
    expect(bins[3]!.to).toBe(1);
  });

  it('chooses between 10 and 60 bins and loses no value', () => {
    const xs = Array.from({ length: 5000 }, (_, i) => Math.sin(i * 12.9898) * 0.03);
    const bins = histogram(xs);
    expect(bins.length).toBeGreaterThanOrEqual(10);
    expect(bins.length).toBeLessThanOrEqual(60);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(5000);
  });

  it('puts equal values in one bin', () => {
    expect(histogram([2, 2, 2])).toEqual([{ from: 2, to: 2, count: 3 }]);
  });
});
