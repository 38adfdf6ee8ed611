/**
 * `outlierGate`: withholds inputs unlike the training data, so that a model is not asked about a world
 * it never saw. An {@link OutlierDetector} is fitted on the training rows with one of three rules:
 *
 * - `zscore`: some feature lies more than `k` standard deviations (population) from its training mean;
 * - `mahalanobis`: the Mahalanobis distance sqrt((x - μ)ᵀ Σ⁻¹ (x - μ)), Σ the sample covariance
 *   (n - 1), exceeds `maxDistance`; it sees unusual combinations of features that are each ordinary;
 * - `quantiles`: some feature lies outside its training quantiles [lower, upper].
 *
 * Detectors serialise to JSON (`toJSON`/`fromJSON`) so that a model version's registry entry can carry
 * the detector fitted on its training data. Distances are checked against scipy
 * (`packages/ml/scripts/drift-reference.py`).
 */
import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import { z } from 'zod';
import { parseWith, ValidationError } from '@rxtrade/core';
import { quantileSorted } from './drift-statistics';

/** Schema of {@link OutlierRule}. */
export const OutlierRuleSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('zscore'), k: z.number().positive() }),
  z.strictObject({ method: z.literal('mahalanobis'), maxDistance: z.number().positive() }),
  z.strictObject({ method: z.literal('quantiles'), lower: z.number().min(0).max(1), upper: z.number().min(0).max(1) }),
]);
/** How {@link fitOutlierDetector} decides what is unlike the training data. */
export type OutlierRule = z.infer<typeof OutlierRuleSchema>;

/** What {@link OutlierDetector.check} says of one input. */
export interface OutlierCheck {
  readonly outlier: boolean;
  /** |z| of the furthest feature, the Mahalanobis distance, or how far outside its quantile range the furthest feature lies, in units of that range (0 inside). */
  readonly score: number;
  /** Index of the feature that decided it (zscore, quantiles); undefined for mahalanobis. */
  readonly feature: number | undefined;
}

const StateSchema = z.strictObject({
  rule: OutlierRuleSchema,
  width: z.number().int().positive(),
  /** zscore: means and standard deviations; mahalanobis: means and the lower Cholesky factor, row-major; quantiles: lower and upper bounds. */
  a: z.array(z.number()),
  b: z.array(z.number()),
});
/** The JSON form of an {@link OutlierDetector}. */
export type OutlierDetectorJson = z.infer<typeof StateSchema>;

/**
 * A fitted detector.
 *
 * @example
 * ```ts
 * const detector = fitOutlierDetector(trainingRows.map((r) => r.values), { method: 'mahalanobis', maxDistance: 4 });
 * detector.check(Float64Array.of(0.2, -3.1)); // { outlier: false, score: 1.7, feature: undefined }
 * const again = OutlierDetector.fromJSON(JSON.parse(JSON.stringify(detector)));
 * ```
 */
export class OutlierDetector {
  private constructor(private readonly state: OutlierDetectorJson) {}

  /** The rule it was fitted with. */
  get rule(): OutlierRule {
    return this.state.rule;
  }

  /** Number of features. */
  get width(): number {
    return this.state.width;
  }

  /** Checks one input row. */
  check(values: ArrayLike<number>): OutlierCheck {
    const { rule, width, a, b } = this.state;
    if (values.length !== width) throw new ValidationError([{ path: ['values'], message: `must hold ${width} values, got ${values.length}` }]);
    for (let k = 0; k < width; k++) if (!Number.isFinite(values[k])) return { outlier: true, score: Number.POSITIVE_INFINITY, feature: k };
    if (rule.method === 'zscore') {
      let score = 0;
      let feature = 0;
      for (let k = 0; k < width; k++) {
        const sd = b[k]!;
        const d = Math.abs(values[k]! - a[k]!);
        const z = sd === 0 ? (d === 0 ? 0 : Number.POSITIVE_INFINITY) : d / sd;
        if (z > score) [score, feature] = [z, k];
      }
      return { outlier: score > rule.k, score, feature };
    }
    if (rule.method === 'mahalanobis') {
      // Solve L y = x - μ by forward substitution; the distance is |y|.
      const y = new Float64Array(width);
      let sum = 0;
      for (let i = 0; i < width; i++) {
        let v = values[i]! - a[i]!;
        for (let j = 0; j < i; j++) v -= b[i * width + j]! * y[j]!;
        y[i] = v / b[i * width + i]!;
        sum += y[i]! * y[i]!;
      }
      const score = Math.sqrt(sum);
      return { outlier: score > rule.maxDistance, score, feature: undefined };
    }
    let score = 0;
    let feature = 0;
    for (let k = 0; k < width; k++) {
      const lo = a[k]!;
      const hi = b[k]!;
      const v = values[k]!;
      const outside = v < lo ? lo - v : v > hi ? v - hi : 0;
      const s = outside === 0 ? 0 : hi > lo ? outside / (hi - lo) : Number.POSITIVE_INFINITY;
      if (s > score) [score, feature] = [s, k];
    }
    return { outlier: score > 0, score, feature };
  }

  /** A JSON-safe copy of the fitted state. */
  toJSON(): OutlierDetectorJson {
    return { rule: this.state.rule, width: this.state.width, a: [...this.state.a], b: [...this.state.b] };
  }

  /** Rebuilds a detector from {@link OutlierDetector.toJSON}'s output (validated). */
  static fromJSON(json: unknown): OutlierDetector {
    const state = parseWith(StateSchema, json, 'OutlierDetector');
    const expected = state.rule.method === 'mahalanobis' ? [state.width, state.width * state.width] : [state.width, state.width];
    if (state.a.length !== expected[0] || state.b.length !== expected[1]) throw new ValidationError([{ path: ['OutlierDetector', 'b'], message: `sizes do not fit ${state.width} features` }]);
    return new OutlierDetector(state);
  }

