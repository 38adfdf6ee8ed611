import { describe, expect, it } from 'vitest';
import { ValidationError } from '@rxtrade/core';
import { foldWindows } from './fold-windows';

const DAY = 86_400_000;
const grid = (n: number): number[] => Array.from({ length: n }, (_, i) => i * DAY);

describe('foldWindows', () => {
  it('moves a fixed in-sample window forward by the out-of-sample length (rolling, bars)', () => {
    const folds = foldWindows(grid(20), { mode: 'rolling', inSample: { bars: 8 }, outOfSample: { bars: 5 } });
    expect(folds.map((f) => [f.inSample.start / DAY, f.inSample.end / DAY, f.outOfSample.start / DAY, f.outOfSample.end / DAY])).toEqual([
      [0, 8, 8, 13],
      [5, 13, 13, 18],
      // The last window holds bars 18 and 19 only; it ends after the last bar.
      [10, 18, 18, 19 + 1 / DAY],
    ]);
  });

  it('drops a final out-of-sample window of fewer than two bars', () => {
    expect(foldWindows(grid(19), { inSample: { bars: 8 }, outOfSample: { bars: 5 } })).toHaveLength(2);
  });

  it('grows the in-sample window from the first time (anchored, durations) and skips windows with no data', () => {
    // Days 0..9 and 30..49: the window [10, 20) holds no bars, [20, 30) none either.
    const times = [...grid(10), ...grid(20).map((t) => t + 30 * DAY)];
    const folds = foldWindows(times, { mode: 'anchored', inSample: { days: 5 }, outOfSample: { ms: 5 * DAY } });
    expect(folds.map((f) => [f.inSample.start / DAY, f.inSample.end / DAY, f.outOfSample.start / DAY])).toEqual([
      [0, 5, 5],
      [0, 30, 30],
      [0, 35, 35],
      [0, 40, 40],
      [0, 45, 45],
    ]);
    expect(folds.map((f) => f.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses lengths in different units', () => {
    expect(() => foldWindows(grid(10), { inSample: { bars: 5 }, outOfSample: { days: 2 } })).toThrow(ValidationError);
  });
});
