/**
 * Keeps a chart's series small enough to embed in a file whatever the run's length: at most two points
 * per bucket (the bucket's lowest and highest value, in time order), so peaks and troughs survive,
 * which plain every-Nth sampling would lose. A 10-million-bar curve becomes a few thousand points.
 */

/** A series as parallel columns of times (epoch ms) and values. */
export interface TimeSeries {
  readonly ts: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/**
 * Down-samples a series to at most `2 * buckets` points, keeping each bucket's minimum and maximum.
 *
 * @example
 * ```ts
 * downsampleMinMax({ ts: [1, 2, 3, 4], values: [5, 1, 9, 2] }, 1) // [[2, 1], [3, 9]]
 * ```
 */
export function downsampleMinMax(series: TimeSeries, buckets: number): Array<[number, number]> {
  const n = Math.min(series.ts.length, series.values.length);
  const out: Array<[number, number]> = [];
  if (n <= 2 * buckets) {
    for (let i = 0; i < n; i++) out.push([series.ts[i]!, series.values[i]!]);
    return out;
  }
  const size = n / buckets;
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = b === buckets - 1 ? n : Math.floor((b + 1) * size);
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      const v = series.values[i]!;
      if (v < series.values[lo]!) lo = i;
      if (v > series.values[hi]!) hi = i;
    }
    const first = Math.min(lo, hi);
    const second = Math.max(lo, hi);
    out.push([series.ts[first]!, series.values[first]!]);
    if (second !== first) out.push([series.ts[second]!, series.values[second]!]);
  }
  // The last point is the run's final figure: always show it.
  const last = out[out.length - 1]!;
  if (last[0] !== series.ts[n - 1]) out.push([series.ts[n - 1]!, series.values[n - 1]!]);
  return out;
}

/**
 * Keeps the last value at each timestamp: with several instruments the equity curve has one point per
 * event, several at the same time, and returns must be taken between distinct times.
 *
 * @example
 * ```ts
 * lastPerTimestamp({ ts: [1, 1, 2], values: [10, 11, 12] }) // { ts: Float64Array [1, 2], values: Float64Array [11, 12] }
 * ```
 */
export function lastPerTimestamp(series: TimeSeries): { ts: Float64Array; values: Float64Array } {
  const n = Math.min(series.ts.length, series.values.length);
  const ts = new Float64Array(n);
  const values = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const t = series.ts[i]!;
    if (m > 0 && ts[m - 1] === t) values[m - 1] = series.values[i]!;
    else {
      ts[m] = t;
      values[m] = series.values[i]!;
      m++;
    }
  }
  return { ts: ts.slice(0, m), values: values.slice(0, m) };
}