  /** @internal */
  static fitted(state: OutlierDetectorJson): OutlierDetector {
    return new OutlierDetector(state);
  }
}

/**
 * Fits a detector on training rows.
 *
 * @param rows the training rows (at least 2; for mahalanobis more rows than features, and no feature a
 *   linear combination of others).
 * @example
 * ```ts
 * const detector = fitOutlierDetector(rows.map((r) => r.values), { method: 'zscore', k: 5 });
 * ```
 */
export function fitOutlierDetector(rows: readonly ArrayLike<number>[], rule: OutlierRule): OutlierDetector {
  const r = parseWith(OutlierRuleSchema, rule, 'rule');
  if (r.method === 'quantiles' && !(r.lower < r.upper)) throw new ValidationError([{ path: ['rule', 'upper'], message: `must be above lower (${r.lower})` }]);
  const n = rows.length;
  if (n < 2) throw new ValidationError([{ path: ['rows'], message: `needs at least 2 rows, got ${n}` }]);
  const width = rows[0]!.length;
  rows.forEach((row, i) => {
    if (row.length !== width) throw new ValidationError([{ path: ['rows', i], message: `must hold ${width} values like the first row, got ${row.length}` }]);
    for (let k = 0; k < width; k++) if (!Number.isFinite(row[k])) throw new ValidationError([{ path: ['rows', i, k], message: `must be a finite number, got ${row[k]}` }]);
  });
  const mean = new Array<number>(width).fill(0);
  for (const row of rows) for (let k = 0; k < width; k++) mean[k]! += row[k]!;
  for (let k = 0; k < width; k++) mean[k]! /= n;
  if (r.method === 'zscore') {
    const sd = new Array<number>(width).fill(0);
    for (const row of rows) for (let k = 0; k < width; k++) sd[k]! += (row[k]! - mean[k]!) ** 2;
    return OutlierDetector.fitted({ rule: r, width, a: mean, b: sd.map((s) => Math.sqrt(s / n)) });
  }
  if (r.method === 'quantiles') {
    const lo: number[] = [];
    const hi: number[] = [];
    for (let k = 0; k < width; k++) {
      const col = Float64Array.from(rows, (row) => row[k]!).sort();
      lo.push(quantileSorted(col, r.lower));
      hi.push(quantileSorted(col, r.upper));
    }
    return OutlierDetector.fitted({ rule: r, width, a: lo, b: hi });
  }
  if (n <= width) throw new ValidationError([{ path: ['rows'], message: `mahalanobis needs more rows (${n}) than features (${width})` }]);
  const cov = new Float64Array(width * width);
  for (const row of rows) {
    for (let i = 0; i < width; i++) {
      const di = row[i]! - mean[i]!;
      for (let j = 0; j <= i; j++) cov[i * width + j]! += di * (row[j]! - mean[j]!);
    }
  }
  for (let i = 0; i < width; i++) for (let j = 0; j <= i; j++) cov[j * width + i] = cov[i * width + j] = cov[i * width + j]! / (n - 1);
  // Cholesky: Σ = L Lᵀ.
  const L = new Array<number>(width * width).fill(0);
  for (let i = 0; i < width; i++) {
    for (let j = 0; j <= i; j++) {
      let s = cov[i * width + j]!;
      for (let k = 0; k < j; k++) s -= L[i * width + k]! * L[j * width + k]!;
      if (i === j) {
        if (!(s > 1e-12 * Math.max(1, cov[i * width + i]!))) throw new ValidationError([{ path: ['rows'], message: `the covariance is singular: feature ${i} is constant or a linear combination of others` }]);
        L[i * width + i] = Math.sqrt(s);
      } else L[i * width + j] = s / L[j * width + j]!;
    }
  }
  return OutlierDetector.fitted({ rule: r, width, a: mean, b: L });
}

/** A withheld input and why. */
export interface OutlierWithheld<I> {
  readonly item: I;
  readonly check: OutlierCheck;
}

/** Options of {@link outlierGate}. */
export interface OutlierGateConfig<I> {
  readonly detector: OutlierDetector;
  /** The values of an item (default: its `values`). */
  readonly select?: (item: I) => ArrayLike<number>;
  /** Called for each withheld item. */
  readonly onWithheld?: (withheld: OutlierWithheld<I>) => void;
}

const GateSchema = z.strictObject({
  detector: z.custom<OutlierDetector>((d) => d instanceof OutlierDetector, 'must be an OutlierDetector (fitOutlierDetector)'),
  select: z.custom<(i: unknown) => ArrayLike<number>>((f) => typeof f === 'function', 'must be a function').optional(),
  onWithheld: z.custom<(w: unknown) => void>((f) => typeof f === 'function', 'must be a function').optional(),
});

/**
 * Lets through the items the detector finds ordinary and withholds the others (place it before the
 * model stage: a withheld input gets no prediction, so nothing trades on it).
 *
 * @example
 * ```ts
 * ctx.market.bars(id).pipe(
 *   features,
 *   outlierGate({ detector, onWithheld: ({ item, check }) => ctx.logger.warn('input withheld', { ts: item.ts, score: check.score }) }),
 *   predictVersioned(wf, { work: ctx.work }),
 * );
 * ```
 */
export function outlierGate<I>(config: OutlierGateConfig<I>): MonoTypeOperatorFunction<I> {
  parseWith(GateSchema, config, 'outlierGate');
  const select = config.select ?? ((item: I) => (item as unknown as { values: ArrayLike<number> }).values);
  return filter((item) => {
    const check = config.detector.check(select(item));
    if (check.outlier) config.onWithheld?.({ item, check });
    return !check.outlier;
  });
}
