import { checkPositive, sampleStdDev, type Series } from './series';

/**
 * Annualized volatility of simple period returns, as R PerformanceAnalytics `StdDev.annualized`:
 * the sample standard deviation (denominator n - 1) times `sqrt(scale)`.
 *
 * @param returns simple returns per period.
 * @param periodsPerYear the `scale`: 252 daily, 52 weekly, 12 monthly.
 * @returns NaN with fewer than 2 returns.
 * @example
 * ```ts
 * annualizedVolatility(dailyReturns, 252)
 * ```
 */
export function annualizedVolatility(returns: Series, periodsPerYear: number): number {
  checkPositive(periodsPerYear, 'periodsPerYear');
  return sampleStdDev(returns) * Math.sqrt(periodsPerYear);
}
