import { activeReturns, checkPaired } from './paired';
import { checkPositive, sampleStdDev, type Series } from './series';

/**
 * Annualized tracking error, as R PerformanceAnalytics `TrackingError(Ra, Rb, scale)`: the sample
 * standard deviation (n - 1) of the active returns `Ra - Rb`, times `sqrt(scale)`.
 *
 * @param returns simple returns per period.
 * @param benchmark the benchmark's simple returns over the same periods.
 * @param periodsPerYear the `scale`: 252 daily, 52 weekly, 12 monthly.
 * @throws ValidationError naming `benchmark` (length differs), `returns` (fewer than 2), `periodsPerYear`.
 * @example
 * ```ts
 * trackingError(portfolioMonthly, benchmarkMonthly, 12) // 0.041: 4.1% a year off the benchmark
 * ```
 */
export function trackingError(returns: Series, benchmark: Series, periodsPerYear: number): number {
  checkPositive(periodsPerYear, 'periodsPerYear');
  checkPaired(returns, benchmark);
  return sampleStdDev(activeReturns(returns, benchmark)) * Math.sqrt(periodsPerYear);
}
