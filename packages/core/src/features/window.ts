/**
 * `window`: the last `size` feature rows, emitted as a {@link FeatureWindow} view over a mirrored ring
 * buffer: no per-bar copy of the window and no per-bar allocation (the same view object is emitted
 * each time). Each row is written into the ring once (twice, mirrored) on arrival.
 *
 * A window is emitted for each row once `size` rows have arrived (none before). A row whose `ts`
 * equals the newest row's revises it in place (the forming bar of {@link resample}).
 *
 * LIFETIME: an emitted view is valid until the next emission; `copy()` or `toArray()` to keep it.
 * (Named as the feature-pipeline step; it is not RxJS's `window`, which splits a stream into streams:
 * import one of the two under another name where both are needed.)
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { ValidationError } from '../errors';
import { parseWith } from '../validation';
import { FeatureWindow } from './feature-window';
import { operate } from './operate';
import type { FeatureRow } from './to-features';

/**
 * Schema of {@link window}'s options.
 *
 * @example
 * ```ts
 * WindowConfigSchema.parse({ size: 64 });
 * ```
 */
export const WindowConfigSchema = z.strictObject({
  /** Number of rows in each window (>= 1). */
  size: z.number().int().positive(),
});
/**
 * Options of {@link window}: the number of rows.
 *
 * @example
 * ```ts
 * const config: WindowConfig = { size: 64 };
 * ```
 */
export type WindowConfig = z.input<typeof WindowConfigSchema>;

/**
 * Emits the last `size` feature rows, oldest first, as a zero-copy view valid until the next emission.
 *
 * @param config `{ size }`, or the size alone.
 * @example
 * ```ts
 * bars$.pipe(
 *   toFeatures({ features: { ret: new Returns(1), z: new ZScore(20) } }),
 *   window({ size: 32 }),
 * ).subscribe((w) => model.run(w.data)); // 32 x 2 Float64Array, oldest row first
 * ```
 */
export function window(config: WindowConfig | number): OperatorFunction<FeatureRow, FeatureWindow> {
  const { size } = parseWith(WindowConfigSchema, typeof config === 'number' ? { size: config } : config, 'window');
  return (source) =>
    new Observable<FeatureWindow>((subscriber) => {
      let width = -1;
      let buf: Float64Array | undefined; // 2 * size rows of width
      let tsBuf: Float64Array | undefined; // 2 * size timestamps
      let view: FeatureWindow | undefined;
      let slot = -1; // slot of the newest row, 0..size-1
      let count = 0;
      let lastTs = -Infinity;
      operate(source, subscriber, (row) => {
        const values = row.values;
        if (buf === undefined) {
          width = values.length;
          if (width === 0) throw new ValidationError([{ path: ['row', 'values'], message: 'a feature row must have at least one value' }], { source: 'window' });
          buf = new Float64Array(2 * size * width);
          tsBuf = new Float64Array(2 * size);
          // The window whose oldest row is at buffer row `start` (1..size), made once.
          const dataViews: Float64Array[] = [];
          const tsViews: Float64Array[] = [];
          for (let start = 0; start <= size; start++) {
            dataViews.push(buf.subarray(start * width, (start + size) * width));
            tsViews.push(tsBuf.subarray(start, start + size));
          }
          view = new FeatureWindow(size, width, dataViews, tsViews);
        } else if (values.length !== width)
          throw new ValidationError([{ path: ['row', 'values'], message: `expected ${width} values like the first row, got ${values.length} (ts ${row.ts})` }], { source: 'window' });
        if (row.ts < lastTs) throw new ValidationError([{ path: ['row', 'ts'], message: `rows must be in time order: ${row.ts} came after ${lastTs}` }], { source: 'window' });
        if (row.ts !== lastTs) {
          slot = slot + 1 === size ? 0 : slot + 1;
          if (count < size) count++;
        }
        lastTs = row.ts;
        // A plain loop: for the few values of a feature row it beats two TypedArray.set calls.
        const a = slot * width;
        const b = a + size * width;
        for (let j = 0; j < width; j++) {
          const x = values[j]!;
          buf[a + j] = x;
          buf[b + j] = x;
        }
        tsBuf![slot] = row.ts;
        tsBuf![slot + size] = row.ts;
        if (count === size) {
          view!.setStart(slot + 1);
          subscriber.next(view!);
        }
      });
    });
}
