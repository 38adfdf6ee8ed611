import { activePremium } from './active-premium';
import type { Series } from './series';
import { trackingError } from './tracking-error';

/**
 * Information ratio, as R PerformanceAnalytics `InformationRatio(Ra, Rb, scale)`: the active premium
 * (difference of geometric annualized returns, see {@link activePremium}) over the annualized tracking
 * error (see {@link trackingError}).
 *
 * @param returns simple returns per period.
 * @param benchmark the benchmark's simple returns over the same periods.
 * @param periodsPerYear the `scale`: 252 daily, 52 weekly, 12 monthly.
 * @throws ValidationError naming `benchmark` (length differs), `returns` (fewer than 2), `periodsPerYear`.
 * @example
 * ```ts
 * informationRatio(portfolioMonthly, benchmarkMonthly, 12) // 0.29
 * ```
 */
export function informationRatio(returns: Series, benchmark: Series, periodsPerYear: number): number {
  return activePremium(returns, benchmark, periodsPerYear) / trackingError(returns, benchmark, periodsPerYear);
}
