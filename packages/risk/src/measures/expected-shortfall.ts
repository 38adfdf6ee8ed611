/**
 * Expected shortfall (conditional VaR) of a return series with PerformanceAnalytics' conventions
 * (`ES(R, p, method)`, version 2.0.8), returned as a (negative) return:
 * - historical: the mean of the returns strictly below the type-7 quantile at 1 - p (`ES.historical`);
 * - gaussian: mean - sqrt(m2) phi(z) / (1-p) (`ES.Gaussian`);
 * - modified: the operational Cornish-Fisher ES of Boudt, Peterson and Croux (2008), as
 *   `operES.CornishFisher`: mean + sqrt(m2) min(-E/(1-p), h) with
 *   E = phi(h) (1 + h^3 S/6 + (h^6 - 9h^4 + 9h^2 + 3) S^2/72 + (h^4 - 2h^2 - 1) K/24).
 */
import { parseWith } from '@rxtrade/core';
import { sampleMoments } from './moments';
import { normalDensity, normalQuantile } from './normal';
import { quantileType7 } from './quantile';
import { RiskMeasureConfigSchema, type RiskMeasureConfig } from './risk-measure-config';
import { cornishFisherQuantile } from './value-at-risk';

/**
 * Expected shortfall of `returns` at confidence `p`, as a (negative) return.
 *
 * @example
 * ```ts
 * expectedShortfall(dailyReturns, { p: 0.95, method: 'gaussian' }) // e.g. -0.0477
 * ```
 */
export function expectedShortfall(returns: ArrayLike<number>, config: RiskMeasureConfig = {}): number {
  const { p, method } = parseWith(RiskMeasureConfigSchema, config, 'config');
  const m = sampleMoments(returns);
  const alpha = 1 - p;
  if (method === 'historical') {
    const q = quantileType7(returns, alpha);
    let sum = 0;
    let count = 0;
    for (let i = 0; i < returns.length; i++) {
      const r = returns[i]!;
      if (r < q) {
        sum += r;
        count++;
      }
    }
    // As PerformanceAnalytics: with no return below the quantile, ES is the VaR.
    return count === 0 ? q : sum / count;
  }
  const sd = Math.sqrt(m.m2);
  if (method === 'gaussian') return m.mean - (sd * normalDensity(normalQuantile(alpha))) / alpha;
  const h = cornishFisherQuantile(alpha, m);
  const s = m.skewness;
  const k = m.excessKurtosis;
  const h2 = h * h;
  const e = normalDensity(h) * (1 + (h2 * h * s) / 6 + ((h2 * h2 * h2 - 9 * h2 * h2 + 9 * h2 + 3) * s * s) / 72 + ((h2 * h2 - 2 * h2 - 1) * k) / 24);
  return m.mean + sd * Math.min(-e / alpha, h);
}
