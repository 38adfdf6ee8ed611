/**
 * Sample covariance matrix of return series, as R's `cov()` (divisor n - 1).
 */
import { ValidationError } from '@rxtrade/core';

/**
 * Covariance matrix of `series` (one array of returns per asset, all the same length).
 *
 * @example
 * ```ts
 * const cov = covarianceMatrix([googReturns, spyReturns]); // 2 x 2
 * ```
 */
export function covarianceMatrix(series: readonly ArrayLike<number>[]): number[][] {
  const k = series.length;
  if (k === 0) throw new ValidationError([{ path: ['series'], message: 'must not be empty' }]);
  const n = series[0]!.length;
  if (n < 2) throw new ValidationError([{ path: ['series', 0], message: `needs at least 2 returns, got ${n}` }]);
  const means: number[] = [];
  series.forEach((s, i) => {
    if (s.length !== n) throw new ValidationError([{ path: ['series', i], message: `has ${s.length} returns, expected ${n}` }]);
    let sum = 0;
    for (let t = 0; t < n; t++) {
      const v = s[t]!;
      if (!Number.isFinite(v)) throw new ValidationError([{ path: ['series', i, t], message: `must be a finite number, got ${v}` }]);
      sum += v;
    }
    means.push(sum / n);
  });
  const cov: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const a = series[i]!;
      const b = series[j]!;
      const ma = means[i]!;
      const mb = means[j]!;
      let s = 0;
      for (let t = 0; t < n; t++) s += (a[t]! - ma) * (b[t]! - mb);
      const c = s / (n - 1);
      cov[i]![j] = c;
      cov[j]![i] = c;
    }
  }
  return cov;
}
