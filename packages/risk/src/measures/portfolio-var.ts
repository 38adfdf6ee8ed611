/**
 * Gaussian (parametric) Value at Risk and expected shortfall of a portfolio from its covariance matrix:
 * sigma_p = sqrt(w' S w), VaR = w'mu + z(1-p) sigma_p, ES = w'mu - sigma_p phi(z)/(1-p), with the Euler
 * decomposition into component VaR, w_i mu_i + z w_i (S w)_i / sigma_p, which sums to the VaR (as
 * PerformanceAnalytics' `VaR.Gaussian.portfolio`). Weights may be fractions (a return) or money (a P&L).
 */
import { parseWith, ValidationError } from '@rxtrade/core';
import { z } from 'zod';
import { normalDensity, normalQuantile } from './normal';

/**
 * Schema of {@link PortfolioVarConfig}.
 *
 * @example
 * ```ts
 * parseWith(PortfolioVarConfigSchema, { p: 0.99, mean: [0.001, 0.0005] });
 * ```
 */
export const PortfolioVarConfigSchema = z.strictObject({
  p: z.number().gt(0.5).lt(1).default(0.95),
  /** Expected return of each asset per period; zero when omitted. */
  mean: z.array(z.number()).optional(),
});
/** Options of {@link portfolioVar}. */
export type PortfolioVarConfig = z.input<typeof PortfolioVarConfigSchema>;

/** Result of {@link portfolioVar}; VaR and ES are negative for a loss, as PerformanceAnalytics. */
export interface PortfolioVarResult {
  readonly var: number;
  readonly es: number;
  /** Portfolio standard deviation, sqrt(w' S w). */
  readonly sd: number;
  /** Component VaR per asset; sums to `var`. */
  readonly components: number[];
}

/**
 * Gaussian VaR and ES of a portfolio with weights (or exposures) `weights` and covariance `covariance`.
 *
 * @example
 * ```ts
 * portfolioVar([0.6, 0.4], [[0.0004, 0.0001], [0.0001, 0.0009]], { p: 0.99 }).var
 * ```
 */
export function portfolioVar(weights: readonly number[], covariance: readonly (readonly number[])[], config: PortfolioVarConfig = {}): PortfolioVarResult {
  const { p, mean } = parseWith(PortfolioVarConfigSchema, config, 'config');
  const k = weights.length;
  validateCovariance(covariance, k);
  weights.forEach((w, i) => {
    if (!Number.isFinite(w)) throw new ValidationError([{ path: ['weights', i], message: `must be a finite number, got ${w}` }]);
  });
  if (mean && mean.length !== k) throw new ValidationError([{ path: ['config', 'mean'], message: `has ${mean.length} entries, expected ${k}` }]);
  const sw = new Array<number>(k).fill(0);
  let variance = 0;
  for (let i = 0; i < k; i++) {
    const row = covariance[i]!;
    let s = 0;
    for (let j = 0; j < k; j++) s += row[j]! * weights[j]!;
    sw[i] = s;
    variance += weights[i]! * s;
  }
  const sd = Math.sqrt(Math.max(0, variance));
  const alpha = 1 - p;
  const zq = normalQuantile(alpha);
  let mu = 0;
  for (let i = 0; i < k; i++) mu += weights[i]! * (mean?.[i] ?? 0);
  const components = weights.map((w, i) => w * (mean?.[i] ?? 0) + (sd === 0 ? 0 : (zq * w * sw[i]!) / sd));
  return { var: mu + zq * sd, es: mu - (sd * normalDensity(zq)) / alpha, sd, components };
}

/** Throws a ValidationError unless `covariance` is a finite, symmetric k x k matrix. */
export function validateCovariance(covariance: readonly (readonly number[])[], k: number, field = 'covariance'): void {
  if (covariance.length !== k) throw new ValidationError([{ path: [field], message: `has ${covariance.length} rows, expected ${k}` }]);
  for (let i = 0; i < k; i++) {
    const row = covariance[i]!;
    if (row.length !== k) throw new ValidationError([{ path: [field, i], message: `has ${row.length} columns, expected ${k}` }]);
    for (let j = 0; j < k; j++) {
      const v = row[j]!;
      if (!Number.isFinite(v)) throw new ValidationError([{ path: [field, i, j], message: `must be a finite number, got ${v}` }]);
      const t = covariance[j]![i]!;
      if (Math.abs(v - t) > 1e-12 * Math.max(1, Math.abs(v))) throw new ValidationError([{ path: [field, i, j], message: `matrix is not symmetric (${v} vs ${t})` }]);
    }
    if (row[i]! < 0) throw new ValidationError([{ path: [field, i, i], message: `variance must be >= 0, got ${row[i]}` }]);
  }
}
