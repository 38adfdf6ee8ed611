/**
 * Exponentially weighted (EWMA) covariance, as RiskMetrics (J.P. Morgan/Reuters, Technical Document,
 * 1996, section 5.2): observation t of T gets weight proportional to `lambda^(T-1-t)`, the weights
 * normalised to sum to 1 (the finite-sample form of `S_t = lambda S_{t-1} + (1 - lambda) r_t r_t'`).
 * Returns are taken as zero-mean, as RiskMetrics does, unless `center` is set, which subtracts the
 * same-weighted mean first (pandas `ewm(alpha = 1 - lambda).cov(bias = True)`).
 */
import { parseWith } from '@rxtrade/core';
import { z } from 'zod';
import type { MatrixInput } from '../optimizer-inputs';
import { parseReturns } from './sample-covariance';

/**
 * Schema of {@link EwmaCovarianceConfig}.
 *
 * @example
 * ```ts
 * parseWith(EwmaCovarianceConfigSchema, {}) // { decay: 0.94, center: false }
 * ```
 */
export const EwmaCovarianceConfigSchema = z
  .strictObject({
    /** The decay lambda in (0, 1); RiskMetrics uses 0.94 for daily and 0.97 for monthly data. */
    decay: z.number().gt(0).lt(1).default(0.94),
    /** Subtract the exponentially weighted mean first; default false (zero mean, as RiskMetrics). */
    center: z.boolean().default(false),
  })
  .default({ decay: 0.94, center: false });
/**
 * Options of {@link ewmaCovariance}.
 *
 * @example
 * ```ts
 * const monthly: EwmaCovarianceConfig = { decay: 0.97 };
 * ```
 */
export type EwmaCovarianceConfig = z.input<typeof EwmaCovarianceConfigSchema>;

/**
 * EWMA covariance of returns (rows = observations oldest first, columns = assets).
 *
 * @example
 * ```ts
 * const sigma = ewmaCovariance(dailyReturns, { decay: 0.94 });
 * ```
 */
export function ewmaCovariance(returns: MatrixInput, config?: EwmaCovarianceConfig): Float64Array[] {
  const { decay, center } = parseWith(EwmaCovarianceConfigSchema, config);
  const rows = parseReturns(returns);
  const T = rows.length;
  const p = rows[0]!.length;
  const weights = new Float64Array(T);
  let total = 0;
  for (let t = T - 1, w = 1; t >= 0; t--, w *= decay) {
    weights[t] = w;
    total += w;
  }
  for (let t = 0; t < T; t++) weights[t]! /= total;
  const mean = new Float64Array(p);
  if (center) for (let t = 0; t < T; t++) for (let j = 0; j < p; j++) mean[j]! += weights[t]! * rows[t]![j]!;
  const out = Array.from({ length: p }, () => new Float64Array(p));
  const x = new Float64Array(p);
  for (let t = 0; t < T; t++) {
    const row = rows[t]!;
    const w = weights[t]!;
    for (let j = 0; j < p; j++) x[j] = row[j]! - mean[j]!;
    for (let i = 0; i < p; i++) {
      const wi = w * x[i]!;
      const target = out[i]!;
      for (let j = i; j < p; j++) target[j]! += wi * x[j]!;
    }
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) out[i]![j] = out[j]![i]!;
  return out;
}
