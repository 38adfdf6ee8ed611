/**
 * The contract of the feature scalers ({@link StandardScaler}, {@link MinMaxScaler}, {@link RobustScaler})
 * and what they share: reading training data into columns, checking values, and the JSON they are saved
 * as beside a model.
 *
 * A scaler is fitted once, on training data only, with its class's static `fit`, and is immutable
 * afterwards: nothing can refit it on data it should not have seen. Values are laid out row-major
 * (`width` features per row, any number of rows), like a {@link FeatureWindow}'s `data`.
 */
import { ValidationError } from '@rxtrade/core';

/**
 * Training data: rows of features, or a row-major matrix with its width (a `FeatureWindow` is one).
 *
 * @example
 * ```ts
 * const rows: FitData = [[0.01, 1.2], [-0.02, 0.9]];
 * const matrix: FitData = { data: Float64Array.of(0.01, 1.2, -0.02, 0.9), width: 2 };
 * ```
 */
export type FitData = readonly ArrayLike<number>[] | { readonly data: ArrayLike<number>; readonly width: number };

/**
 * A fitted, immutable feature scaler.
 *
 * @example
 * ```ts
 * const scaler: Scaler = StandardScaler.fit([[1, 10], [3, 30]]);
 * scaler.transform([2, 20]); // Float64Array [0, 0]
 * ```
 */
export interface Scaler {
  /** Which scaler: `'standard'`, `'minmax'` or `'robust'`. */
  readonly type: ScalerJSON['type'];
  /** Number of features per row. */
  readonly width: number;
  /** Scales rows (`values.length` a multiple of `width`) into a new array; NaN stays NaN. */
  transform(values: ArrayLike<number>): Float64Array;
  /**
   * Scales rows into `out` from `offset` on, allocating nothing: the model stage writes each new row
   * of features straight into its (float32) input buffer this way.
   */
  transformInto(values: ArrayLike<number>, out: Float32Array | Float64Array, offset?: number): void;
  /** Undoes {@link Scaler.transform}. */
  inverseTransform(values: ArrayLike<number>): Float64Array;
  /** The fitted parameters, to save beside the model; {@link scalerFromJSON} reads them back. */
  toJSON(): ScalerJSON;
}

/**
 * The saved form of a {@link StandardScaler}.
 *
 * @example
 * ```ts
 * const json: StandardScalerJSON = StandardScaler.fit([[1], [3]]).toJSON();
 * ```
 */
export interface StandardScalerJSON {
  readonly type: 'standard';
  readonly version: 1;
  readonly width: number;
  readonly withMean: boolean;
  readonly withStd: boolean;
  /** Per-feature mean of the training data; null when neither centering nor scaling. */
  readonly mean: number[] | null;
  /** Per-feature population variance; null without scaling. */
  readonly var: number[] | null;
  /** Per-feature divisor: the standard deviation, 1 for a constant feature; null without scaling. */
  readonly scale: number[] | null;
  /** Per-feature count of the training values that were not NaN. */
  readonly nSamplesSeen: number[];
}

/**
 * The saved form of a {@link MinMaxScaler}.
 *
 * @example
 * ```ts
 * const json: MinMaxScalerJSON = MinMaxScaler.fit([[1], [3]]).toJSON();
 * ```
 */
export interface MinMaxScalerJSON {
  readonly type: 'minmax';
  readonly version: 1;
  readonly width: number;
  readonly featureRange: [number, number];
  readonly clip: boolean;
  readonly dataMin: number[];
  readonly dataMax: number[];
  /** Per-feature factor: (range high - range low) / (max - min), the range for a constant feature. */
  readonly scale: number[];
  /** Per-feature offset added after the factor: range low - min * scale. */
  readonly min: number[];
}

/**
 * The saved form of a {@link RobustScaler}.
 *
 * @example
 * ```ts
 * const json: RobustScalerJSON = RobustScaler.fit([[1], [3], [4]]).toJSON();
 * ```
 */
export interface RobustScalerJSON {
  readonly type: 'robust';
  readonly version: 1;
  readonly width: number;
  readonly withCentering: boolean;
  readonly withScaling: boolean;
  readonly quantileRange: [number, number];
  readonly unitVariance: boolean;
  /** Per-feature median; null without centering. */
  readonly center: number[] | null;
  /** Per-feature divisor: the interquantile range (1 for a constant feature); null without scaling. */
  readonly scale: number[] | null;
}

