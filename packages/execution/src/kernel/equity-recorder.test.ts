import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EquityRecorder } from './equity-recorder';

/** The recorder's rules written plainly over JS arrays, as the reference. */
function reference(points: readonly (readonly [number, number])[], every: number): { ts: number[]; equity: number[] } {
  const ts: number[] = [];
  const equity: number[] = [];
  let seen = 0;
  let lastTs = NaN;
  let lastValue = NaN;
  for (const [t, v] of points) {
    if (t === lastTs) {
      lastValue = v;
      if (ts.length > 0 && ts[ts.length - 1] === t) equity[equity.length - 1] = v;
      continue;
    }
    lastTs = t;
    lastValue = v;
    if (seen++ % every === 0) {
      ts.push(t);
      equity.push(v);
    }
  }
  if (seen > 0 && (ts.length === 0 || ts[ts.length - 1] !== lastTs)) {
    ts.push(lastTs);
    equity.push(lastValue);
  }
  return { ts, equity };
}

/** Times that rise by 0 (several events at one time) or 1..3, with values. */
const pointsArb = (maxLength: number): fc.Arbitrary<[number, number][]> =>
  fc.array(fc.tuple(fc.constantFrom(0, 1, 1, 1, 2, 3), fc.integer({ min: -1e6, max: 1e6 })), { maxLength, size: 'max' }).map((steps) => {
    let t = 1_000;
    return steps.map(([dt, v]): [number, number] => [(t += dt), v / 7]);
  });

describe('EquityRecorder', () => {
  it('keeps one point per time, one time in `every` plus the last, across chunk boundaries', () => {
    fc.assert(
      fc.property(pointsArb(12_000), fc.constantFrom(1, 2, 5, 1000), (points, every) => {
        const r = new EquityRecorder(every);
        for (const [t, v] of points) r.record(t, v);
        const got = r.curve();
        const want = reference(points, every);
        // A second call gives the same curve (the last point is not appended twice).
        const again = r.curve();
        const same = (a: Float64Array, b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
        return same(got.ts, want.ts) && same(got.equity, want.equity) && same(again.ts, want.ts);
      }),
      // Shrinking arrays of thousands of points takes minutes: report the first failure as found.
      { numRuns: 60, seed: 11, endOnFailure: true },
    );
  });

  it('told how many events to expect (exactly, too few or too many), records what an unsized one records, and a curve handed out never changes afterwards', () => {
    fc.assert(
      fc.property(pointsArb(9_000), fc.constantFrom(1, 2, 7), fc.constantFrom(1, 0.3, 3), fc.double({ min: 0, max: 1, noNaN: true }), (points, every, estimate, cut) => {
        const sized = new EquityRecorder(every, Math.round(points.length * estimate));
        const unsized = new EquityRecorder(every);
        const split = Math.floor(points.length * cut);
        // The second part starts by replacing the last point: a write into the chunk the views show.
        const rest = points.slice(split);
        if (split > 0 && rest.length > 0) rest.unshift([points[split - 1]![0], -12_345]);
        for (const [t, v] of points.slice(0, split)) {
          sized.record(t, v);
          unsized.record(t, v);
        }
        const early = sized.curve();
        const earlyCopy = { ts: Array.from(early.ts), equity: Array.from(early.equity) };
        const earlyUnsized = unsized.curve();
        for (const [t, v] of rest) {
          sized.record(t, v);
          unsized.record(t, v);
        }
        const late = sized.curve();
        const lateUnsized = unsized.curve();
        const same = (a: Float64Array, b: ArrayLike<number>): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
        const want = reference(points.slice(0, split), every);
        // Reading the curve mid-run changes nothing of what is recorded after it.
        const whole = reference([...points.slice(0, split), ...rest], every);
        return (
          same(late.ts, whole.ts) &&
          same(late.equity, whole.equity) &&
          same(early.ts, earlyCopy.ts) &&
          same(early.equity, earlyCopy.equity) &&
          same(early.ts, want.ts) &&
          same(early.equity, want.equity) &&
          same(early.ts, earlyUnsized.ts) &&
          same(late.ts, lateUnsized.ts) &&
          same(late.equity, lateUnsized.equity)
        );
      }),
      { numRuns: 80, seed: 7, endOnFailure: true },
    );
  });

  it('hands out views of its one chunk when it was told the size, not a copy', () => {
    const r = new EquityRecorder(1, 5_000);
    for (let i = 0; i < 5_000; i++) r.record(i, i);
    const { ts, equity } = r.curve();
    expect([ts.length, ts.buffer.byteLength, equity[4_999]]).toEqual([5_000, 5_001 * 8, 4_999]);
    const unsized = new EquityRecorder();
    for (let i = 0; i < 5_000; i++) unsized.record(i, i);
    expect(unsized.curve().ts.buffer.byteLength).toBe(5_000 * 8);
  });

  it('records 200,000 points exactly, the value at a repeated time replaced in whichever chunk holds it', () => {
    const r = new EquityRecorder();
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      r.record(i, i * 0.5);
      if (i % 1024 === 1023) r.record(i, -i); // the last slot of a chunk, then the first of the next
    }
    const { ts, equity } = r.curve();
    expect(ts.length).toBe(n);
    expect(ts[n - 1]).toBe(n - 1);
    expect(equity[1023]).toBe(-1023);
    expect(equity[1024]).toBe(512);
    expect(equity[3071]).toBe(-3071);
    expect(equity[n - 1]).toBe((n - 1) * 0.5);
  });

  it('gives an empty curve before any point', () => {
    const { ts, equity } = new EquityRecorder().curve();
    expect([ts.length, equity.length]).toEqual([0, 0]);
  });
});
