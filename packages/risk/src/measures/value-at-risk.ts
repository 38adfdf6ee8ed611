/**
 * Value at Risk of a return series with PerformanceAnalytics' conventions (`VaR(R, p, method)`, version
 * 2.0.8): the result is a return, negative for a loss.
 * - historical: the type-7 quantile of the returns at 1 - p (`VaR.historical`);
 * - gaussian: mean + z(1-p) sqrt(m2), population m2 (`VaR.Gaussian`);
 * - modified: Cornish-Fisher, mean + h sqrt(m2) with
 *   h = z + (z^2-1)S/6 + (z^3-3z)K/24 - (2z^3-5z)S^2/36 (`VaR.CornishFisher`; Favre and Galeano 2002).
 */
import { parseWith } from '@rxtrade/core';
import { sampleMoments, type SampleMoments } from './moments';
import { normalQuantile } from './normal';
import { quantileType7 } from './quantile';
import { RiskMeasureConfigSchema, type RiskMeasureConfig } from './risk-measure-config';

/**
 * Value at Risk of `returns` at confidence `p`, as a (negative) return.
 *
 * @example
 * ```ts
 * valueAtRisk(dailyReturns, { p: 0.95, method: 'historical' }) // e.g. -0.0334
 * ```
 */
export function valueAtRisk(returns: ArrayLike<number>, config: RiskMeasureConfig = {}): number {
  const { p, method } = parseWith(RiskMeasureConfigSchema, config, 'config');
  const m = sampleMoments(returns);
  if (method === 'historical') return quantileType7(returns, 1 - p);
  if (method === 'gaussian') return m.mean + normalQuantile(1 - p) * Math.sqrt(m.m2);
  return m.mean + cornishFisherQuantile(1 - p, m) * Math.sqrt(m.m2);
}

/**
 * The Cornish-Fisher adjusted standard normal quantile at `alpha` for the sample's skewness and kurtosis.
 *
 * @example
 * ```ts
 * cornishFisherQuantile(0.05, sampleMoments(returns)) // -1.6449 for normal data
 * ```
 */
export function cornishFisherQuantile(alpha: number, m: Pick<SampleMoments, 'skewness' | 'excessKurtosis'>): number {
  const z = normalQuantile(alpha);
  const s = m.skewness;
  const k = m.excessKurtosis;
  return z + ((z * z - 1) * s) / 6 + ((z * z * z - 3 * z) * k) / 24 - ((2 * z * z * z - 5 * z) * s * s) / 36;
}
