import { parseWith } from '@rxtrade/core';
import { z } from 'zod';
import { checkPaired, excessRegression } from './paired';
import type { Series } from './series';

/**
 * Schema of {@link CapmConfig}.
 *
 * @example
 * ```ts
 * parseWith(CapmConfigSchema, {}) // { riskFree: 0 }
 * ```
 */
export const CapmConfigSchema = z
  .strictObject({
    /** Risk-free rate PER PERIOD, subtracted from both series; default 0. */
    riskFree: z.number().default(0),
  })
  .default({ riskFree: 0 });
/**
 * Options of {@link capmBeta} and {@link capmAlpha}.
 *
 * @example
 * ```ts
 * const monthly: CapmConfig = { riskFree: 0.03 / 12 };
 * ```
 */
export type CapmConfig = z.input<typeof CapmConfigSchema>;

/**
 * CAPM beta of a series of returns against a benchmark, as R PerformanceAnalytics `CAPM.beta(Ra, Rb, Rf)`:
 * the slope of the ordinary least-squares line of the excess returns `Ra - Rf` on the benchmark's excess
 * returns `Rb - Rf` (equal to `cov(Ra, Rb) / var(Rb)`).
 *
 * @param returns simple returns per period.
 * @param benchmark the benchmark's simple returns over the same periods.
 * @param config `riskFree`, a per-period rate (default 0).
 * @throws ValidationError naming `benchmark` (length differs), `returns` (fewer than 2) or a non-finite value.
 * @example
 * ```ts
 * capmBeta(fundReturns, marketReturns) // 0.8: the fund moves 0.8% for each 1% of the market
 * ```
 */
export function capmBeta(returns: Series, benchmark: Series, config: CapmConfig = {}): number {
  const { riskFree } = parseWith(CapmConfigSchema, config);
  checkPaired(returns, benchmark);
  return excessRegression(returns, benchmark, riskFree).beta;
}
