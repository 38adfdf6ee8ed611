import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RobustWindow } from './robust-window';

// Textbook definitions, recomputed from scratch by sorting: the reference the incremental window must equal.
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}
const mad = (xs: readonly number[]): number => {
  const m = median(xs);
  return median(xs.map((x) => Math.abs(x - m)));
};

describe('RobustWindow', () => {
  it('gives the median and MAD of R for a small window (R: median(c(1,2,3,4,100)) = 3, mad(..., constant = 1) = 1)', () => {
    const w = new RobustWindow(5);
    for (const x of [1, 2, 3, 4, 100]) w.push(x);
    expect(w.isFull).toBe(true);
    expect(w.median()).toBe(3);
    expect(w.mad()).toBe(1);
    w.push(5); // drops 1: 2 3 4 5 100
    expect(w.median()).toBe(4);
    expect(w.mad()).toBe(1);
  });

  it('averages the two middle values of an even count, for the median and for the MAD', () => {
    const w = new RobustWindow(4);
    for (const x of [1, 2, 4, 10]) w.push(x);
    expect(w.median()).toBe(3); // (2 + 4) / 2
    expect(w.mad()).toBe(1.5); // deviations 2 1 1 7 -> (1 + 2) / 2
  });

  it('treats 0 and -0 as one value: a zero median of either sign, a MAD of +0', () => {
    const w = new RobustWindow(3);
    for (const x of [0, -0, 0, 0]) w.push(x);
    expect(w.median() + 0).toBe(0);
    expect(w.mad()).toBe(0);
    const v = new RobustWindow(2);
    for (const x of [-0, 0]) v.push(x);
    expect(v.mad()).toBe(0);
  });

  it('equals the median and MAD recomputed by sorting the last `size` values, ties included (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e3, max: 1e3, noNaN: true })), { minLength: 1, maxLength: 60 }), (size, xs) => {
        const w = new RobustWindow(size);
        xs.forEach((x, i) => {
          w.push(x);
          const held = xs.slice(Math.max(0, i + 1 - size), i + 1);
          expect(w.isFull).toBe(held.length === size);
          // 0 and -0 tie, so the sign of a zero median is whichever of them sorts into the middle: the
          // window and the reference may order tied zeros differently. A MAD is never -0.
          expect(w.median() + 0).toBe(median(held) + 0);
          expect(w.mad()).toBe(mad(held));
        });
      }),
    );
  });
});
