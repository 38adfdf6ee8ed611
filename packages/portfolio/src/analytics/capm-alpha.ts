import { parseWith } from '@rxtrade/core';
import { CapmConfigSchema, type CapmConfig } from './capm-beta';
import { checkPaired, excessRegression } from './paired';
import type { Series } from './series';

/**
 * CAPM alpha (Jensen's alpha) PER PERIOD, as R PerformanceAnalytics `CAPM.alpha(Ra, Rb, Rf)`: the intercept
 * of the ordinary least-squares line of `Ra - Rf` on `Rb - Rf`. It is not annualized (multiply by the
 * periods per year for a simple annual figure, as PerformanceAnalytics' `table.CAPM` does).
 *
 * @param returns simple returns per period.
 * @param benchmark the benchmark's simple returns over the same periods.
 * @param config `riskFree`, a per-period rate (default 0).
 * @throws ValidationError naming `benchmark` (length differs), `returns` (fewer than 2) or a non-finite value.
 * @example
 * ```ts
 * capmAlpha(fundReturns, marketReturns, { riskFree: 0.002 }) // 0.0031: 0.31% a month beyond beta x market
 * ```
 */
export function capmAlpha(returns: Series, benchmark: Series, config: CapmConfig = {}): number {
  const { riskFree } = parseWith(CapmConfigSchema, config);
  checkPaired(returns, benchmark);
  return excessRegression(returns, benchmark, riskFree).alpha;
}
