/**
 * The intrabar path a bar is assumed to have traded along: open, then the nearer of high and low to the
 * open, then the other extreme, then close. When high and low are equally far from the open the high
 * comes first (an arbitrary but fixed choice, documented in docs/simulated-venue.md).
 */
import type { Bar } from '@rxtrade/core';

/**
 * Writes the four points of `bar`'s intrabar path into `out` (open, nearer extreme, other extreme,
 * close) and returns it.
 *
 * @example
 * ```ts
 * barPath({ open: 100, high: 103, low: 99, close: 102 } as Bar, new Float64Array(4)) // [100, 99, 103, 102]
 * ```
 */
export function barPath(bar: Bar, out: Float64Array): Float64Array {
  const { open, high, low } = bar;
  const highFirst = high - open <= open - low;
  out[0] = open;
  out[1] = highFirst ? high : low;
  out[2] = highFirst ? low : high;
  out[3] = bar.close;
  return out;
}
