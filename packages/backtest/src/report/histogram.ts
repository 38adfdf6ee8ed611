/**
 * Equal-width histogram of returns for the report, with the bin width from the Freedman-Diaconis rule
 * (width = 2 IQR / n^(1/3)), clamped to a readable 10 to 60 bins over the range. Bin edges are whole
 * multiples of the width, so zero is always an edge: no bin straddles zero, a bin holds only losses
 * (`to <= 0`) or only non-negative returns (`from >= 0`), and a return of exactly 0 (a flat period) is
 * counted in the bin that starts at 0, never in a loss bin.
 */

/** One bin: `[from, to)` (the last bin includes its upper edge) and how many values fell in it. */
export interface HistogramBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

/**
 * Bins finite values into equal-width bins; NaN and infinities are ignored.
 *
 * @example
 * ```ts
 * histogram([0, 0.5, 1], 2) // [{ from: 0, to: 0.5, count: 1 }, { from: 0.5, to: 1, count: 2 }]
 * ```
 */
export function histogram(values: ArrayLike<number>, bins?: number): HistogramBin[] {
  let m = 0;
  const all = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) all[m++] = values[i]!;
  if (m === 0) return [];
  // A typed array sorts numerically and natively: ten times faster than a comparator on a million values.
  const xs = all.subarray(0, m).sort();
  const lo = xs[0]!;
  const hi = xs[xs.length - 1]!;
  if (lo === hi) return [{ from: lo, to: hi, count: xs.length }];
  const width = (hi - lo) / (bins ?? freedmanDiaconis(xs));
  // Edges at k x width: the first at or below lo, the last at or above hi.
  const first = Math.floor(lo / width);
  const k = Math.max(1, Math.ceil(hi / width) - first);
  const counts = new Array<number>(k).fill(0);
  for (const x of xs) counts[Math.min(k - 1, Math.max(0, Math.floor(x / width) - first))]!++;
  return counts.map((count, i) => ({ from: (first + i) * width, to: (first + i + 1) * width, count }));
}

function freedmanDiaconis(sorted: Float64Array): number {
  const q = (p: number): number => {
    const pos = (sorted.length - 1) * p;
    const i = Math.floor(pos);
    return sorted[i]! + (sorted[Math.min(i + 1, sorted.length - 1)]! - sorted[i]!) * (pos - i);
  };
  const iqr = q(0.75) - q(0.25);
  const range = sorted[sorted.length - 1]! - sorted[0]!;
  const raw = iqr > 0 ? Math.ceil(range / ((2 * iqr) / Math.cbrt(sorted.length))) : Math.ceil(Math.sqrt(sorted.length));
  return Math.max(10, Math.min(60, raw));
}
