import { parseWith } from '@rxtrade/core';
import { z } from 'zod';
import { annualizedReturn } from './annualized-return';
import { annualizedVolatility } from './annualized-volatility';
import type { Series } from './series';

/**
 * Schema of {@link SharpeRatioConfig}.
 *
 * @example
 * ```ts
 * parseWith(SharpeRatioConfigSchema, { periodsPerYear: 252 }) // { periodsPerYear: 252, riskFree: 0 }
 * ```
 */
export const SharpeRatioConfigSchema = z.strictObject({
  /** The `scale`: 252 daily, 52 weekly, 12 monthly. */
  periodsPerYear: z.number().positive(),
  /** Risk-free rate PER PERIOD (not annual), subtracted from every return; default 0. */
  riskFree: z.number().default(0),
});
/**
 * Options of {@link sharpeRatio}.
 *
 * @example
 * ```ts
 * const daily: SharpeRatioConfig = { periodsPerYear: 252, riskFree: 0.04 / 252 };
 * ```
 */
export type SharpeRatioConfig = z.input<typeof SharpeRatioConfigSchema>;

/**
 * Annualized Sharpe ratio of simple period returns, following R PerformanceAnalytics
 * `SharpeRatio.annualized(R, Rf, scale, geometric = TRUE)`: the geometric annualized EXCESS return,
 * `prod(1 + r - rf) ^ (scale / n) - 1`, over the annualized sample standard deviation of the returns,
 * `sd(r) * sqrt(scale)`. Note that this is not the arithmetic `mean / sd * sqrt(scale)` some libraries
 * report; the two differ by the volatility drag.
 *
 * @param returns simple returns per period.
 * @param config `periodsPerYear` (the scale) and `riskFree`, a per-period rate (default 0).
 * @returns NaN with fewer than 2 returns; ±Infinity when every return is equal and the excess is not 0.
 * @example
 * ```ts
 * sharpeRatio(simpleReturns(closes), { periodsPerYear: 252 }) // GOOG 2004-2008: 0.958
 * ```
 */
export function sharpeRatio(returns: Series, config: SharpeRatioConfig): number {
  const { periodsPerYear, riskFree } = parseWith(SharpeRatioConfigSchema, config);
  const excess = riskFree === 0 ? returns : Float64Array.from(returns, (r) => r - riskFree);
  return annualizedReturn(excess, periodsPerYear) / annualizedVolatility(returns, periodsPerYear);
}
