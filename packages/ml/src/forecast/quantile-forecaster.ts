/**
 * `QuantileForecaster`: a model that maps a window of feature rows to quantiles of a forecast at several
 * horizons (a Temporal Fusion Transformer-style network exported to ONNX, for one), and its pipeline
 * stage {@link forecastQuantiles}. The model's input is `[batch, window, features]` and its output
 * `[batch, horizons, quantiles]` (or `[batch, horizons * quantiles]`), horizon-major.
 */
import { mapAsync, parseWith, ValidationError, type FeatureWindow, type WorkTracker } from '@rxtrade/core';
import { map, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { checkPredictInput, formatDims, sampleSize, type Model } from '../models/model';
import { QuantileForecast } from './quantile-forecast';

const ascending = (what: string) => (xs: readonly number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]!) || `${what} must be strictly ascending`;

/**
 * Schema of {@link QuantileForecasterConfig}: horizons are positive integers, quantiles in (0, 1), both
 * strictly ascending; any other key is an error.
 *
 * @example
 * ```ts
 * QuantileForecasterConfigSchema.parse({ horizons: [1, 5, 10], quantiles: [0.1, 0.5, 0.9] });
 * ```
 */
export const QuantileForecasterConfigSchema = z.strictObject({
  horizons: z.array(z.number().int().positive()).min(1).refine((xs) => ascending('horizons')(xs) === true, { message: 'must be strictly ascending' }),
  quantiles: z.array(z.number().gt(0).lt(1)).min(1).refine((xs) => ascending('quantiles')(xs) === true, { message: 'must be strictly ascending' }),
});

/**
 * What the model's output means: horizons (in bars) and quantiles, in the order of its output.
 *
 * @example
 * ```ts
 * const config: QuantileForecasterConfig = { horizons: [1, 5, 10], quantiles: [0.1, 0.5, 0.9] };
 * ```
 */
export type QuantileForecasterConfig = z.input<typeof QuantileForecasterConfigSchema>;

/**
 * A quantile forecaster over a {@link Model}: windows of `window` rows by `features` columns in,
 * {@link QuantileForecast}s out.
 *
 * @example
 * ```ts
 * import { OnnxModel, QuantileForecaster } from '@rxtrade/ml';
 *
 * const model = await OnnxModel.load('packages/ml/src/forecast/__fixtures__/tft-sp500.onnx');
 * const forecaster = new QuantileForecaster(model, { horizons: [1, 5, 10], quantiles: [0.1, 0.5, 0.9] });
 * console.log(forecaster.window, forecaster.features); // 32 5
 * ```
 */
export class QuantileForecaster {
  readonly horizons: readonly number[];
  readonly quantiles: readonly number[];
  /** Rows per window (the model's input dimension 1). */
  readonly window: number;
  /** Features per row (the model's input dimension 2). */
  readonly features: number;
  private readonly outputs: number;

  constructor(
    readonly model: Model,
    config: QuantileForecasterConfig,
  ) {
    const { horizons, quantiles } = parseWith(QuantileForecasterConfigSchema, config, 'config');
    this.horizons = horizons;
    this.quantiles = quantiles;
    const input = model.inputShape;
    if (input.dims.length !== 3 || typeof input.dims[1] !== 'number' || typeof input.dims[2] !== 'number')
      throw new ValidationError([{ path: ['model', 'inputShape'], message: `a forecaster takes windows [batch, rows, features]; input "${input.name}" is ${formatDims(input.dims)}` }]);
    this.window = input.dims[1];
    this.features = input.dims[2];
    this.outputs = sampleSize(model.outputShape);
    if (this.outputs !== horizons.length * quantiles.length)
      throw new ValidationError([
        { path: ['model', 'outputShape'], message: `output "${model.outputShape.name}" ${formatDims(model.outputShape.dims)} holds ${this.outputs} values per sample, not ${horizons.length} horizons x ${quantiles.length} quantiles` },
      ]);
  }

  /**
   * Forecasts from one window (`window * features` values, oldest row first).
   *
   * @param ts the time to stamp the forecast with (the newest row's).
   * @example
   * ```ts
   * const f = await forecaster.forecast(windowData, bar.ts);
   * f.value(5, 0.1);
   * ```
   */
  async forecast(window: Float32Array | Float64Array, ts: number): Promise<QuantileForecast> {
    return (await this.forecastBatch(window, [ts]))[0]!;
  }

  /**
   * Forecasts from `ts.length` windows laid out one after the other, in one call of the model.
   *
   * @example
   * ```ts
   * const forecasts = await forecaster.forecastBatch(windows, [t1, t2, t3]);
   * ```
   */
  async forecastBatch(windows: Float32Array | Float64Array, ts: readonly number[]): Promise<QuantileForecast[]> {
    checkPredictInput(this.model, windows, ts.length);
    const out = await this.model.predict(windows, ts.length);
    const k = this.outputs;
    return ts.map((t, i) => new QuantileForecast(t, this.horizons, this.quantiles, out.slice(i * k, (i + 1) * k)));
  }
}

/**
 * Options of {@link forecastQuantiles}.
 *
 * @example
 * ```ts
 * forecastQuantiles(forecaster, { work: ctx.work });
 * ```
 */
export interface ForecastQuantilesOptions {
  /** The context's work tracker (`ctx.work`): a backtest waits for each forecast. */
  readonly work: WorkTracker;
}

/**
 * The forecasting stage: each {@link FeatureWindow} (from core's `window({ size })`) in, its
 * {@link QuantileForecast} out, in order, stamped with the window's newest `ts`. The window is copied
 * before the model runs, so the ring buffer behind it may move on. Each forecast is registered with
 * the work tracker, so a backtest delivers the next bar only once it has arrived.
 *
 * @throws ValidationError (as the stream's error) when a window's size or width is not the model's.
 * @example
 * ```ts
 * const pipeline: Pipeline = (ctx) =>
 *   ctx.market.bars(spx.id).pipe(
 *     features,
 *     window({ size: forecaster.window }),
 *     forecastQuantiles(forecaster, { work: ctx.work }),
 *     // …size and stop from the quantiles
 *   );
 * ```
 */
export function forecastQuantiles(forecaster: QuantileForecaster, options: ForecastQuantilesOptions): OperatorFunction<FeatureWindow, QuantileForecast> {
  const project = mapAsync((w: { data: Float32Array; ts: number }) => forecaster.forecast(w.data, w.ts), options);
  return (source) =>
    source.pipe(
      map((w) => {
        if (w.size !== forecaster.window || w.width !== forecaster.features)
          throw new ValidationError([{ path: ['window'], message: `the model takes windows of ${forecaster.window} rows x ${forecaster.features} features, got ${w.size} x ${w.width}` }]);
        return { data: Float32Array.from(w.data), ts: w.newestTs };
      }),
      project,
    );
}
