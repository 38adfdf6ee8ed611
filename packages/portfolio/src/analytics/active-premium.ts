import { annualizedReturn } from './annualized-return';
import { checkPaired } from './paired';
import { checkPositive, type Series } from './series';

/**
 * Active premium, as R PerformanceAnalytics `ActivePremium(Ra, Rb, scale)`: the geometric annualized
 * return of the series less that of the benchmark, `Return.annualized(Ra) - Return.annualized(Rb)`.
 *
 * @param returns simple returns per period.
 * @param benchmark the benchmark's simple returns over the same periods.
 * @param periodsPerYear the `scale`: 252 daily, 52 weekly, 12 monthly.
 * @throws ValidationError naming `benchmark` (length differs), `returns` (fewer than 2), `periodsPerYear`.
 * @example
 * ```ts
 * activePremium(portfolioMonthly, benchmarkMonthly, 12) // 0.012: 1.2% a year ahead
 * ```
 */
export function activePremium(returns: Series, benchmark: Series, periodsPerYear: number): number {
  checkPositive(periodsPerYear, 'periodsPerYear');
  checkPaired(returns, benchmark);
  return annualizedReturn(returns, periodsPerYear) - annualizedReturn(benchmark, periodsPerYear);
}
