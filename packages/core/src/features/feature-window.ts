/**
 * The read-only view that {@link window} emits: the last `size` feature rows as one contiguous
 * row-major `Float64Array` (oldest row first), without copying them per bar.
 *
 * Storage is a mirrored ring buffer: each row is written twice, at slot `s` and `s + size` of a buffer
 * of `2 * size` rows, so the last `size` rows always lie contiguously at rows `s + 1 .. s + size`. The
 * `size` possible views of that buffer are made once, up front; an emission only moves an index. The
 * cost is two writes of `width` numbers per row; reading a window costs nothing, and `data` can go to
 * a model (an ONNX tensor) as is.
 *
 * LIFETIME: the view, `data`, `timestamps` and the arrays from `row()` are valid until the next
 * emission of the same `window` operator, which overwrites the oldest row. Keep a window with `copy()`
 * or `toArray()`.
 */

/**
 * The last `size` feature rows, oldest first, as a view over a ring buffer.
 *
 * @example
 * ```ts
 * rows$.pipe(window({ size: 64 })).subscribe((w) => {
 *   w.data;           // Float64Array of 64 x w.width, oldest row first; valid until the next emission
 *   w.get(63, 0);     // newest row, first feature
 *   history.push(w.copy()); // keep it beyond the next emission
 * });
 * ```
 */
export class FeatureWindow {
  /** Index into the views of the current window. */
  private start = 0;

  /** @internal Built by {@link window} (mirrored ring views) or by `copy()` (one detached view). */
  constructor(
    /** Number of rows. */
    readonly size: number,
    /** Number of features per row. */
    readonly width: number,
    private readonly dataViews: readonly Float64Array[],
    private readonly tsViews: readonly Float64Array[],
  ) {}

  /** Rows oldest to newest, row-major: value `(i, j)` is at `i * width + j`. A view: see LIFETIME. */
  get data(): Float64Array {
    return this.dataViews[this.start]!;
  }

  /** The `ts` of each row, oldest to newest. A view: see LIFETIME. */
  get timestamps(): Float64Array {
    return this.tsViews[this.start]!;
  }

  /** The `ts` of the newest row. */
  get newestTs(): number {
    return this.tsViews[this.start]![this.size - 1]!;
  }

  /** Feature `col` of row `row` (0 = oldest). */
  get(row: number, col: number): number {
    if (row < 0 || row >= this.size || col < 0 || col >= this.width || !Number.isInteger(row) || !Number.isInteger(col))
      throw new RangeError(`FeatureWindow.get(${row}, ${col}) is outside ${this.size} x ${this.width}`);
    return this.dataViews[this.start]![row * this.width + col]!;
  }

  /** Row `row` (0 = oldest) as a view (a new subarray object over the same memory; see LIFETIME). */
  row(row: number): Float64Array {
    if (row < 0 || row >= this.size || !Number.isInteger(row)) throw new RangeError(`FeatureWindow.row(${row}) is outside 0..${this.size - 1}`);
    return this.dataViews[this.start]!.subarray(row * this.width, (row + 1) * this.width);
  }

  /** A copy of `data` that later emissions do not change. */
  toArray(): Float64Array {
    return this.data.slice();
  }

  /** A detached window with copies of the rows and timestamps, valid for good. */
  copy(): FeatureWindow {
    return new FeatureWindow(this.size, this.width, [this.data.slice()], [this.timestamps.slice()]);
  }

  /** The rows as arrays of numbers, oldest first (a copy; for logging and tests). */
  toRows(): number[][] {
    return Array.from({ length: this.size }, (_, i) => Array.from(this.row(i)));
  }

  /** @internal Points the view at the window that starts at view `start`. */
  setStart(start: number): void {
    this.start = start;
  }
}
