/**
 * `predictBars`: bars in, predictions out, in either mode of the model stage with the same pipeline:
 * streaming (features computed bar by bar, the model called at each sample through the work tracker, as
 * live) or precomputed (the predictions of {@link precomputePredictions}, made ahead in batches,
 * delivered at the same bars). Switching is one option; the results are identical.
 */
import { ValidationError, parseWith, type Bar, type InstrumentId, type WorkTracker } from '@rxtrade/core';
import { filter, groupBy, map, mergeMap, Observable, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import type { Model } from './model';
import { PrecomputedPredictions, type FeatureFactory } from './precompute-predictions';
import { predictStage, type Prediction } from './predict-stage';
import type { Scaler } from './scalers/scaler';

const isTracker = (v: unknown): v is WorkTracker =>
  typeof v === 'object' && v !== null && typeof (v as WorkTracker).begin === 'function' && typeof (v as WorkTracker).end === 'function';

/**
 * Schema of {@link PredictBarsConfig}.
 *
 * @example
 * ```ts
 * PredictBarsConfigSchema.parse({ work: ctx.work, features });
 * ```
 */
export const PredictBarsConfigSchema = z.strictObject({
  /** The context's work tracker (`ctx.work`). */
  work: z.custom<WorkTracker>(isTracker, { message: "must be the context's WorkTracker (ctx.work)" }),
  /** Makes the feature operator (once per instrument); optional with `precomputed`, which knows it. */
  features: z.custom<FeatureFactory>((v) => typeof v === 'function', { message: 'must be a function that returns a feature operator' }).optional(),
  /** Scales each feature row (streaming mode; the precomputed predictions were scaled when made). */
  scaler: z.custom<Scaler>((v) => typeof v === 'object' && v !== null && typeof (v as Scaler).transformInto === 'function', { message: 'must be a fitted Scaler' }).optional(),
  /** The ring's slack of the streaming stage (see {@link predictStage}). */
  slack: z.number().int().nonnegative().optional(),
  /** Predictions made ahead by {@link precomputePredictions}: delivered instead of calling the model. */
  precomputed: z.instanceof(PrecomputedPredictions, { message: 'must be the result of precomputePredictions' }).optional(),
});
/**
 * Options of {@link predictBars}.
 *
 * @example
 * ```ts
 * const streaming: PredictBarsConfig = { work: ctx.work, features };
 * const precomputed: PredictBarsConfig = { work: ctx.work, precomputed: pre };
 * ```
 */
export type PredictBarsConfig = z.input<typeof PredictBarsConfigSchema>;

/**
 * Turns bars into predictions of `model`, streaming or from precomputed predictions.
 *
 * Streaming, each instrument's bars go through their own `features()` and {@link predictStage}. With
 * `precomputed`, each bar gets the prediction made for it ahead (synchronously: no model call, no
 * tracked work); a bar the predictions were not made for is an error.
 *
 * @throws ValidationError for a bad option, or a `precomputed` made with another model, features or scaler.
 * @example
 * ```ts
 * import { Returns, defineInstrument, toFeatures, window, type Pipeline } from '@rxtrade/core';
 * import { readBarsCsv } from '@rxtrade/connectors';
 * import { runBacktest } from '@rxtrade/backtest';
 * import { OnnxModel, precomputePredictions, predictBars, type FeatureFactory, type PrecomputedPredictions } from '@rxtrade/ml';
 * import { filter, map } from 'rxjs';
 *
 * const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
 * const { bars } = readBarsCsv('examples/sma-crossover/fixtures/goog.csv', { instrumentId: goog.id });
 * const model = await OnnxModel.load('packages/ml/src/models/__fixtures__/tiny-cnn-lstm.onnx');
 * const features: FeatureFactory = () => (bars$) => bars$.pipe(toFeatures({ features: { r1: new Returns(1), r2: new Returns(2), r5: new Returns(5) } }), window(8));
 *
 * const strategy = (precomputed?: PrecomputedPredictions): Pipeline => (ctx) =>
 *   ctx.market.bars(goog.id).pipe(
 *     predictBars(model, precomputed ? { work: ctx.work, precomputed } : { work: ctx.work, features }),
 *     map((p) => (p.values[0]! > p.values[1]! ? 10 : 0) - ctx.ledger.positionQuantity(goog.id).toNumber()),
 *     filter((delta) => delta !== 0),
 *     map((delta) => ctx.orderFactory.market({ instrumentId: goog.id, side: delta > 0 ? 'BUY' : 'SELL', quantity: Math.abs(delta) })),
 *   );
 * const config = { data: bars, instruments: [goog], ledger: { startingCash: 100_000 } };
 * const streaming = await runBacktest(strategy(), config);
 * const ahead = await runBacktest(strategy(await precomputePredictions(model, { bars, features })), config);
 * console.log(streaming.summary.finalEquity.equals(ahead.summary.finalEquity)); // true
 * ```
 */
export function predictBars(model: Model, config: PredictBarsConfig): OperatorFunction<Bar, Prediction> {
  const { work, features, scaler, slack, precomputed } = parseWith(PredictBarsConfigSchema, config, 'predictBars');
  if (precomputed !== undefined) {
    const mismatch =
      precomputed.model !== model ? 'model' : features !== undefined && precomputed.features !== features ? 'features' : scaler !== undefined && precomputed.scaler !== scaler ? 'scaler' : undefined;
    if (mismatch !== undefined)
      throw new ValidationError([{ path: ['predictBars', mismatch], message: `is not the ${mismatch} the precomputed predictions were made with` }]);
    return (source) =>
      new Observable<Prediction>((subscriber) => {
        const cursors = new Map<InstrumentId, (bar: Bar) => Prediction | undefined>();
        return source
          .pipe(
            map((bar) => {
              let cursor = cursors.get(bar.instrumentId);
              if (cursor === undefined) cursors.set(bar.instrumentId, (cursor = precomputed.cursor(bar.instrumentId)));
              return cursor(bar);
            }),
            filter((p): p is Prediction => p !== undefined),
          )
          .subscribe(subscriber);
      });
  }
  if (features === undefined) throw new ValidationError([{ path: ['predictBars', 'features'], message: 'is needed in the streaming mode (without precomputed)' }]);
  const stageConfig = { work, ...(scaler !== undefined && { scaler }), ...(slack !== undefined && { slack }) };
  return (source) =>
    source.pipe(
      groupBy((bar) => bar.instrumentId),
      mergeMap((group) =>
        group.pipe(
          features(),
          predictStage(model, stageConfig),
          map((p) => (p.instrumentId === group.key ? p : { ts: p.ts, instrumentId: group.key, values: p.values })),
        ),
      ),
    );
}
