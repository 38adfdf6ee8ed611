/**
 * The model stage's input buffer: the last rows of features, already scaled and converted to the model's
 * input type, in a mirrored ring of `capacity` rows. Each row is written twice (at slot `s` and at slot
 * `s + capacity`) so that the last `size` rows always lie contiguously: the window handed to the model is
 * a view, never a per-bar copy of the whole window.
 *
 * A view stays valid while fewer than `capacity - size + 1` rows are appended after it. The stage keeps
 * track of the views still in use by predictions (in flight or queued); when the next write would
 * overwrite one, it moves to a fresh ring (copying the last rows once) and leaves the old one to them.
 * In a backtest that never happens: the runner delivers the next bar only after the prediction.
 */
import type { Scaler } from './scalers/scaler';

/** @internal */
export class InputRing {
  readonly buffer: Float32Array | Float64Array;
  /** Rows appended so far (absolute row numbers 0..count-1). */
  count = 0;
  private readonly views: (Float32Array | Float64Array | undefined)[];

  constructor(
    readonly size: number,
    readonly width: number,
    readonly capacity: number,
    float64: boolean,
    private readonly scaler: Scaler | undefined,
  ) {
    const n = 2 * capacity * width;
    this.buffer = float64 ? new Float64Array(n) : new Float32Array(n);
    this.views = new Array<Float32Array | Float64Array | undefined>(capacity);
  }

  /** Appends a row of raw features (scaled on the way in). */
  append(values: ArrayLike<number>): void {
    this.write(this.count++ % this.capacity, values, true);
  }

  /** Replaces the newest row (a revision of the forming bar). */
  revise(values: ArrayLike<number>): void {
    this.write((this.count - 1) % this.capacity, values, true);
  }

  /** Appends a row that is already scaled and converted (copied from another ring). */
  appendRaw(values: Float32Array | Float64Array): void {
    this.write(this.count++ % this.capacity, values, false);
  }

  /** The newest row as stored (a view). */
  storedRow(back: number): Float32Array | Float64Array {
    const slot = (this.count - 1 - back) % this.capacity;
    return this.buffer.subarray(slot * this.width, (slot + 1) * this.width);
  }

  /** The last `size` rows, oldest first, as a view (made once per ring slot). */
  window(): Float32Array | Float64Array {
    const newest = (this.count - 1) % this.capacity;
    let view = this.views[newest];
    if (view === undefined) {
      const start = (newest + this.capacity - this.size + 1) * this.width;
      view = this.buffer.subarray(start, start + this.size * this.width);
      this.views[newest] = view;
    }
    return view;
  }

  private write(slot: number, values: ArrayLike<number>, scale: boolean): void {
    const w = this.width;
    const a = slot * w;
    const b = a + this.capacity * w;
    const buf = this.buffer;
    if (scale && this.scaler !== undefined) this.scaler.transformInto(values, buf, a);
    else for (let j = 0; j < w; j++) buf[a + j] = values[j]!;
    for (let j = 0; j < w; j++) buf[b + j] = buf[a + j]!;
  }
}
