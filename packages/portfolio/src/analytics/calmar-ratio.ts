import { annualizedReturn } from './annualized-return';
import { maxDrawdown } from './max-drawdown';
import type { Series } from './series';

/**
 * Calmar ratio of simple period returns, as R PerformanceAnalytics `CalmarRatio(R, scale)`: the
 * geometric annualized return ({@link annualizedReturn}) over the maximum drawdown of the returns
 * ({@link maxDrawdown} with `input: 'returns'`), over the whole series given (not a trailing 36 months).
 *
 * @param returns simple returns per period.
 * @param periodsPerYear the `scale`: 252 daily, 52 weekly, 12 monthly.
 * @returns Infinity (or NaN) when there is no drawdown.
 * @example
 * ```ts
 * calmarRatio(simpleReturns(closes), 252) // GOOG 2004-2008: 0.652
 * ```
 */
export function calmarRatio(returns: Series, periodsPerYear: number): number {
  return annualizedReturn(returns, periodsPerYear) / maxDrawdown(returns, { input: 'returns' });
}
