/**
 * The annualized Sortino ratio: PerformanceAnalytics' per-period `SortinoRatio(R, MAR)` (mean excess
 * return over the downside deviation with the sum of squared shortfalls divided by ALL n periods) times
 * sqrt(periodsPerYear). With MAR 0 this is quantstats' `sortino(returns, annualize=True)`:
 * `mean(r) / sqrt(sum(min(r, 0)^2) / n) * sqrt(periods)`.
 */
import { sortinoRatio } from '@rxtrade/portfolio';

/**
 * Annualized Sortino ratio of simple period returns (MAR per period, default 0).
 *
 * @returns NaN for an empty series; Infinity when no period falls below the MAR and the mean exceeds it.
 * @example
 * ```ts
 * sortinoRatioAnnualized(simpleReturns(equity), 252) // GOOG daily closes 2004-2008: 1.592
 * ```
 */
export function sortinoRatioAnnualized(returns: ArrayLike<number>, periodsPerYear: number, mar = 0): number {
  if (returns.length === 0) return NaN;
  return sortinoRatio(returns, { mar }) * Math.sqrt(periodsPerYear);
}