/**
 * The saved form of any scaler.
 *
 * @example
 * ```ts
 * const saved: ScalerJSON = JSON.parse(JSON.stringify(RobustScaler.fit([[1], [2], [4]])));
 * ```
 */
export type ScalerJSON = StandardScalerJSON | MinMaxScalerJSON | RobustScalerJSON;

/** @internal Training data as columns of the values that are not NaN; ±Infinity is refused. */
export function readColumns(data: FitData, what: string): { width: number; columns: Float64Array[]; counts: number[] } {
  let width: number;
  let rows: number;
  let at: (row: number, col: number) => number;
  if (Array.isArray(data)) {
    const list = data as readonly ArrayLike<number>[];
    if (list.length === 0) throw new ValidationError([{ path: [what, 'data'], message: 'needs at least one row' }]);
    width = list[0]!.length;
    list.forEach((row, i) => {
      if (row === null || typeof row !== 'object' || typeof row.length !== 'number') throw new ValidationError([{ path: [what, 'data', i], message: 'must be an array of numbers' }]);
      if (row.length !== width) throw new ValidationError([{ path: [what, 'data', i], message: `has ${row.length} values; row 0 has ${width}` }]);
    });
    rows = list.length;
    at = (r, c) => list[r]![c]!;
  } else {
    const m = data as { readonly data: ArrayLike<number>; readonly width: number };
    if (m === null || typeof m !== 'object' || m.data === undefined || typeof m.data.length !== 'number')
      throw new ValidationError([{ path: [what, 'data'], message: 'must be rows of numbers or { data, width }' }]);
    width = m.width;
    if (!Number.isInteger(width) || width < 1) throw new ValidationError([{ path: [what, 'data', 'width'], message: `must be a positive integer, got ${String(width)}` }]);
    if (m.data.length === 0 || m.data.length % width !== 0)
      throw new ValidationError([{ path: [what, 'data', 'data'], message: `has ${m.data.length} values: not a positive multiple of the width ${width}` }]);
    rows = m.data.length / width;
    const flat = m.data;
    at = (r, c) => flat[r * width + c]!;
  }
  if (width < 1) throw new ValidationError([{ path: [what, 'data', 0], message: 'a row needs at least one value' }]);
  const columns: Float64Array[] = [];
  const counts: number[] = [];
  for (let c = 0; c < width; c++) {
    const col = new Float64Array(rows);
    let n = 0;
    for (let r = 0; r < rows; r++) {
      const v = at(r, c);
      if (typeof v !== 'number') throw new ValidationError([{ path: [what, 'data', r, c], message: `must be a number, got ${typeof v}` }]);
      if (v === Infinity || v === -Infinity) throw new ValidationError([{ path: [what, 'data', r, c], message: `is ${v}: training data must be finite (NaN is ignored)` }]);
      if (!Number.isNaN(v)) col[n++] = v;
    }
    if (n === 0) throw new ValidationError([{ path: [what, 'data', 'column', c], message: 'has no value that is not NaN' }]);
    columns.push(col.subarray(0, n));
    counts.push(n);
  }
  return { width, columns, counts };
}

/** @internal sklearn's `_handle_zeros_in_scale`: a scale below 10 machine epsilons becomes 1. */
export function handleZerosInScale(scale: number): number {
  return scale < 10 * Number.EPSILON ? 1 : scale;
}

/** @internal Checks that `values` holds whole rows of `width`. */
export function checkRows(values: ArrayLike<number>, width: number, what: string): void {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number')
    throw new ValidationError([{ path: [what, 'values'], message: 'must be an array of numbers' }]);
  if (values.length % width !== 0) throw new ValidationError([{ path: [what, 'values'], message: `has ${values.length} values: not a multiple of the ${width} features per row` }]);
}

/** @internal Checks `out` and `offset` of `transformInto`. */
export function checkOut(values: ArrayLike<number>, out: Float32Array | Float64Array, offset: number, what: string): void {
  if (!(out instanceof Float32Array) && !(out instanceof Float64Array)) throw new ValidationError([{ path: [what, 'out'], message: 'must be a Float32Array or a Float64Array' }]);
  if (!Number.isInteger(offset) || offset < 0 || offset + values.length > out.length)
    throw new ValidationError([{ path: [what, 'offset'], message: `${offset} + ${values.length} values do not fit in an output of ${out.length}` }]);
}
