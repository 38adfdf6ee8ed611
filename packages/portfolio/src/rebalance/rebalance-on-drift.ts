/**
 * Threshold rebalancing: pass target weights on only when the portfolio has drifted outside its bands.
 */
import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import { parseWith, type InstrumentId } from '@rxtrade/core';
import { z } from 'zod';
import type { TargetWeights } from './target-weights';

/**
 * Schema of {@link RebalanceOnDriftConfig}.
 *
 * @example
 * ```ts
 * parseWith(RebalanceOnDriftConfigSchema, { absolute: 0.05, relative: 0.25, current: () => currentWeights(ctx.ledger, ctx.instruments) });
 * ```
 */
export const RebalanceOnDriftConfigSchema = z
  .strictObject({
    /** Band in weight points: rebalance when `|current - target| > absolute` (0.05 = 5 points). */
    absolute: z.number().positive().optional(),
    /** Band relative to the target: rebalance when `|current - target| > relative x |target|` (0.25 = 25%). */
    relative: z.number().positive().optional(),
    /** The portfolio's weights now, such as `() => currentWeights(ctx.ledger, ctx.instruments)`. */
    current: z.custom<() => Readonly<Record<string, number>>>((v) => typeof v === 'function', 'must be a function returning the current weights'),
  })
  .refine((c) => c.absolute !== undefined || c.relative !== undefined, { message: 'give an absolute or a relative band (or both)', path: ['absolute'] });

/**
 * Options of {@link rebalanceOnDrift}.
 *
 * @example
 * ```ts
 * const bands: RebalanceOnDriftConfig = { absolute: 0.05, relative: 0.25, current: () => currentWeights(ctx.ledger, ctx.instruments) };
 * ```
 */
export type RebalanceOnDriftConfig = z.input<typeof RebalanceOnDriftConfigSchema>;

/**
 * Threshold (drift-band) rebalancing stage: for each incoming target (send one on every bar, or as often
 * as drift should be checked), emits it only when some instrument's current weight lies outside its band
 * around the target: `|current - target| > absolute`, or `> relative x |target|` (the "5/25" rule is
 * `{ absolute: 0.05, relative: 0.25 }`). An instrument held but not in the target counts with target 0.
 *
 * @example
 * ```ts
 * const orders$ = everyBar$.pipe(
 *   map((bar) => ({ ts: bar.ts, weights: policy })),
 *   rebalanceOnDrift({ absolute: 0.05, current: () => currentWeights(ctx.ledger, ctx.instruments) }),
 *   sizeToTargets({ ledger: ctx.ledger, orderFactory: ctx.orderFactory, instruments: ctx.instruments }),
 * );
 * ```
 */
export function rebalanceOnDrift(config: RebalanceOnDriftConfig): MonoTypeOperatorFunction<TargetWeights> {
  const c = parseWith(RebalanceOnDriftConfigSchema, config, 'rebalanceOnDrift');
  return filter((target) => outsideBands(target.weights, c.current(), c.absolute, c.relative));
}

function outsideBands(target: Readonly<Record<InstrumentId, number>>, current: Readonly<Record<string, number>>, absolute: number | undefined, relative: number | undefined): boolean {
  const breach = (t: number, w: number): boolean => {
    const gap = Math.abs(w - t);
    return (absolute !== undefined && gap > absolute) || (relative !== undefined && gap > relative * Math.abs(t));
  };
  for (const id of Object.keys(target)) if (breach(target[id as InstrumentId]!, current[id] ?? 0)) return true;
  for (const id of Object.keys(current)) if (!(id in target) && breach(0, current[id]!)) return true;
  return false;
}
