/**
 * Sample quantile by R's default definition (`quantile(x, p, type = 7)`, Hyndman and Fan 1996):
 * h = (n - 1) p, Q = x[floor(h)] + (h - floor(h)) (x[floor(h) + 1] - x[floor(h)]) on the sorted sample.
 */
import { ValidationError } from '@rxtrade/core';

/**
 * The `p` quantile of `values`, R's type 7.
 *
 * @example
 * ```ts
 * quantileType7([1, 2, 3, 4], 0.5) // 2.5
 * ```
 */
export function quantileType7(values: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new ValidationError([{ path: ['p'], message: `must be in [0, 1], got ${p}` }]);
  const n = values.length;
  if (n === 0) throw new ValidationError([{ path: ['values'], message: 'must not be empty' }]);
  const sorted = Float64Array.from(values as ArrayLike<number>);
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(sorted[i]!)) throw new ValidationError([{ path: ['values', i], message: `must be a finite number, got ${sorted[i]}` }]);
  sorted.sort();
  return quantileOfSorted(sorted, p);
}

/** Type-7 quantile of an already sorted array (internal; no validation). */
export function quantileOfSorted(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return a + (h - lo) * (b - a);
}
