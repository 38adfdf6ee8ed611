/**
 * `StandardScaler`: z-scores each feature with the mean and the population standard deviation of the
 * training data, as scikit-learn's `sklearn.preprocessing.StandardScaler` does (same defaults, same
 * numbers to 1e-12): NaN is ignored when fitting and kept when transforming, and a feature that is
 * constant (its variance within the rounding error of a two-pass computation, Chan, Golub and LeVeque
 * 1983) is divided by 1.
 */
import { parseWith } from '@rxtrade/core';
import { z } from 'zod';
import { checkOut, checkRows, readColumns, type FitData, type Scaler, type StandardScalerJSON } from './scaler';

/**
 * Schema of {@link StandardScalerConfig}.
 *
 * @example
 * ```ts
 * StandardScalerConfigSchema.parse({ withMean: false });
 * ```
 */
export const StandardScalerConfigSchema = z.strictObject({
  /** Subtract the mean (default true). */
  withMean: z.boolean().default(true),
  /** Divide by the standard deviation (default true). */
  withStd: z.boolean().default(true),
});
/**
 * Options of {@link StandardScaler.fit}, named as scikit-learn's `with_mean` and `with_std`.
 *
 * @example
 * ```ts
 * const config: StandardScalerConfig = { withMean: true, withStd: true };
 * ```
 */
export type StandardScalerConfig = z.input<typeof StandardScalerConfigSchema>;

const num = z.number().finite();
/**
 * Schema of the saved form, {@link StandardScalerJSON}.
 *
 * @example
 * ```ts
 * StandardScalerJSONSchema.parse(StandardScaler.fit([[1], [3]]).toJSON());
 * ```
 */
export const StandardScalerJSONSchema = z
  .strictObject({
    type: z.literal('standard'),
    version: z.literal(1),
    width: z.number().int().positive(),
    withMean: z.boolean(),
    withStd: z.boolean(),
    mean: z.array(num).nullable(),
    var: z.array(num.nonnegative()).nullable(),
    scale: z.array(num.positive()).nullable(),
    nSamplesSeen: z.array(z.number().int().positive()),
  })
  .superRefine((j, ctx) => {
    for (const key of ['mean', 'var', 'scale', 'nSamplesSeen'] as const) {
      const v = j[key];
      if (v !== null && v.length !== j.width) ctx.addIssue({ code: 'custom', path: [key], message: `has ${v.length} values for a width of ${j.width}` });
    }
    if ((j.withMean || j.withStd) && j.mean === null) ctx.addIssue({ code: 'custom', path: ['mean'], message: 'is needed when withMean or withStd is true' });
    if (j.withStd && (j.scale === null || j.var === null)) ctx.addIssue({ code: 'custom', path: [j.scale === null ? 'scale' : 'var'], message: 'is needed when withStd is true' });
  });

/**
 * Standardizes features: `(x - mean) / std`, fitted on training data only.
 *
 * @example
 * ```ts
 * import { StandardScaler } from '@rxtrade/ml';
 *
 * const scaler = StandardScaler.fit([[1, 100], [2, 200], [3, 300]]);
 * console.log(scaler.transform([3, 100])); // Float64Array [1.224744871391589, -1.224744871391589]
 * const saved = JSON.stringify(scaler); // beside the model
 * console.log(StandardScaler.fromJSON(JSON.parse(saved)).transform([3, 100])); // the same
 * ```
 */
export class StandardScaler implements Scaler {
  readonly type = 'standard' as const;
  readonly width: number;
  private readonly center: Float64Array | undefined;
  private readonly divisor: Float64Array | undefined;

  private constructor(private readonly params: StandardScalerJSON) {
    this.width = params.width;
    this.center = params.withMean && params.mean ? Float64Array.from(params.mean) : undefined;
    this.divisor = params.withStd && params.scale ? Float64Array.from(params.scale) : undefined;
  }

