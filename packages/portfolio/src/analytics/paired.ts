/**
 * Helpers for the measures that compare a series of returns with a benchmark: argument checks and the
 * least-squares line. Internal.
 */
import { ValidationError } from '@rxtrade/core';
import { checkFinite, mean, type Series } from './series';

/** Throws a ValidationError unless both series are finite and of one length >= `min`. */
export function checkPaired(returns: Series, benchmark: Series, min = 2): void {
  if (returns.length !== benchmark.length)
    throw new ValidationError([{ path: ['benchmark'], message: `must have as many values as returns (${returns.length}), got ${benchmark.length}` }]);
  if (returns.length < min) throw new ValidationError([{ path: ['returns'], message: `needs at least ${min} values, got ${returns.length}` }]);
  checkFinite(returns, 'returns');
  checkFinite(benchmark, 'benchmark');
}

/**
 * Ordinary least squares of `y - rf` on `x - rf`: intercept and slope, as R's `lm(y ~ x)` on the excess
 * series. Centered sums (two passes) for accuracy.
 */
export function excessRegression(y: Series, x: Series, riskFree: number): { alpha: number; beta: number } {
  const n = y.length;
  const my = mean(y) - riskFree;
  const mx = mean(x) - riskFree;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - riskFree - mx;
    sxy += dx * (y[i]! - riskFree - my);
    sxx += dx * dx;
  }
  const beta = sxy / sxx;
  return { alpha: my - beta * mx, beta };
}

/** `returns[i] - benchmark[i]`. */
export function activeReturns(returns: Series, benchmark: Series): Float64Array {
  const out = new Float64Array(returns.length);
  for (let i = 0; i < out.length; i++) out[i] = returns[i]! - benchmark[i]!;
  return out;
}
