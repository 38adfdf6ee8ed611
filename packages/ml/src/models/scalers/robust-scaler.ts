/**
 * `RobustScaler`: centers each feature on its training median and divides by its interquartile range,
 * as scikit-learn's `sklearn.preprocessing.RobustScaler` does (same defaults: centering and scaling on,
 * quantile range 25 to 75, no unit variance; same numbers to 1e-12). Quantiles are NumPy's default
 * `percentile` (linear interpolation between order statistics, method 7 of Hyndman and Fan 1996); NaN is
 * ignored when fitting and kept when transforming; a range below 10 machine epsilons becomes 1. With
 * `unitVariance` the range is divided by the same range of a standard normal (`norm.ppf(q_max) -
 * norm.ppf(q_min)`, 1.3489795 for 25 to 75), so that normally distributed features end with variance 1.
 */
import { parseWith } from '@rxtrade/core';
import { z } from 'zod';
import { normalQuantile } from './normal-quantile';
import { checkOut, checkRows, handleZerosInScale, readColumns, type FitData, type RobustScalerJSON, type Scaler } from './scaler';

const percent = z.number().min(0).max(100);
/**
 * Schema of {@link RobustScalerConfig}.
 *
 * @example
 * ```ts
 * RobustScalerConfigSchema.parse({ quantileRange: [10, 90] });
 * ```
 */
export const RobustScalerConfigSchema = z.strictObject({
  /** Subtract the median (default true). */
  withCentering: z.boolean().default(true),
  /** Divide by the interquantile range (default true). */
  withScaling: z.boolean().default(true),
  /** Percentiles of the range, `0 <= low <= high <= 100` (default `[25, 75]`). */
  quantileRange: z
    .tuple([percent, percent])
    .refine(([a, b]) => a <= b, { message: 'low must not be above high' })
    .default([25, 75]),
  /** Divide the range by that of a standard normal distribution (default false). */
  unitVariance: z.boolean().default(false),
});
/**
 * Options of {@link RobustScaler.fit}, named as scikit-learn's `with_centering`, `with_scaling`,
 * `quantile_range` and `unit_variance`.
 *
 * @example
 * ```ts
 * const config: RobustScalerConfig = { quantileRange: [10, 90], unitVariance: true };
 * ```
 */
export type RobustScalerConfig = z.input<typeof RobustScalerConfigSchema>;

const num = z.number().finite();
/**
 * Schema of the saved form, {@link RobustScalerJSON}.
 *
 * @example
 * ```ts
 * RobustScalerJSONSchema.parse(RobustScaler.fit([[1], [3], [4]]).toJSON());
 * ```
 */
export const RobustScalerJSONSchema = z
  .strictObject({
    type: z.literal('robust'),
    version: z.literal(1),
    width: z.number().int().positive(),
    withCentering: z.boolean(),
    withScaling: z.boolean(),
    quantileRange: z.tuple([percent, percent]).refine(([a, b]) => a <= b, { message: 'low must not be above high' }),
    unitVariance: z.boolean(),
    center: z.array(num).nullable(),
    scale: z.array(num.positive()).nullable(),
  })
  .superRefine((j, ctx) => {
    for (const key of ['center', 'scale'] as const) {
      const v = j[key];
      if (v !== null && v.length !== j.width) ctx.addIssue({ code: 'custom', path: [key], message: `has ${v.length} values for a width of ${j.width}` });
    }
    if (j.withCentering !== (j.center !== null)) ctx.addIssue({ code: 'custom', path: ['center'], message: j.withCentering ? 'is needed when withCentering is true' : 'must be null when withCentering is false' });
    if (j.withScaling !== (j.scale !== null)) ctx.addIssue({ code: 'custom', path: ['scale'], message: j.withScaling ? 'is needed when withScaling is true' : 'must be null when withScaling is false' });
  });

/**
 * NumPy's `percentile(a, q)` with the default method ('linear'), on sorted values: the virtual index and
 * the interpolation are computed as NumPy 1.22+ computes them, so results agree to the last bit or so.
 */
function percentile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const p = q / 100;
  const virtual = n * p + (1 + p * (1 - 1 - 1)) - 1;
  const lower = Math.min(Math.max(Math.floor(virtual), 0), n - 1);
  const upper = Math.min(lower + 1, n - 1);
  const t = virtual - Math.floor(virtual);
  const a = sorted[lower]!;
  const b = sorted[upper]!;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

function median(sorted: Float64Array): number {
  const n = sorted.length;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}

