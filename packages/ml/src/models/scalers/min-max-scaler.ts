/**
 * `MinMaxScaler`: maps each feature's training range onto a target range (0 to 1 by default), as
 * scikit-learn's `sklearn.preprocessing.MinMaxScaler` does (same defaults, same numbers to 1e-12):
 * `x * scale + min` with `scale = (high - low) / (max - min)` and `min = low - dataMin * scale`; NaN is
 * ignored when fitting and kept when transforming; a constant feature gets `scale = high - low`;
 * `clip` bounds values outside the training range to the target range.
 */
import { parseWith } from '@rxtrade/core';
import { z } from 'zod';
import { checkOut, checkRows, handleZerosInScale, readColumns, type FitData, type MinMaxScalerJSON, type Scaler } from './scaler';

/**
 * Schema of {@link MinMaxScalerConfig}.
 *
 * @example
 * ```ts
 * MinMaxScalerConfigSchema.parse({ featureRange: [-1, 1] });
 * ```
 */
export const MinMaxScalerConfigSchema = z.strictObject({
  /** Target range `[low, high]`, low < high (default `[0, 1]`). */
  featureRange: z
    .tuple([z.number().finite(), z.number().finite()])
    .refine(([a, b]) => a < b, { message: 'low must be below high' })
    .default([0, 1]),
  /** Bound transformed values to the target range (default false). */
  clip: z.boolean().default(false),
});
/**
 * Options of {@link MinMaxScaler.fit}, named as scikit-learn's `feature_range` and `clip`.
 *
 * @example
 * ```ts
 * const config: MinMaxScalerConfig = { featureRange: [-1, 1], clip: true };
 * ```
 */
export type MinMaxScalerConfig = z.input<typeof MinMaxScalerConfigSchema>;

const num = z.number().finite();
/**
 * Schema of the saved form, {@link MinMaxScalerJSON}.
 *
 * @example
 * ```ts
 * MinMaxScalerJSONSchema.parse(MinMaxScaler.fit([[1], [3]]).toJSON());
 * ```
 */
export const MinMaxScalerJSONSchema = z
  .strictObject({
    type: z.literal('minmax'),
    version: z.literal(1),
    width: z.number().int().positive(),
    featureRange: z.tuple([num, num]).refine(([a, b]) => a < b, { message: 'low must be below high' }),
    clip: z.boolean(),
    dataMin: z.array(num),
    dataMax: z.array(num),
    scale: z.array(num.positive()),
    min: z.array(num),
  })
  .superRefine((j, ctx) => {
    for (const key of ['dataMin', 'dataMax', 'scale', 'min'] as const)
      if (j[key].length !== j.width) ctx.addIssue({ code: 'custom', path: [key], message: `has ${j[key].length} values for a width of ${j.width}` });
  });

/**
 * Scales features to a range: `x * scale + min`, fitted on training data only.
 *
 * @example
 * ```ts
 * import { MinMaxScaler } from '@rxtrade/ml';
 *
 * const scaler = MinMaxScaler.fit([[10], [20], [30]], { featureRange: [-1, 1] });
 * console.log(scaler.transform([10, 25, 40])); // Float64Array [-1, 0.5, 2]
 * ```
 */
export class MinMaxScaler implements Scaler {
  readonly type = 'minmax' as const;
  readonly width: number;
  private readonly factor: Float64Array;
  private readonly offset: Float64Array;

  private constructor(private readonly params: MinMaxScalerJSON) {
    this.width = params.width;
    this.factor = Float64Array.from(params.scale);
    this.offset = Float64Array.from(params.min);
  }

  /**
   * Fits a scaler to training data (rows, or a row-major matrix with its width).
   *
   * @throws ValidationError for ragged rows, ±Infinity, a feature with no value that is not NaN, or a bad option.
   * @example
   * ```ts
   * const scaler = MinMaxScaler.fit([[1, 2], [3, 5]]);
   * ```
   */
  static fit(data: FitData, config: MinMaxScalerConfig = {}): MinMaxScaler {
    const { featureRange, clip } = parseWith(MinMaxScalerConfigSchema, config, 'MinMaxScaler');
    const { width, columns } = readColumns(data, 'MinMaxScaler');
    const [low, high] = featureRange;
    const dataMin: number[] = [];
    const dataMax: number[] = [];
    const scale: number[] = [];
    const min: number[] = [];
    for (let c = 0; c < width; c++) {
      const col = columns[c]!;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < col.length; i++) {
        const v = col[i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const s = (high - low) / handleZerosInScale(hi - lo);
      dataMin.push(lo);
      dataMax.push(hi);
      scale.push(s);
      min.push(low - lo * s);
    }
    return new MinMaxScaler({ type: 'minmax', version: 1, width, featureRange: [low, high], clip, dataMin, dataMax, scale, min });
  }

  /**
   * Reads a scaler saved by {@link MinMaxScaler.toJSON}.
   *
   * @throws ValidationError naming the bad field.
   * @example
   * ```ts
   * const scaler = MinMaxScaler.fromJSON(JSON.parse(readFileSync('scaler.json', 'utf8')));
   * ```
   */
  static fromJSON(json: unknown): MinMaxScaler {
    return new MinMaxScaler(parseWith(MinMaxScalerJSONSchema, json, 'MinMaxScaler') as MinMaxScalerJSON);
  }

  transform(values: ArrayLike<number>): Float64Array {
    checkRows(values, this.width, 'MinMaxScaler.transform');
    const out = new Float64Array(values.length);
    this.write(values, out, 0);
    return out;
  }

  transformInto(values: ArrayLike<number>, out: Float32Array | Float64Array, offset = 0): void {
    checkRows(values, this.width, 'MinMaxScaler.transformInto');
    checkOut(values, out, offset, 'MinMaxScaler.transformInto');
    this.write(values, out, offset);
  }

  private write(values: ArrayLike<number>, out: Float32Array | Float64Array, at: number): void {
    const w = this.width;
    const [low, high] = this.params.featureRange;
    const clip = this.params.clip;
    for (let i = 0, c = 0; i < values.length; i++, c = c + 1 === w ? 0 : c + 1) {
      let x = values[i]! * this.factor[c]! + this.offset[c]!;
      if (clip) x = x < low ? low : x > high ? high : x; // NaN stays NaN
      out[at + i] = x;
    }
  }

  inverseTransform(values: ArrayLike<number>): Float64Array {
    checkRows(values, this.width, 'MinMaxScaler.inverseTransform');
    const w = this.width;
    const out = new Float64Array(values.length);
    for (let i = 0, c = 0; i < values.length; i++, c = c + 1 === w ? 0 : c + 1) out[i] = (values[i]! - this.offset[c]!) / this.factor[c]!;
    return out;
  }

  toJSON(): MinMaxScalerJSON {
    const p = this.params;
    return { ...p, featureRange: [p.featureRange[0], p.featureRange[1]], dataMin: p.dataMin.slice(), dataMax: p.dataMax.slice(), scale: p.scale.slice(), min: p.min.slice() };
  }
}
