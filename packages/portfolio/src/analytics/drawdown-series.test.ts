import { describe, expect, it } from 'vitest';
import { googCloses } from '../__fixtures__/goog';
import { drawdownSeries } from './drawdown-series';
import { maxDrawdown } from './max-drawdown';

describe('drawdownSeries', () => {
  it('gives equity over its running peak minus one at every point', () => {
    expect(Array.from(drawdownSeries([100, 120, 90, 130]))).toEqual([0, 0, -0.25, 0]);
  });

  it('has its minimum at minus the maximum drawdown', () => {
    const closes = googCloses();
    const dd = drawdownSeries(closes);
    expect(dd.length).toBe(closes.length);
    expect(Math.min(...dd)).toBeCloseTo(-maxDrawdown(closes), 15);
  });

  it('rejects a first value that is not positive', () => {
    expect(() => drawdownSeries([0, 1])).toThrow(/equity\[0\]/);
  });
});
