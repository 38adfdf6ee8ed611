/**
 * The message that rebalancing stages pass along: target weights of the portfolio's equity per
 * instrument, at a time.
 */
import type { InstrumentId } from '@rxtrade/core';
import { z } from 'zod';

/**
 * Target weights: the fraction of equity each instrument should hold (negative = short); what is not
 * allocated stays in cash. Instruments held but not listed are closed by `sizeToTargets`.
 *
 * @example
 * ```ts
 * const target: TargetWeights = { ts: clock.now(), weights: { [spy.id]: 0.6, [tlt.id]: 0.4 } };
 * ```
 */
export interface TargetWeights {
  /** When the target was set (epoch ms). */
  readonly ts: number;
  readonly weights: Readonly<Record<InstrumentId, number>>;
}

/**
 * Schema of {@link TargetWeights}: finite weights keyed by instrument id.
 *
 * @example
 * ```ts
 * parseWith(TargetWeightsSchema, { ts: 0, weights: { 'SPY.ARCA': 0.6 } }, 'target');
 * ```
 */
export const TargetWeightsSchema = z.strictObject({
  ts: z.number(),
  weights: z.record(z.string(), z.number()),
});
