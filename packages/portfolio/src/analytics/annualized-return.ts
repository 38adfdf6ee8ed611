import { checkPositive, compound, type Series } from './series';

/**
 * Geometric annualized return of a series of simple period returns, as R PerformanceAnalytics
 * `Return.annualized(R, scale, geometric = TRUE)`: `prod(1 + r) ^ (scale / n) - 1`.
 *
 * @param returns simple returns per period (0.01 = 1%).
 * @param periodsPerYear the `scale`: 252 for daily trading days, 52 weekly, 12 monthly.
 * @returns NaN for an empty series.
 * @example
 * ```ts
 * annualizedReturn([0.01, 0.02, -0.005], 12) // (1.01 * 1.02 * 0.995) ** (12 / 3) - 1
 * ```
 */
export function annualizedReturn(returns: Series, periodsPerYear: number): number {
  checkPositive(periodsPerYear, 'periodsPerYear');
  const n = returns.length;
  if (n === 0) return NaN;
  return Math.pow(compound(returns), periodsPerYear / n) - 1;
}
