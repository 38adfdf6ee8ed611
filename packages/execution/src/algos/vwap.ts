/**
 * VWAP: follows a historical intraday volume profile. The duration is split into `profile.length`
 * equal buckets; bucket k's child is sent at `start + k × durationMs / profile.length` and sized
 * `parent × profile[k] / Σprofile`, lot-rounded down with the remainder on the last bucket. A bucket
 * whose share rounds to zero sends nothing (unless it carries quantity redistributed from a child that
 * closed unfilled: see `scheduledRun`). Build the profile from past bars with `volumeProfile`.
 */
import { z } from 'zod';
import { parseWith, type PipelineContext } from '@rxtrade/core';
import { sliceTimes, splitQuantity } from './child-schedule';
import { executionAlgorithm, type ExecutionAlgorithm } from './execution-algorithm';
import { scheduledRun } from './scheduled-run';

/**
 * Schema of {@link VwapConfig}.
 *
 * @example
 * ```ts
 * parseWith(VwapConfigSchema, { durationMs: 3_600_000, profile: [0.4, 0.2, 0.1, 0.3] }, 'vwap');
 * ```
 */
export const VwapConfigSchema = z.strictObject({
  /** Time covered by the profile's buckets, in ms (> 0). */
  durationMs: z.number().int().positive(),
  /** Relative volume of each bucket (any scale: shares, fractions); non-negative, with a positive sum. */
  profile: z
    .array(z.number().finite().min(0))
    .min(1)
    .refine((p) => p.reduce((a, b) => a + b, 0) > 0, { message: 'must have a positive sum' }),
});
/** Options of {@link vwap}. */
export type VwapConfig = z.input<typeof VwapConfigSchema>;

/**
 * A VWAP execution stage: each parent order (MARKET, or LIMIT whose price caps every child) is sent
 * in one child per profile bucket, sized by the bucket's share of the profile.
 *
 * @example
 * ```ts
 * // 1000 shares over an hour, following 4 quarter-hour buckets: children of 400, 200, 100, 300
 * const stage = vwap(ctx, { durationMs: 3_600_000, profile: [4, 2, 1, 3] });
 * const pipeline: Pipeline = (ctx) => parents$.pipe(vwap(ctx, { durationMs: 3_600_000, profile: [4, 2, 1, 3] }));
 * ```
 */
export function vwap(ctx: PipelineContext, options: VwapConfig): ExecutionAlgorithm {
  const c = parseWith(VwapConfigSchema, options, 'vwap');
  return executionAlgorithm(ctx, 'vwap', ['MARKET', 'LIMIT'], (handle) => {
    const p = handle.parent;
    return scheduledRun(ctx, handle, sliceTimes(ctx.clock.now(), c.durationMs, c.profile.length), splitQuantity(p.quantity, c.profile, p.instrument.lotSize));
  });
}
