/**
 * XGBoost objectives as prediction needs them: how `base_score` (stored in the output space) becomes the
 * margin every row starts from, and how the summed margin becomes the prediction. Definitions from
 * XGBoost 1.7's objectives (`ProbToMargin` and `PredTransform` in src/objective/regression_loss.h,
 * multiclass_obj.cu, hinge.cu, rank_obj.cu, aft_obj.cu), in float32 arithmetic as XGBoost computes them;
 * every entry is checked against xgboost's own predictions by the tests.
 */

/**
 * How `base_score` becomes the starting margin: unchanged, logit or natural log.
 *
 * @example
 * ```ts
 * const link: MarginLink = XGBOOST_OBJECTIVES['count:poisson']!.link; // 'log'
 * ```
 */
export type MarginLink = 'identity' | 'logit' | 'log';

/**
 * How the margin becomes the prediction.
 *
 * @example
 * ```ts
 * const transform: PredictionTransform = XGBOOST_OBJECTIVES['multi:softprob']!.transform; // 'softmax'
 * ```
 */
export type PredictionTransform = 'none' | 'sigmoid' | 'exp' | 'softmax' | 'argmax' | 'step';

/**
 * What prediction needs to know about an objective.
 *
 * @example
 * ```ts
 * const spec: ObjectiveSpec = { link: 'logit', transform: 'sigmoid' }; // binary:logistic
 * ```
 */
export interface ObjectiveSpec {
  readonly link: MarginLink;
  readonly transform: PredictionTransform;
}

const spec = (link: MarginLink, transform: PredictionTransform): ObjectiveSpec => ({ link, transform });

/**
 * The objectives {@link XgboostModel} evaluates, by XGBoost name.
 *
 * @example
 * ```ts
 * XGBOOST_OBJECTIVES['binary:logistic']; // { link: 'logit', transform: 'sigmoid' }
 * ```
 */
export const XGBOOST_OBJECTIVES: Readonly<Record<string, ObjectiveSpec>> = {
  'reg:squarederror': spec('identity', 'none'),
  'reg:squaredlogerror': spec('identity', 'none'),
  'reg:pseudohubererror': spec('identity', 'none'),
  'reg:absoluteerror': spec('identity', 'none'),
  'reg:linear': spec('identity', 'none'),
  'reg:logistic': spec('logit', 'sigmoid'),
  'binary:logistic': spec('logit', 'sigmoid'),
  'binary:logitraw': spec('identity', 'none'),
  'binary:hinge': spec('identity', 'step'),
  'count:poisson': spec('log', 'exp'),
  'reg:gamma': spec('log', 'exp'),
  'reg:tweedie': spec('log', 'exp'),
  'survival:cox': spec('log', 'exp'),
  'survival:aft': spec('log', 'exp'),
  'multi:softprob': spec('identity', 'softmax'),
  'multi:softmax': spec('identity', 'argmax'),
  'rank:pairwise': spec('identity', 'none'),
  'rank:ndcg': spec('identity', 'none'),
  'rank:map': spec('identity', 'none'),
};

/**
 * The margin every row starts from: `base_score` through the objective's inverse link, in float32.
 *
 * @example
 * ```ts
 * baseMargin(0.5, 'logit'); // 0
 * ```
 */
export function baseMargin(baseScore: number, link: MarginLink): number {
  const b = Math.fround(baseScore);
  if (link === 'logit') return Math.fround(-Math.fround(Math.log(Math.fround(Math.fround(1 / b) - 1))));
  if (link === 'log') return Math.fround(Math.log(b));
  return b;
}

/**
 * Turns `k` margins starting at `from` in `margins` into predictions written from `to` in `out`, as
 * XGBoost's `PredTransform` does (float32; softmax sums in double as XGBoost's `common::Softmax`).
 * `argmax` writes one value (the class index), every other transform `k`.
 */
export function transformMargins(transform: PredictionTransform, margins: Float32Array, from: number, k: number, out: Float32Array, to: number): void {
  switch (transform) {
    case 'none':
      for (let i = 0; i < k; i++) out[to + i] = margins[from + i]!;
      return;
    case 'sigmoid':
      for (let i = 0; i < k; i++) out[to + i] = 1 / Math.fround(Math.fround(Math.exp(-margins[from + i]!)) + 1);
      return;
    case 'exp':
      for (let i = 0; i < k; i++) out[to + i] = Math.exp(margins[from + i]!);
      return;
    case 'step':
      for (let i = 0; i < k; i++) out[to + i] = margins[from + i]! > 0 ? 1 : 0;
      return;
    case 'argmax': {
      let best = 0;
      for (let i = 1; i < k; i++) if (margins[from + i]! > margins[from + best]!) best = i;
      out[to] = best;
      return;
    }
    case 'softmax': {
      let max = margins[from]!;
      for (let i = 1; i < k; i++) max = Math.max(max, margins[from + i]!);
      let sum = 0;
      for (let i = 0; i < k; i++) {
        const e = Math.fround(Math.exp(Math.fround(margins[from + i]! - max)));
        out[to + i] = e;
        sum += e;
      }
      const total = Math.fround(sum);
      for (let i = 0; i < k; i++) out[to + i] = out[to + i]! / total;
      return;
    }
  }
}
