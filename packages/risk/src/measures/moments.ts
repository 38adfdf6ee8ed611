/**
 * Population moments of a sample, as PerformanceAnalytics' `centeredmoment` (the mean of the centred
 * powers, divided by n, not n - 1), with skewness m3 / m2^1.5 and excess kurtosis m4 / m2^2 - 3.
 */
import { ValidationError } from '@rxtrade/core';

/** Mean and population central moments of a sample. */
export interface SampleMoments {
  readonly n: number;
  readonly mean: number;
  /** Population variance (second central moment). */
  readonly m2: number;
  readonly m3: number;
  readonly m4: number;
  /** m3 / m2^1.5 */
  readonly skewness: number;
  /** m4 / m2^2 - 3 */
  readonly excessKurtosis: number;
}

/**
 * Computes the mean and population central moments of `values` (two passes, for accuracy).
 *
 * @example
 * ```ts
 * sampleMoments([0.01, -0.02, 0.015]).m2 // population variance
 * ```
 */
export function sampleMoments(values: ArrayLike<number>, field = 'returns'): SampleMoments {
  const n = values.length;
  if (n < 2) throw new ValidationError([{ path: [field], message: `needs at least 2 values, got ${n}` }]);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new ValidationError([{ path: [field, i], message: `must be a finite number, got ${v}` }]);
    sum += v;
  }
  const mean = sum / n;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  const m2 = s2 / n;
  const m3 = s3 / n;
  const m4 = s4 / n;
  return { n, mean, m2, m3, m4, skewness: m3 / Math.pow(m2, 1.5), excessKurtosis: m4 / (m2 * m2) - 3 };
}
