/**
 * Rolling maximum or minimum over the last `period` values in amortised O(1) per push, with a one-step
 * undo for `replace`: a monotonic deque (each value enters and leaves it once) that logs what the
 * latest push removed so that it can be put back.
 */

/**
 * Which extreme a {@link RollingExtreme} tracks.
 *
 * @example
 * ```ts
 * const lows = new RollingExtreme(20, ExtremeKind.MIN);
 * ```
 */
export const ExtremeKind = { MAX: 'max', MIN: 'min' } as const;
export type ExtremeKind = (typeof ExtremeKind)[keyof typeof ExtremeKind];

/**
 * Rolling maximum or minimum of the last `period` pushes. Among equal values the newest wins, as in
 * TA-Lib's `TA_AROON` (so `age` counts from the latest occurrence of the extreme).
 *
 * @example
 * ```ts
 * const max = new RollingExtreme(3, 'max');
 * [5, 1, 4, 2].forEach((x) => max.push(x));
 * max.value; // 4 (the window is 1, 4, 2)
 * max.age;   // 1: pushed one push before the newest
 * ```
 */
export class RollingExtreme {
  private readonly cap: number;
  private readonly idx: Float64Array;
  private readonly val: Float64Array;
  private front = 0;
  private count = 0;
  private seq = -1;
  private readonly isMax: boolean;
  // Undo log of the latest push.
  private readonly poppedIdx: Float64Array;
  private readonly poppedVal: Float64Array;
  private popped = 0;
  private evicted = false;
  private evictedIdx = 0;
  private evictedVal = 0;

  constructor(
    readonly period: number,
    kind: ExtremeKind,
  ) {
    this.cap = period + 1;
    this.idx = new Float64Array(this.cap);
    this.val = new Float64Array(this.cap);
    this.poppedIdx = new Float64Array(this.cap);
    this.poppedVal = new Float64Array(this.cap);
    this.isMax = kind === 'max';
  }

  /** Adds `x` as the newest value of the window. */
  push(x: number): void {
    const cap = this.cap;
    const seq = ++this.seq;
    this.evicted = false;
    if (this.count > 0 && this.idx[this.front]! <= seq - this.period) {
      this.evicted = true;
      this.evictedIdx = this.idx[this.front]!;
      this.evictedVal = this.val[this.front]!;
      this.front = this.front + 1 === cap ? 0 : this.front + 1;
      this.count--;
    }
    let popped = 0;
    while (this.count > 0) {
      let back = this.front + this.count - 1;
      if (back >= cap) back -= cap;
      const b = this.val[back]!;
      if (this.isMax ? b > x : b < x) break;
      this.poppedIdx[popped] = this.idx[back]!;
      this.poppedVal[popped] = b;
      popped++;
      this.count--;
    }
    this.popped = popped;
    let at = this.front + this.count;
    if (at >= cap) at -= cap;
    this.idx[at] = seq;
    this.val[at] = x;
    this.count++;
  }

  /** Takes back the latest push (one level). */
  undo(): void {
    const cap = this.cap;
    this.count--; // drop the newest
    for (let i = this.popped - 1; i >= 0; i--) {
      let at = this.front + this.count;
      if (at >= cap) at -= cap;
      this.idx[at] = this.poppedIdx[i]!;
      this.val[at] = this.poppedVal[i]!;
      this.count++;
    }
    if (this.evicted) {
      this.front = this.front === 0 ? cap - 1 : this.front - 1;
      this.idx[this.front] = this.evictedIdx;
      this.val[this.front] = this.evictedVal;
      this.count++;
    }
    this.popped = 0;
    this.evicted = false;
    this.seq--;
  }

  /** The extreme of the window (undefined behaviour before the first push). */
  get value(): number {
    return this.val[this.front]!;
  }

  /** How many pushes ago the extreme was pushed: 0 when the newest value is the extreme. */
  get age(): number {
    return this.seq - this.idx[this.front]!;
  }

  /** Forgets every value. */
  reset(): void {
    this.front = 0;
    this.count = 0;
    this.seq = -1;
    this.popped = 0;
    this.evicted = false;
  }
}
