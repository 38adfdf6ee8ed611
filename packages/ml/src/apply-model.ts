/**
 * `applyModel`: runs a model on each input of a stream. Models may be synchronous or return a Promise
 * (ONNX Runtime and TensorFlow.js inference do); either way the call is registered with the context's
 * work tracker, so a backtest waits for every prediction before it delivers the next event and results
 * are identical on every run.
 */
import { mapAsync, type WorkTracker } from '@rxtrade/core';
import type { OperatorFunction } from 'rxjs';

/**
 * Anything that maps one input to one prediction, now or later: the argument of {@link applyModel}. (A
 * tensor model, `Model`, goes through `predictStage` instead.)
 *
 * @example
 * ```ts
 * const sign: Predictor<Float64Array, number> = { predict: async (x) => Math.sign(x[0]!) };
 * ```
 */
export interface Predictor<I, O> {
  predict(input: I): O | PromiseLike<O>;
}

/** Options of {@link applyModel}. */
export interface ApplyModelOptions {
  /** The context's work tracker (`ctx.work`). */
  readonly work: WorkTracker;
}

/**
 * Maps each input to the model's prediction, in input order.
 *
 * @example
 * ```ts
 * const pipeline: Pipeline = (ctx) =>
 *   ctx.market.bars().pipe(
 *     map((bar) => Float64Array.of(bar.close)),
 *     applyModel(myModel, { work: ctx.work }),
 *     // …turn predictions into orders
 *   );
 * ```
 */
export function applyModel<I, O>(model: Predictor<I, O>, options: ApplyModelOptions): OperatorFunction<I, O> {
  return mapAsync((input: I) => model.predict(input), options);
}
