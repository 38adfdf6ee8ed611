/**
 * The precomputed mode of the model stage, for backtests: when a model's inputs depend only on market
 * data, the predictions for a whole series can be made ahead, in large batches, and delivered bar by bar
 * by {@link predictBars}. The features are computed by the same operator the streaming mode runs, the
 * rows are scaled and converted to the model's input type the same way, and each prediction is delivered
 * at the same bar; only the model calls move out of the bar loop.
 */
import { ValidationError, parseWith, type Bar, type FeatureRow, type FeatureWindow, type InstrumentId } from '@rxtrade/core';
import { from, map, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { formatDims, sampleSize, type Model } from './model';
import type { Prediction } from './predict-stage';
import type { Scaler } from './scalers/scaler';

/**
 * Makes a fresh feature operator: bars in, feature rows or windows out. It is called once per instrument
 * and per run (indicators hold state), by {@link precomputePredictions} and by {@link predictBars}.
 *
 * @example
 * ```ts
 * const features: FeatureFactory = () => (bars) => bars.pipe(toFeatures({ features: { r1: new Returns(1) } }), window(8));
 * ```
 */
export type FeatureFactory = () => OperatorFunction<Bar, FeatureWindow | FeatureRow>;

const isScaler = (v: unknown): v is Scaler => typeof v === 'object' && v !== null && typeof (v as Scaler).transformInto === 'function';

/**
 * Schema of {@link PrecomputeConfig}.
 *
 * @example
 * ```ts
 * PrecomputeConfigSchema.parse({ bars, features, batchSize: 512 });
 * ```
 */
export const PrecomputeConfigSchema = z.strictObject({
  /** The bars of the backtest, in time order (one or several instruments). */
  bars: z.custom<Iterable<Bar>>((v) => typeof v === 'object' && v !== null && typeof (v as Iterable<Bar>)[Symbol.iterator] === 'function', { message: 'must be an array (or iterable) of bars' }),
  /** Makes the feature operator (called once per instrument). */
  features: z.custom<FeatureFactory>((v) => typeof v === 'function', { message: 'must be a function that returns a feature operator' }),
  /** Scaler applied to each feature row, as in the streaming stage. */
  scaler: z.custom<Scaler>(isScaler, { message: 'must be a fitted Scaler' }).optional(),
  /** Samples per model call (default 256). */
  batchSize: z.number().int().positive().default(256),
});
/**
 * Options of {@link precomputePredictions}.
 *
 * @example
 * ```ts
 * const config: PrecomputeConfig = { bars, features, batchSize: 256 };
 * ```
 */
export type PrecomputeConfig = z.input<typeof PrecomputeConfigSchema>;

interface Series {
  /** The `ts` of every bar of the instrument, in order. */
  readonly barTs: Float64Array;
  /** Per bar: the index of its prediction, or -1. */
  readonly predictionAt: Int32Array;
  /** The `ts` of each prediction. */
  readonly ts: Float64Array;
  /** Outputs, `outputSize` per prediction. */
  readonly outputs: Float32Array;
}

/**
 * Predictions for every bar of a series, made ahead; delivered by {@link predictBars} in place of the
 * model calls.
 *
 * @example
 * ```ts
 * const pre = await precomputePredictions(model, { bars, features });
 * console.log(pre.count, pre.forInstrument(goog.id).length);
 * ```
 */
export class PrecomputedPredictions {
  /** @internal */
  constructor(
    private readonly series: ReadonlyMap<InstrumentId, Series>,
    /** Values per prediction. */
    readonly outputSize: number,
    /** The model, features factory and scaler it was made with: {@link predictBars} checks that it gets the same. */
    readonly model: Model,
    readonly features: FeatureFactory,
    readonly scaler: Scaler | undefined,
  ) {}

  /** Number of predictions, all instruments together. */
  get count(): number {
    let n = 0;
    for (const s of this.series.values()) n += s.ts.length;
    return n;
  }

  /** The instruments it holds predictions for. */
  get instruments(): InstrumentId[] {
    return [...this.series.keys()];
  }

  /**
   * The predictions of one instrument, in order (the values are views of one buffer).
   *
   * @example
   * ```ts
   * const last = pre.forInstrument(goog.id).at(-1);
   * ```
   */
  forInstrument(instrumentId: InstrumentId): Prediction[] {
    const s = this.series.get(instrumentId);
    if (s === undefined) return [];
    const k = this.outputSize;
    return Array.from(s.ts, (ts, i) => ({ ts, instrumentId, values: s.outputs.subarray(i * k, (i + 1) * k) }));
  }

  /** @internal A cursor that walks one instrument's bars and answers each bar's prediction (or undefined). */
  cursor(instrumentId: InstrumentId): (bar: Bar) => Prediction | undefined {
    const s = this.series.get(instrumentId);
    if (s === undefined) throw new ValidationError([{ path: ['predictBars', 'bar', 'instrumentId'], message: `${instrumentId} has no precomputed predictions (precomputed: ${this.instruments.join(', ') || 'none'})` }]);
    const k = this.outputSize;
    let i = 0;
    return (bar) => {
      const at = i++;
      if (at >= s.barTs.length || s.barTs[at] !== bar.ts)
        throw new ValidationError([
          {
            path: ['predictBars', 'bar'],
            message: `${instrumentId} bar ${at} (ts ${bar.ts}) is not the bar the predictions were computed for (${at < s.barTs.length ? `ts ${s.barTs[at]}` : `only ${s.barTs.length} bars`}): precompute on the backtest's own bars`,
          },
        ]);
      const p = s.predictionAt[at]!;
      return p < 0 ? undefined : { ts: s.ts[p]!, instrumentId, values: s.outputs.subarray(p * k, (p + 1) * k) };
    };
  }
}

/**
 * Computes the predictions of `model` for every bar of `bars` ahead, in batches.
 *
 * @throws ValidationError for a bad option, or rows that do not fit the model's input.
 * @example
 * ```ts
 * import { Returns, defineInstrument, toFeatures, window } from '@rxtrade/core';
 * import { readBarsCsv } from '@rxtrade/connectors';
 * import { OnnxModel, precomputePredictions, type FeatureFactory } from '@rxtrade/ml';
 *
 * const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
 * const { bars } = readBarsCsv('examples/sma-crossover/fixtures/goog.csv', { instrumentId: goog.id });
 * const model = await OnnxModel.load('packages/ml/src/models/__fixtures__/tiny-cnn-lstm.onnx');
 * const features: FeatureFactory = () => (bars$) => bars$.pipe(toFeatures({ features: { r1: new Returns(1), r2: new Returns(2), r5: new Returns(5) } }), window(8));
 * const pre = await precomputePredictions(model, { bars, features });
 * console.log(pre.count); // 1035: one per bar from the 8th row of features on
 * ```
 */
export async function precomputePredictions(model: Model, config: PrecomputeConfig): Promise<PrecomputedPredictions> {
  const { bars, features, scaler, batchSize } = parseWith(PrecomputeConfigSchema, config, 'precomputePredictions');
  const dtype = model.inputShape.dtype;
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new ValidationError([{ path: ['precomputePredictions', 'model', 'inputShape', 'dtype'], message: `is ${dtype}; the model stage feeds float32 or float64` }]);
  const perSample = sampleSize(model.inputShape);
  const byInstrument = new Map<InstrumentId, Bar[]>();
  for (const bar of bars) {
    let list = byInstrument.get(bar.instrumentId);
    if (list === undefined) byInstrument.set(bar.instrumentId, (list = []));
    list.push(bar);
  }
  const series = new Map<InstrumentId, Series>();
  let outputSize = -1;
  for (const [instrumentId, list] of byInstrument) {
    const samples = collectSamples(list, features, perSample, dtype === 'float64', scaler, model);
    const n = samples.ts.length;
    const chunks: Float32Array[] = [];
    for (let b = 0; b < n; b += batchSize) {
      const count = Math.min(batchSize, n - b);
      chunks.push(await model.predict(samples.inputs.subarray(b * perSample, (b + count) * perSample), count));
    }
    const outputs = concat(chunks);
    const k = n === 0 ? (outputSize < 0 ? 0 : outputSize) : outputs.length / n;
    if (n > 0 && (!Number.isInteger(k) || (outputSize >= 0 && k !== outputSize)))
      throw new ValidationError([{ path: ['precomputePredictions', 'model'], message: `answered ${outputs.length} values for ${n} samples` }]);
    if (n > 0) outputSize = k;
    series.set(instrumentId, { barTs: Float64Array.from(list, (b) => b.ts), predictionAt: samples.predictionAt, ts: samples.ts, outputs });
  }
  return new PrecomputedPredictions(series, Math.max(outputSize, 0), model, features, scaler);
}

/** Runs the features over one instrument's bars and lays every sample out in one input buffer. */
function collectSamples(
  bars: readonly Bar[],
  features: FeatureFactory,
  perSample: number,
  float64: boolean,
  scaler: Scaler | undefined,
  model: Model,
): { inputs: Float32Array | Float64Array; ts: Float64Array; predictionAt: Int32Array } {
  const predictionAt = new Int32Array(bars.length).fill(-1);
  const ts: number[] = [];
  let inputs: Float32Array | Float64Array = float64 ? new Float64Array(perSample * 64) : new Float32Array(perSample * 64);
  let current = -1;
  let rows: Float64Array[] | undefined; // the last rows, when the features are rows (the stage windows them)
  let rowsNeeded = 0;
  let lastRowTs = Number.NaN;
  const push = (data: ArrayLike<number>, sampleTs: number): void => {
    const n = ts.length;
    if ((n + 1) * perSample > inputs.length) {
      const grown = float64 ? new Float64Array(inputs.length * 2) : new Float32Array(inputs.length * 2);
      grown.set(inputs);
      inputs = grown;
    }
    if (predictionAt[current]! >= 0)
      throw new ValidationError([{ path: ['precomputePredictions', 'features'], message: `gave two samples at bar ${current} (ts ${sampleTs}); the precomputed mode needs at most one per bar` }]);
    predictionAt[current] = n;
    if (scaler !== undefined) scaler.transformInto(data, inputs, n * perSample);
    else inputs.set(data, n * perSample);
    ts.push(sampleTs);
  };
  const fit = (width: number, rowsInSample: number | undefined): void => {
    if (scaler !== undefined && scaler.width !== width)
      throw new ValidationError([{ path: ['precomputePredictions', 'scaler'], message: `scales ${scaler.width} features; the rows have ${width}` }]);
    const fits = rowsInSample === undefined ? perSample % width === 0 : rowsInSample * width === perSample;
    if (!fits)
      throw new ValidationError([
        {
          path: ['precomputePredictions', 'features'],
          message: `${rowsInSample === undefined ? `rows of ${width} features` : `windows of ${rowsInSample} x ${width}`} do not fit input "${model.inputShape.name}" ${formatDims(model.inputShape.dims)}: ${perSample} values per sample`,
        },
      ]);
  };
  let error: unknown;
  let checked = false;
  from(bars)
    .pipe(
      map((bar, i) => {
        current = i;
        return bar;
      }),
      features(),
    )
    .subscribe({
      next: (out) => {
        if ('newestTs' in out) {
          if (!checked) fit(out.width, out.size);
          checked = true;
          push(out.data, out.newestTs);
        } else {
          const width = out.values.length;
          if (!checked) {
            fit(width, undefined);
            rowsNeeded = perSample / width;
            rows = [];
          }
          checked = true;
          if (out.ts === lastRowTs && rows!.length > 0) rows![rows!.length - 1] = out.values;
          else {
            rows!.push(out.values);
            if (rows!.length > rowsNeeded) rows!.shift();
          }
          lastRowTs = out.ts;
          if (rows!.length === rowsNeeded) {
            const sample = new Float64Array(perSample);
            rows!.forEach((r, k) => sample.set(r, k * width));
            push(sample, out.ts);
          }
        }
      },
      error: (e: unknown) => {
        error = e;
      },
    });
  if (error !== undefined) throw error;
  return { inputs: inputs.subarray(0, ts.length * perSample), ts: Float64Array.from(ts), predictionAt };
}

function concat(chunks: readonly Float32Array[]): Float32Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
