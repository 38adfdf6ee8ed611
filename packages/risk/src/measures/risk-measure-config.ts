/**
 * Options shared by the Value at Risk and expected shortfall functions, validated with zod.
 */
import { z } from 'zod';

/**
 * Estimation methods, named as in PerformanceAnalytics (`modified` = Cornish-Fisher).
 *
 * @example
 * ```ts
 * valueAtRisk(returns, { method: RiskMeasureMethod.MODIFIED });
 * ```
 */
export const RiskMeasureMethod = { HISTORICAL: 'historical', GAUSSIAN: 'gaussian', MODIFIED: 'modified' } as const;
export type RiskMeasureMethod = (typeof RiskMeasureMethod)[keyof typeof RiskMeasureMethod];

/**
 * Schema of {@link RiskMeasureConfig}.
 *
 * @example
 * ```ts
 * parseWith(RiskMeasureConfigSchema, { p: 0.99 }) // { p: 0.99, method: 'historical' }
 * ```
 */
export const RiskMeasureConfigSchema = z.strictObject({
  /** Confidence level, as PerformanceAnalytics' `p` (0.95 = 95%). */
  p: z.number().gt(0.5).lt(1).default(0.95),
  method: z.enum(['historical', 'gaussian', 'modified']).default('historical'),
});
/**
 * Options of {@link valueAtRisk} and {@link expectedShortfall}.
 *
 * @example
 * ```ts
 * const options: RiskMeasureConfig = { p: 0.99, method: 'modified' };
 * ```
 */
export type RiskMeasureConfig = z.input<typeof RiskMeasureConfigSchema>;
