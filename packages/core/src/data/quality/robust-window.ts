/**
 * The median and the median absolute deviation (MAD) of the last `size` values pushed: the robust
 * location and scale of the data-quality checks. The values are kept in a ring (what leaves) and a
 * sorted array (what is queried): a push moves the new value from the place of the one that leaves to
 * its rank (O(size) at worst), and the MAD is found in O(size / 2) by merging the deviations on either
 * side of the median, which the sorted array already orders, instead of sorting them.
 *
 * Definitions: the median of an even count is the mean of the two middle values (R's `median`, Python's
 * `statistics.median`); `MAD = median(|x - median(x)|)`, and `1.4826 * MAD` estimates the standard
 * deviation of normally distributed values (R's `mad` with its default `constant = 1.4826`).
 */

/** The factor that makes the MAD a consistent estimator of a normal distribution's standard deviation, 1 / Φ⁻¹(3/4). */
export const MAD_TO_SIGMA = 1.4826;

/** A trailing window of numbers with its median and MAD. */
export class RobustWindow {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly size: number) {
    this.ring = new Float64Array(size);
    this.sorted = new Float64Array(size);
  }

  /** Whether the window holds `size` values. */
  get isFull(): boolean {
    return this.count === this.size;
  }

  /** Adds a finite value, dropping the oldest when the window is full. */
  push(x: number): void {
    const s = this.sorted;
    const n = this.count;
    // The new value takes the place of the one that leaves (or a new last place), then moves to its rank.
    let i: number;
    if (n === this.size) i = lowerBound(s, n, this.ring[this.head]!);
    else {
      i = n;
      this.count = n + 1;
    }
    const m = this.count;
    while (i > 0 && s[i - 1]! > x) {
      s[i] = s[i - 1]!;
      i--;
    }
    while (i < m - 1 && s[i + 1]! < x) {
      s[i] = s[i + 1]!;
      i++;
    }
    s[i] = x;
    this.ring[this.head] = x;
    this.head = this.head + 1 === this.size ? 0 : this.head + 1;
  }

  /** The median of the values held (NaN when empty). */
  median(): number {
    const n = this.count;
    if (n === 0) return NaN;
    const s = this.sorted;
    return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  }

  /** The median absolute deviation from `median` (NaN when empty). */
  mad(median: number = this.median()): number {
    const n = this.count;
    if (n === 0) return NaN;
    const s = this.sorted;
    // Deviations grow leftwards from the last value below the median and rightwards from the first at or
    // above it: the k-th smallest deviation is the k-th step of merging the two runs.
    let r = lowerBound(s, n, median);
    let l = r - 1;
    const lo = (n - 1) >> 1;
    const hi = n >> 1;
    let a = 0;
    let d = 0;
    for (let k = 0; k <= hi; k++) {
      const left = l >= 0 ? median - s[l]! : Infinity;
      const right = r < n ? s[r]! - median : Infinity;
      if (left <= right) {
        d = left;
        l--;
      } else {
        d = right;
        r++;
      }
      if (k === lo) a = d;
    }
    return (a + d) / 2;
  }
}

/** The first index in `s[0..n)` whose value is >= x. */
function lowerBound(s: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
