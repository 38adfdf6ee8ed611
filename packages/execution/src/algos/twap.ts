/**
 * TWAP (time-weighted average price): the parent is cut into `slices` equal children sent at
 * `start + k × durationMs / slices` (k = 0 … slices − 1, times rounded down to the millisecond), each
 * lot-rounded down with the remainder on the last. A child that closes unfilled has its unfilled
 * quantity added to the next slice (see `scheduledRun`).
 */
import { z } from 'zod';
import { parseWith, type PipelineContext } from '@rxtrade/core';
import { sliceTimes, splitQuantity } from './child-schedule';
import { executionAlgorithm, type ExecutionAlgorithm } from './execution-algorithm';
import { scheduledRun } from './scheduled-run';

/**
 * Schema of {@link TwapConfig}.
 *
 * @example
 * ```ts
 * parseWith(TwapConfigSchema, { durationMs: 600_000, slices: 10 }, 'twap');
 * ```
 */
export const TwapConfigSchema = z.strictObject({
  /** Time from the parent's arrival to the last slice's period end, in ms (> 0). */
  durationMs: z.number().int().positive(),
  /** Number of equal children (>= 1). */
  slices: z.number().int().min(1),
});
/** Options of {@link twap}. */
export type TwapConfig = z.input<typeof TwapConfigSchema>;

/**
 * A TWAP execution stage: each parent order (MARKET, or LIMIT whose price caps every child) becomes
 * `slices` equal children spread evenly over `durationMs` on the context's clock.
 *
 * @example
 * ```ts
 * // 1000 shares in 4 children of 250 at t0, t0 + 15 min, t0 + 30 min, t0 + 45 min
 * const pipeline: Pipeline = (ctx) =>
 *   ctx.market.bars(goog.id).pipe(
 *     take(1),
 *     map(() => ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1000 })),
 *     twap(ctx, { durationMs: 3_600_000, slices: 4 }),
 *   );
 * ```
 */
export function twap(ctx: PipelineContext, options: TwapConfig): ExecutionAlgorithm {
  const c = parseWith(TwapConfigSchema, options, 'twap');
  const weights = new Array<number>(c.slices).fill(1);
  return executionAlgorithm(ctx, 'twap', ['MARKET', 'LIMIT'], (handle) => {
    const p = handle.parent;
    return scheduledRun(ctx, handle, sliceTimes(ctx.clock.now(), c.durationMs, c.slices), splitQuantity(p.quantity, weights, p.instrument.lotSize));
  });
}