/**
 * Scales features robustly to outliers: `(x - median) / IQR`, fitted on training data only.
 *
 * @example
 * ```ts
 * import { RobustScaler } from '@rxtrade/ml';
 *
 * const scaler = RobustScaler.fit([[1], [2], [3], [4], [100]]); // median 3, IQR 4 - 2 = 2
 * console.log(scaler.transform([5])); // Float64Array [1]
 * ```
 */
export class RobustScaler implements Scaler {
  readonly type = 'robust' as const;
  readonly width: number;
  private readonly centerValues: Float64Array | undefined;
  private readonly divisor: Float64Array | undefined;

  private constructor(private readonly params: RobustScalerJSON) {
    this.width = params.width;
    this.centerValues = params.center ? Float64Array.from(params.center) : undefined;
    this.divisor = params.scale ? Float64Array.from(params.scale) : undefined;
  }

  /**
   * Fits a scaler to training data (rows, or a row-major matrix with its width).
   *
   * @throws ValidationError for ragged rows, ±Infinity, a feature with no value that is not NaN, or a bad option.
   * @example
   * ```ts
   * const scaler = RobustScaler.fit([[1, 2], [3, 5], [4, 4]], { quantileRange: [10, 90] });
   * ```
   */
  static fit(data: FitData, config: RobustScalerConfig = {}): RobustScaler {
    const { withCentering, withScaling, quantileRange, unitVariance } = parseWith(RobustScalerConfigSchema, config, 'RobustScaler');
    const { width, columns } = readColumns(data, 'RobustScaler');
    const [qMin, qMax] = quantileRange;
    const adjust = unitVariance ? normalQuantile(qMax / 100) - normalQuantile(qMin / 100) : 1;
    const center: number[] = [];
    const scale: number[] = [];
    for (let c = 0; c < width; c++) {
      const sorted = Float64Array.from(columns[c]!).sort();
      center.push(median(sorted));
      const s = handleZerosInScale(percentile(sorted, qMax) - percentile(sorted, qMin));
      scale.push(unitVariance ? s / adjust : s);
    }
    return new RobustScaler({
      type: 'robust',
      version: 1,
      width,
      withCentering,
      withScaling,
      quantileRange: [qMin, qMax],
      unitVariance,
      center: withCentering ? center : null,
      scale: withScaling ? scale : null,
    });
  }

  /**
   * Reads a scaler saved by {@link RobustScaler.toJSON}.
   *
   * @throws ValidationError naming the bad field.
   * @example
   * ```ts
   * const scaler = RobustScaler.fromJSON(JSON.parse(readFileSync('scaler.json', 'utf8')));
   * ```
   */
  static fromJSON(json: unknown): RobustScaler {
    return new RobustScaler(parseWith(RobustScalerJSONSchema, json, 'RobustScaler') as RobustScalerJSON);
  }

  /** Per-feature median (a copy), or undefined without centering. */
  get center(): number[] | undefined {
    return this.params.center?.slice();
  }

  /** Per-feature divisor (a copy), or undefined without scaling. */
  get scale(): number[] | undefined {
    return this.params.scale?.slice();
  }

  transform(values: ArrayLike<number>): Float64Array {
    checkRows(values, this.width, 'RobustScaler.transform');
    const out = new Float64Array(values.length);
    this.write(values, out, 0);
    return out;
  }

  transformInto(values: ArrayLike<number>, out: Float32Array | Float64Array, offset = 0): void {
    checkRows(values, this.width, 'RobustScaler.transformInto');
    checkOut(values, out, offset, 'RobustScaler.transformInto');
    this.write(values, out, offset);
  }

  private write(values: ArrayLike<number>, out: Float32Array | Float64Array, at: number): void {
    const w = this.width;
    const center = this.centerValues;
    const divisor = this.divisor;
    for (let i = 0, c = 0; i < values.length; i++, c = c + 1 === w ? 0 : c + 1) {
      let x = values[i]!;
      if (center !== undefined) x -= center[c]!;
      if (divisor !== undefined) x /= divisor[c]!;
      out[at + i] = x;
    }
  }

  inverseTransform(values: ArrayLike<number>): Float64Array {
    checkRows(values, this.width, 'RobustScaler.inverseTransform');
    const w = this.width;
    const out = new Float64Array(values.length);
    for (let i = 0, c = 0; i < values.length; i++, c = c + 1 === w ? 0 : c + 1) {
      let x = values[i]!;
      if (this.divisor !== undefined) x *= this.divisor[c]!;
      if (this.centerValues !== undefined) x += this.centerValues[c]!;
      out[i] = x;
    }
    return out;
  }

  toJSON(): RobustScalerJSON {
    const p = this.params;
    return { ...p, quantileRange: [p.quantileRange[0], p.quantileRange[1]], center: p.center?.slice() ?? null, scale: p.scale?.slice() ?? null };
  }
}
