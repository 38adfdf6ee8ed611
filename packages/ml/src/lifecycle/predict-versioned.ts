/**
 * `predictVersioned`: the model stage of a model that is retrained while the pipeline runs. Each input
 * is predicted by the version that its source names for the input's `ts`, and every input of one `ts`
 * (one bar, over several instruments or several rows) by the same version: the version is chosen when
 * the first input of that `ts` arrives, synchronously, before any prediction is awaited, so a swap that
 * lands while a bar's predictions are in flight takes effect from the next bar, never in the middle of
 * one. Predictions are registered with the work tracker, so a backtest waits for them.
 */
import { filter, map, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { mapAsync, parseWith, ValidationError, type WorkTracker } from '@rxtrade/core';
import type { Model } from '../models/model';
import type { ModelVersion, ModelVersionSource } from './model-version';

/** A prediction and the version that made it. */
export interface VersionedPrediction<I> {
  /** The input it was made for. */
  readonly input: I;
  readonly ts: number;
  /** The version's id. */
  readonly version: string;
  /** The model's output for this one input (`sampleSize(outputShape)` values). */
  readonly output: Float32Array;
}

/** Options of {@link predictVersioned}. */
export interface PredictVersionedOptions<I> {
  /** The context's work tracker (`ctx.work`). */
  readonly work: WorkTracker;
  /** The model input of an item (default: its `values`, as a `FeatureRow` has). One item is a batch of one. */
  readonly input?: (item: I) => Float32Array | Float64Array;
}

const OptionsSchema = z.strictObject({
  work: z.custom<WorkTracker>((w) => typeof (w as WorkTracker)?.begin === 'function', "must be the context's WorkTracker (ctx.work)"),
  input: z.custom<(item: unknown) => Float64Array>((f) => typeof f === 'function', 'must be a function').optional(),
});

/**
 * Predicts each input with the version that serves its `ts`; inputs that no version serves yet (before
 * the first training) are dropped.
 *
 * @example
 * ```ts
 * const wf = await walkForwardModel({ rows, names, retrain: { everyBars: 250 }, minTrainingRows: 500, train });
 * const pipeline: Pipeline = (ctx) =>
 *   ctx.market.bars(goog.id).pipe(
 *     features,
 *     predictVersioned(wf, { work: ctx.work }),
 *     map(({ output, version }) => ...), // orders
 *   );
 * ```
 */
export function predictVersioned<I extends { readonly ts: number }, M extends Model = Model>(
  source: ModelVersionSource<M>,
  options: PredictVersionedOptions<I>,
): OperatorFunction<I, VersionedPrediction<I>> {
  parseWith(OptionsSchema, options, 'options');
  if (typeof source?.versionAt !== 'function') throw new ValidationError([{ path: ['source'], message: 'must have versionAt(ts): a WalkForwardModel or a BackgroundRetrainer' }]);
  const toInput = options.input ?? ((item: I) => (item as unknown as { values: Float64Array }).values);
  return (items) => {
    let barTs = Number.NaN;
    let barVersion: ModelVersion<M> | undefined;
    return items.pipe(
      map((item) => {
        if (item.ts !== barTs) {
          barTs = item.ts;
          barVersion = source.versionAt(item.ts);
        }
        // The input is read now: a window view may be overwritten by the next emission.
        const raw = toInput(item);
        return { item, version: barVersion, input: raw instanceof Float32Array ? Float32Array.from(raw) : Float64Array.from(raw) };
      }),
      mapAsync(async ({ item, version, input }) => {
        if (version === undefined) return undefined;
        const output = await version.model.predict(input, 1);
        return { input: item, ts: item.ts, version: version.version, output } satisfies VersionedPrediction<I>;
      }, { work: options.work }),
      filter((p): p is VersionedPrediction<I> => p !== undefined),
    );
  };
}
