import { parseWith } from '@rxtrade/core';
import { z } from 'zod';
import { mean, type Series } from './series';

/**
 * Schema of {@link SortinoRatioConfig}.
 *
 * @example
 * ```ts
 * parseWith(SortinoRatioConfigSchema, {}) // { mar: 0 }
 * ```
 */
export const SortinoRatioConfigSchema = z
  .strictObject({
    /** Minimum acceptable return PER PERIOD; default 0. */
    mar: z.number().default(0),
  })
  .default({ mar: 0 });
/**
 * Options of {@link sortinoRatio}.
 *
 * @example
 * ```ts
 * const config: SortinoRatioConfig = { mar: 0.0001 };
 * ```
 */
export type SortinoRatioConfig = z.input<typeof SortinoRatioConfigSchema>;

/**
 * Sortino ratio of simple period returns, PER PERIOD (not annualized), following R
 * PerformanceAnalytics `SortinoRatio(R, MAR)`: `mean(r - mar)` over the downside deviation
 * `sqrt(sum(min(r - mar, 0)^2) / n)`, where n counts ALL observations (PerformanceAnalytics
 * `DownsideDeviation(method = "full")`), not only those below the MAR.
 *
 * @param returns simple returns per period.
 * @param config `mar`, the minimum acceptable return per period (default 0).
 * @returns NaN for an empty series; Infinity when no return falls below the MAR and the mean exceeds it.
 * @example
 * ```ts
 * sortinoRatio(simpleReturns(closes)) // GOOG 2004-2008, daily: 0.1003
 * ```
 */
export function sortinoRatio(returns: Series, config: SortinoRatioConfig = {}): number {
  const { mar } = parseWith(SortinoRatioConfigSchema, config);
  const n = returns.length;
  if (n === 0) return NaN;
  let downside = 0;
  for (let i = 0; i < n; i++) {
    const d = returns[i]! - mar;
    if (d < 0) downside += d * d;
  }
  return (mean(returns) - mar) / Math.sqrt(downside / n);
}
