import { from, lastValueFrom, map, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import { instrumentId } from '../domain/ids';
import { Returns } from './returns';
import { ZScore } from '../indicators/z-score';
import { sp500 } from './__fixtures__/bars';
import { toFeatures, type FeatureRow } from './to-features';
import type { FeatureWindow } from './feature-window';
import { window } from './window';

const id = instrumentId('T');
const row = (ts: number, ...values: number[]): FeatureRow => ({ instrumentId: id, ts, values: Float64Array.from(values) });

/** Collects a snapshot (rows, timestamps) of every emission, since each view is overwritten by the next. */
function snapshots(rows: FeatureRow[], size: number) {
  const input = new Subject<FeatureRow>();
  const out: Array<{ rows: number[][]; ts: number[]; view: FeatureWindow; data: Float64Array }> = [];
  input.pipe(window({ size })).subscribe((w) => out.push({ rows: w.toRows(), ts: Array.from(w.timestamps), view: w, data: w.data }));
  rows.forEach((r) => input.next(r));
  return out;
}

describe('window', () => {
  it('emits the last n rows oldest to newest once n rows have arrived, through every wrap of the ring', () => {
    const rows = Array.from({ length: 11 }, (_, t) => row(t * 10, t, -t, t * t));
    const out = snapshots(rows, 4);
    expect(out).toHaveLength(8);
    out.forEach((o, k) => {
      const newest = k + 3;
      expect(o.ts).toEqual([newest - 3, newest - 2, newest - 1, newest].map((t) => t * 10));
      expect(o.rows).toEqual([newest - 3, newest - 2, newest - 1, newest].map((t) => [t, -t, t * t]));
    });
  });

  it('lays the window out contiguously, row-major, in data, and reads cells with get and row', () => {
    const out: number[][] = [];
    const input = new Subject<FeatureRow>();
    input.pipe(window(3)).subscribe((w) => {
      out.push(Array.from(w.data));
      expect(w.get(2, 1)).toBe(w.data[2 * w.width + 1]);
      expect(Array.from(w.row(0))).toEqual(Array.from(w.data.subarray(0, w.width)));
      expect(w.newestTs).toBe(w.timestamps[2]);
    });
    [1, 2, 3, 4].forEach((t) => input.next(row(t, t, t + 0.5)));
    expect(out).toEqual([
      [1, 1.5, 2, 2.5, 3, 3.5],
      [2, 2.5, 3, 3.5, 4, 4.5],
    ]);
  });

  it('copies nothing per row: every emission is the same view object over the same buffer, and the views cycle', () => {
    const rows = Array.from({ length: 20 }, (_, t) => row(t, t));
    const out = snapshots(rows, 5);
    const buffer = out[0]!.data.buffer;
    for (const o of out) {
      expect(o.view).toBe(out[0]!.view);
      expect(o.data.buffer).toBe(buffer);
      expect(o.data.length).toBe(5);
    }
    // The 5 possible windows of the ring are made once: emission k and k + 5 hand out the same array.
    expect(out[7]!.data).toBe(out[2]!.data);
    expect(new Set(out.map((o) => o.data)).size).toBe(5);
  });

  it('keeps a copy() or toArray() intact after later rows, while the live view moves on', () => {
    const input = new Subject<FeatureRow>();
    let first: { view: FeatureWindow; copy: FeatureWindow; array: Float64Array } | undefined;
    input.pipe(window(2)).subscribe((w) => {
      first ??= { view: w, copy: w.copy(), array: w.toArray() };
    });
    [1, 2, 3, 4].forEach((t) => input.next(row(t, t * 10)));
    expect(first!.copy.toRows()).toEqual([[10], [20]]);
    expect(Array.from(first!.copy.timestamps)).toEqual([1, 2]);
    expect(Array.from(first!.array)).toEqual([10, 20]);
    expect(first!.view.toRows()).toEqual([[30], [40]]); // the live view: valid until the next emission only
  });

  it('revises the newest row in place when a row repeats its ts', () => {
    const out = snapshots([row(1, 1), row(2, 2), row(2, 2.5), row(3, 3)], 2);
    expect(out.map((o) => o.rows.flat())).toEqual([
      [1, 2],
      [1, 2.5],
      [2.5, 3],
    ]);
  });

  it('works with size 1 and composes with toFeatures on real S&P 500 bars', async () => {
    const bars = sp500().slice(0, 100);
    const features = toFeatures({ features: { ret: new Returns(1), z: new ZScore(20) } });
    const rows = await lastValueFrom(from(bars).pipe(features, toArray()));
    const windows = await lastValueFrom(
      from(bars).pipe(
        toFeatures({ features: { ret: new Returns(1), z: new ZScore(20) } }),
        window(8),
        map((w) => w.toArray()),
        toArray(),
      ),
    );
    expect(windows).toHaveLength(rows.length - 7);
    windows.forEach((w, k) => {
      const expected = rows.slice(k, k + 8).flatMap((r) => Array.from(r.values));
      expect(Array.from(w)).toEqual(expected);
    });
    expect(snapshots([row(1, 5), row(2, 6)], 1).map((o) => o.rows)).toEqual([[[5]], [[6]]]);
  });

  it('rejects a bad size, a row of another width and rows out of time order', () => {
    expect(() => window(0)).toThrow(/window\.size/);
    expect(() => window({ size: 2.5 })).toThrow(ValidationError);
    const errors: unknown[] = [];
    const input = new Subject<FeatureRow>();
    input.pipe(window(2)).subscribe({ error: (e: unknown) => errors.push(e) });
    input.next(row(1, 1, 2));
    input.next(row(2, 1));
    expect((errors[0] as ValidationError).field).toBe('row.values');
    const input2 = new Subject<FeatureRow>();
    input2.pipe(window(2)).subscribe({ error: (e: unknown) => errors.push(e) });
    input2.next(row(2, 1));
    input2.next(row(1, 1));
    expect((errors[1] as ValidationError).field).toBe('row.ts');
  });

  it('guards reads outside the window', () => {
    const [o] = snapshots([row(1, 1), row(2, 2)], 2);
    expect(() => o!.view.get(2, 0)).toThrow(RangeError);
    expect(() => o!.view.row(-1)).toThrow(RangeError);
  });
});
