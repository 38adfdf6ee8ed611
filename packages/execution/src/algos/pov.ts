/**
 * POV (percentage of volume): after each bar (or trade) of the instrument time-stamped after the
 * parent's arrival, send a child of
 * `participation × (market volume since the last child) − (quantity already working)`, rounded down to
 * the lot and capped at what the parent has left. A child smaller than `minChildQuantity` is not sent
 * (the volume keeps accumulating) unless it is everything the parent has left. Stops when the parent
 * is filled; at `maxDurationMs` after the parent arrived it cancels its working children and stops,
 * leaving the rest unfilled. The unfilled quantity of a child that closes unfilled stops being
 * "working", so the next bar's child makes up for it.
 */
import type { Subscription } from 'rxjs';
import { z } from 'zod';
import { Decimal, ZERO, parseWith, roundQuantity, type PipelineContext, type TimerHandle } from '@rxtrade/core';
import { executionAlgorithm, type ExecutionAlgorithm } from './execution-algorithm';

const quantity = z
  .union([z.number(), z.string(), z.instanceof(Decimal as unknown as new (...a: never[]) => Decimal)])
  .transform((v, ctx) => {
    try {
      const d = new Decimal(v);
      if (d.isFinite() && d.gte(0)) return d;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: `must be a finite quantity >= 0, got ${JSON.stringify(String(v))}` });
    return z.NEVER;
  });

/**
 * Where {@link pov} reads market volume: bar volumes (default) or trade sizes.
 *
 * @example
 * ```ts
 * pov(ctx, { participation: 0.05, volumeSource: PovVolumeSource.TRADES });
 * ```
 */
export const PovVolumeSource = { BARS: 'bars', TRADES: 'trades' } as const;
export type PovVolumeSource = (typeof PovVolumeSource)[keyof typeof PovVolumeSource];

/**
 * Schema of {@link PovConfig}.
 *
 * @example
 * ```ts
 * parseWith(PovConfigSchema, { participation: 0.1 }, 'pov').volumeSource; // 'bars'
 * ```
 */
export const PovConfigSchema = z.strictObject({
  /** Target fraction of market volume, in (0, 1]. */
  participation: z.number().gt(0).max(1),
  /** Smallest child worth sending (default: one lot); a smaller one waits for more volume unless it completes the parent. */
  minChildQuantity: quantity.optional(),
  /** Stop after this many ms from the parent's arrival: working children are canceled, the rest is left unfilled. */
  maxDurationMs: z.number().int().positive().optional(),
  /** Count bar volumes (default) or trade sizes; do not mix both in one run. */
  volumeSource: z.enum([PovVolumeSource.BARS, PovVolumeSource.TRADES]).default(PovVolumeSource.BARS),
});
/** Options of {@link pov}. */
export type PovConfig = z.input<typeof PovConfigSchema>;

/**
 * A percentage-of-volume execution stage: each parent order (MARKET, or LIMIT whose price caps every
 * child) follows the instrument's traded volume at `participation`.
 *
 * @example
 * ```ts
 * // Buy 5000 shares as 10% of each minute bar's volume, for at most an hour
 * const pipeline: Pipeline = (ctx) =>
 *   ctx.market.bars(goog.id).pipe(
 *     take(1),
 *     map(() => ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 5000 })),
 *     pov(ctx, { participation: 0.1, maxDurationMs: 3_600_000 }),
 *   );
 * ```
 */
export function pov(ctx: PipelineContext, options: PovConfig): ExecutionAlgorithm {
  const c = parseWith(PovConfigSchema, options, 'pov');
  const participation = new Decimal(c.participation);
  return executionAlgorithm(ctx, 'pov', ['MARKET', 'LIMIT'], (handle) => {
    const p = handle.parent;
    const minChild = c.minChildQuantity ?? ZERO;
    let volumeSince: Decimal = ZERO;
    let market: Subscription | undefined;
    let deadline: TimerHandle | undefined;

    let arrival = -Infinity;

    const onVolume = (ts: number, volume: number): void => {
      // Only volume traded after the parent arrived counts: deterministic whatever the order in which
      // stages subscribed to the market, and no look-ahead into the bar being handled on arrival.
      if (handle.ended || ts <= arrival || !(volume > 0)) return;
      volumeSince = volumeSince.plus(volume);
      const unallocated = p.unallocated;
      if (unallocated.lte(0)) return;
      let due = roundQuantity(p.instrument, participation.mul(volumeSince).minus(p.working), 'down');
      if (due.lte(0)) return;
      if (due.gt(unallocated)) due = unallocated;
      if (due.lt(minChild) && due.lt(unallocated)) return;
      if (handle.send(due) !== undefined) volumeSince = ZERO;
    };

    return {
      start: () => {
        const id = p.instrument.id;
        arrival = ctx.clock.now();
        market =
          c.volumeSource === 'trades'
            ? ctx.market.trades(id).subscribe((t) => onVolume(t.ts, t.size))
            : ctx.market.bars(id).subscribe((b) => onVolume(b.ts, b.volume));
        if (c.maxDurationMs !== undefined) deadline = ctx.clock.setTimer(ctx.clock.now() + c.maxDurationMs, () => handle.stop());
      },
      dispose: () => {
        market?.unsubscribe();
        market = undefined;
        deadline?.cancel();
        deadline = undefined;
      },
    };
  });
}