  /**
   * Fits a scaler to training data (rows, or a row-major matrix with its width).
   *
   * @throws ValidationError for ragged rows, ±Infinity, a feature with no value that is not NaN, or a bad option.
   * @example
   * ```ts
   * const scaler = StandardScaler.fit({ data: Float64Array.of(1, 2, 3, 4), width: 2 }, { withMean: false });
   * ```
   */
  static fit(data: FitData, config: StandardScalerConfig = {}): StandardScaler {
    const { withMean, withStd } = parseWith(StandardScalerConfigSchema, config, 'StandardScaler');
    const { width, columns, counts } = readColumns(data, 'StandardScaler');
    if (!withMean && !withStd) return new StandardScaler({ type: 'standard', version: 1, width, withMean, withStd, mean: null, var: null, scale: null, nSamplesSeen: counts });
    const mean: number[] = [];
    const variance: number[] = [];
    const scale: number[] = [];
    for (let c = 0; c < width; c++) {
      const col = columns[c]!;
      const n = counts[c]!;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += col[i]!;
      const m = sum / n;
      mean.push(m);
      // Corrected two-pass variance, as scikit-learn's _incremental_mean_and_var on a first fit.
      let correction = 0;
      let squares = 0;
      for (let i = 0; i < n; i++) {
        const d = col[i]! - m;
        correction += d;
        squares += d * d;
      }
      const v = (squares - (correction * correction) / n) / n;
      variance.push(v);
      const constant = v <= n * Number.EPSILON * v + (n * m * Number.EPSILON) ** 2;
      scale.push(constant ? 1 : Math.sqrt(v));
    }
    return new StandardScaler({ type: 'standard', version: 1, width, withMean, withStd, mean, var: withStd ? variance : null, scale: withStd ? scale : null, nSamplesSeen: counts });
  }

  /**
   * Reads a scaler saved by {@link StandardScaler.toJSON}.
   *
   * @throws ValidationError naming the bad field.
   * @example
   * ```ts
   * const scaler = StandardScaler.fromJSON(JSON.parse(readFileSync('scaler.json', 'utf8')));
   * ```
   */
  static fromJSON(json: unknown): StandardScaler {
    return new StandardScaler(parseWith(StandardScalerJSONSchema, json, 'StandardScaler') as StandardScalerJSON);
  }

  /** Per-feature mean of the training data (a copy), or undefined when neither centering nor scaling. */
  get mean(): number[] | undefined {
    return this.params.mean?.slice();
  }

  /** Per-feature divisor (a copy), or undefined without scaling. */
  get scale(): number[] | undefined {
    return this.params.scale?.slice();
  }

  transform(values: ArrayLike<number>): Float64Array {
    checkRows(values, this.width, 'StandardScaler.transform');
    const out = new Float64Array(values.length);
    this.write(values, out, 0);
    return out;
  }

  transformInto(values: ArrayLike<number>, out: Float32Array | Float64Array, offset = 0): void {
    checkRows(values, this.width, 'StandardScaler.transformInto');
    checkOut(values, out, offset, 'StandardScaler.transformInto');
    this.write(values, out, offset);
  }

  private write(values: ArrayLike<number>, out: Float32Array | Float64Array, offset: number): void {
    const w = this.width;
    const center = this.center;
    const divisor = this.divisor;
    for (let i = 0, c = 0; i < values.length; i++, c = c + 1 === w ? 0 : c + 1) {
      let x = values[i]!;
      if (center !== undefined) x -= center[c]!;
      if (divisor !== undefined) x /= divisor[c]!;
      out[offset + i] = x;
    }
  }

  inverseTransform(values: ArrayLike<number>): Float64Array {
    checkRows(values, this.width, 'StandardScaler.inverseTransform');
    const w = this.width;
    const out = new Float64Array(values.length);
    for (let i = 0, c = 0; i < values.length; i++, c = c + 1 === w ? 0 : c + 1) {
      let x = values[i]!;
      if (this.divisor !== undefined) x *= this.divisor[c]!;
      if (this.center !== undefined) x += this.center[c]!;
      out[i] = x;
    }
    return out;
  }

  toJSON(): StandardScalerJSON {
    const p = this.params;
    return { ...p, mean: p.mean?.slice() ?? null, var: p.var?.slice() ?? null, scale: p.scale?.slice() ?? null, nSamplesSeen: p.nSamplesSeen.slice() };
  }
}
