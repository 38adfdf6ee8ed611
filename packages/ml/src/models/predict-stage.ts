/**
 * `predictStage`: the model stage of a pipeline. Feature rows (from `toFeatures`) or feature windows (from
 * `window(n)`) go in, one {@link Prediction} per sample comes out, in order.
 *
 * Inference is asynchronous (ONNX Runtime and TensorFlow.js answer with promises) and registered with the
 * context's work tracker, so a backtest delivers the next event only once the prediction is out: results
 * are the same on every run, and a pipeline runs live unchanged.
 *
 * Rows enter a ring buffer in the model's input type (float32 or float64), scaled on the way in when a
 * scaler is given; the model reads the last rows as a view of that ring ({@link InputRing}), so a bar
 * costs one write of its row, never a copy of the whole window. From feature windows, the stage appends
 * only the newest row of each window that follows the previous one.
 */
import { ValidationError, type FeatureRow, type FeatureWindow, type InstrumentId, type WorkTracker, parseWith } from '@rxtrade/core';
import { Observable, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { InputRing } from './input-ring';
import { formatDims, sampleSize, type Model } from './model';
import type { Scaler } from './scalers/scaler';

/**
 * One prediction: the model's output for the sample whose newest row has this `ts`.
 *
 * @example
 * ```ts
 * predictions$.subscribe((p: Prediction) => console.log(p.ts, p.values[0]));
 * ```
 */
export interface Prediction {
  /** The `ts` of the newest feature row of the sample (the bar the prediction is made at). */
  readonly ts: number;
  /** The instrument, when the input said (feature rows and bars do; feature windows do not). */
  readonly instrumentId: InstrumentId | undefined;
  /** The model's output for this sample: `sampleSize(model.outputShape)` values. */
  readonly values: Float32Array;
}

const isTracker = (v: unknown): v is WorkTracker =>
  typeof v === 'object' && v !== null && typeof (v as WorkTracker).begin === 'function' && typeof (v as WorkTracker).end === 'function';
const isScaler = (v: unknown): v is Scaler =>
  typeof v === 'object' && v !== null && typeof (v as Scaler).transformInto === 'function' && typeof (v as Scaler).width === 'number';

/**
 * Schema of {@link PredictStageConfig}: strict, so a misspelled option is an error.
 *
 * @example
 * ```ts
 * PredictStageConfigSchema.parse({ work: new WorkTracker(), slack: 32 });
 * ```
 */
export const PredictStageConfigSchema = z.strictObject({
  /** The context's work tracker (`ctx.work`). */
  work: z.custom<WorkTracker>(isTracker, { message: "must be the context's WorkTracker (ctx.work)" }),
  /** Scales each feature row on its way into the model (fitted on training data, saved with the model). */
  scaler: z.custom<Scaler>(isScaler, { message: 'must be a fitted Scaler (StandardScaler, MinMaxScaler, RobustScaler)' }).optional(),
  /**
   * Rows the ring holds beyond one sample (default: one sample's rows): how far the input may run ahead
   * of a slow model (live) before the stage moves to a fresh buffer.
   */
  slack: z.number().int().nonnegative().optional(),
});
/**
 * Options of {@link predictStage}.
 *
 * @example
 * ```ts
 * const config: PredictStageConfig = { work: ctx.work, scaler };
 * ```
 */
export type PredictStageConfig = z.input<typeof PredictStageConfigSchema>;

interface Pending {
  readonly ring: InputRing;
  /** Absolute row numbers of the sample in its ring. */
  readonly first: number;
  readonly last: number;
}

/**
 * Runs `model` on each sample of a stream of feature rows or feature windows.
 *
 * A sample is the last `rows` rows, where `rows = sampleSize(model.inputShape) / width`: windows must
 * have that many rows; from feature rows, the stage keeps the last `rows` itself (no prediction before
 * there are that many). A row with the same `ts` as the previous one revises it (the forming bar).
 *
 * @param model any {@link Model}: {@link OnnxModel}, {@link TfjsModel}, a model in TypeScript.
 * @param config the context's work tracker, an optional scaler, the ring's slack.
 * @throws ValidationError (when subscribed, at the first input) if the rows do not fit the model's input.
 * @example
 * ```ts
 * import { filter, tap } from 'rxjs';
 * import { Returns, defineInstrument, toFeatures, window, type Pipeline } from '@rxtrade/core';
 * import { readBarsCsv } from '@rxtrade/connectors';
 * import { runBacktest } from '@rxtrade/backtest';
 * import { OnnxModel, predictStage } from '@rxtrade/ml';
 *
 * const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
 * const { bars } = readBarsCsv('examples/sma-crossover/fixtures/goog.csv', { instrumentId: goog.id });
 * const model = await OnnxModel.load('packages/ml/src/models/__fixtures__/tiny-cnn-lstm.onnx'); // [?, 8, 3] -> [?, 2]
 *
 * const signals: number[] = [];
 * const pipeline: Pipeline = (ctx) =>
 *   ctx.market.bars(goog.id).pipe(
 *     toFeatures({ features: { r1: new Returns(1), r2: new Returns(2), r5: new Returns(5) } }),
 *     window(8),
 *     predictStage(model, { work: ctx.work }),
 *     tap((p) => signals.push(p.values[0]! - p.values[1]!)),
 *     filter(() => false), // a strategy would turn the predictions into orders here
 *   );
 * await runBacktest(pipeline, { data: bars, instruments: [goog], ledger: { startingCash: 100_000 } });
 * console.log(signals.length); // 1035, the same values on every run
 * ```
 */
export function predictStage(model: Model, config: PredictStageConfig): OperatorFunction<FeatureWindow | FeatureRow, Prediction> {
  const { work, scaler, slack } = parseWith(PredictStageConfigSchema, config, 'predictStage');
  const dtype = model.inputShape.dtype;
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new ValidationError([{ path: ['predictStage', 'model', 'inputShape', 'dtype'], message: `is ${dtype}; the model stage feeds float32 or float64` }]);
  const perSample = sampleSize(model.inputShape);
  return (source) =>
    new Observable<Prediction>((subscriber) => {
      let ring: InputRing | undefined;
      let lastTs = Number.NaN;
      /** The newest raw row of the previous window, to check that a window follows it. */
      let lastRow: Float64Array | undefined;
      const pending: Pending[] = [];
      let chain: Promise<void> = Promise.resolve();
      let active = 0;
      let sourceDone = false;

      /** The ring, moved to a fresh one when writing `row` (absolute number) would overwrite a sample in use. */
      const writable = (row: number): InputRing => {
        const r = ring!;
        for (const p of pending) {
          if (p.ring !== r) continue;
          if (p.first <= row - r.capacity || (row < r.count && p.first <= row && row <= p.last)) {
            const fresh = new InputRing(r.size, r.width, r.capacity, dtype === 'float64', scaler);
            const keep = Math.min(r.count, r.size);
            for (let back = keep - 1; back >= 0; back--) fresh.appendRaw(r.storedRow(back));
            ring = fresh;
            return fresh;
          }
        }
        return r;
      };

      const start = (first: FeatureWindow | FeatureRow, width: number): void => {
        if (scaler !== undefined && scaler.width !== width)
          throw new ValidationError([{ path: ['predictStage', 'scaler'], message: `scales ${scaler.width} features; the rows have ${width}` }]);
        if (perSample % width !== 0)
          throw new ValidationError([
            { path: ['predictStage', 'input'], message: `rows of ${width} features do not fit input "${model.inputShape.name}" ${formatDims(model.inputShape.dims)}: ${perSample} values per sample` },
          ]);
        const rows = perSample / width;
        if (isWindow(first) && first.size !== rows)
          throw new ValidationError([
            {
              path: ['predictStage', 'input'],
              message: `windows of ${first.size} x ${width} = ${first.size * width} values do not fit input "${model.inputShape.name}" ${formatDims(model.inputShape.dims)}: ${rows} rows of ${width} (${perSample} values) per sample`,
            },
          ]);
        ring = new InputRing(rows, width, rows + (slack ?? rows), dtype === 'float64', scaler);
      };

      const run = (input: Float32Array | Float64Array, ts: number, instrumentId: InstrumentId | undefined, sample: Pending): void => {
        pending.push(sample);
        active++;
        work.begin();
        chain = chain
          .then(() => model.predict(input, 1))
          .then(
            (values) => {
              pending.shift();
              if (!subscriber.closed) subscriber.next({ ts, instrumentId, values });
            },
            (error: unknown) => subscriber.error(error),
          )
          .finally(() => {
            active--;
            work.end();
            if (sourceDone && active === 0) subscriber.complete();
          });
      };

      const subscription = source.subscribe({
        next: (input) => {
          try {
            if (isWindow(input)) {
              if (ring === undefined) start(input, input.width);
              else if (input.width !== ring.width)
                throw new ValidationError([{ path: ['predictStage', 'input'], message: `windows of ${input.width} features after windows of ${ring.width}` }]);
              const ts = input.newestTs;
              const size = input.size;
              let r = ring!;
              if (ts === lastTs) {
                // A revision of the newest row (the forming bar); the older rows are unchanged.
                r = writable(r.count - 1);
                r.revise(input.row(size - 1));
              } else if (size > 1 && r.count >= size && input.timestamps[size - 2] === lastTs && sameRow(input.row(size - 2), lastRow!)) {
                r = writable(r.count);
                r.append(input.row(size - 1));
              } else {
                // The first window, or one that does not follow the previous (a filtered stream): all its rows.
                for (let i = 0; i < size; i++) {
                  r = writable(r.count);
                  r.append(input.row(i));
                }
              }
              lastRow ??= new Float64Array(input.width);
              lastRow.set(input.row(size - 1));
              lastTs = ts;
              run(r.window(), ts, undefined, { ring: r, first: r.count - size, last: r.count - 1 });
            } else {
              const values = input.values;
              if (ring === undefined) start(input, values.length);
              else if (values.length !== ring.width)
                throw new ValidationError([{ path: ['predictStage', 'input', 'values'], message: `has ${values.length} features; earlier rows had ${ring.width}` }]);
              let r = ring!;
              if (input.ts === lastTs) {
                r = writable(r.count - 1);
                r.revise(values);
              } else {
                r = writable(r.count);
                r.append(values);
              }
              lastTs = input.ts;
              if (r.count >= r.size) run(r.window(), input.ts, input.instrumentId, { ring: r, first: r.count - r.size, last: r.count - 1 });
            }
          } catch (error) {
            subscriber.error(error);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          if (active === 0) subscriber.complete();
        },
      });

      return subscription;
    });
}

function sameRow(a: Float64Array, b: Float64Array): boolean {
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j] && !(Number.isNaN(a[j]) && Number.isNaN(b[j]))) return false;
  return true;
}

function isWindow(input: FeatureWindow | FeatureRow): input is FeatureWindow {
  return typeof (input as FeatureWindow).newestTs === 'number' && typeof (input as FeatureWindow).size === 'number';
}
