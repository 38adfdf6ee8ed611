/**
 * Matching of one working order against one bar, along the bar's intrabar path (see bar-path.ts):
 * - at the open: market orders fill at the open; triggers gapped through trigger there and fill at the
 *   open (not at the trigger); limits the open crosses (a BUY at or above the open) fill at the open;
 * - then segment by segment (open → nearer extreme → other extreme → close): a trigger reached on a
 *   segment triggers at its price and fills there (market) or becomes a limit that is taken at the
 *   trigger point when marketable, else rests; a resting limit fills at its price (maker) when the path
 *   goes through it ('through') or reaches it ('touch');
 * - at most `budget` units per bar (participation cap); IOC/FOK orders only at their first match point.
 */
import type { Bar } from '@rxtrade/core';
import { crossed, marketable, triggerHit, type MatchEngine } from './match-engine';
import type { WorkingOrder } from './working-order';

/**
 * Matches `order` against `bar`, whose path is `path` (from {@link barPath}), filling at most `budget`
 * units.
 *
 * @example
 * ```ts
 * matchBar(engine, order, bar, barPath(bar, new Float64Array(4)), Infinity);
 * ```
 */
export function matchBar(engine: MatchEngine, order: WorkingOrder, bar: Bar, path: Float64Array, budget: number): void {
  const first = !order.met;
  order.met = true;
  const ts = bar.ts;
  let cap = budget;
  const open = bar.open;
  if (!order.triggered) {
    if (order.trailing) engine.trail(order, open);
    if (triggerHit(order, open)) {
      engine.trigger(order, ts);
      cap -= atOpen(engine, order, bar, cap, true);
    }
  } else cap -= atOpen(engine, order, bar, cap, first);
  if (order.done || (order.immediate && order.triggered)) return;
  for (let i = 1; i < 4; i++) {
    const a = path[i - 1] as number;
    const b = path[i] as number;
    if (a === b) continue;
    if (!order.triggered) {
      // The extreme moves first: a rising segment raises a SELL trailing stop's trigger, and since the
      // path only checks the segment's end it cannot trigger on the way up.
      if (order.trailing) engine.trail(order, b);
      if (!triggerHit(order, b)) continue;
      const t = order.triggerNum;
      const exact = order.triggerPrice;
      engine.trigger(order, ts);
      if (cap > 0 && (order.isMarket || (!order.postOnly && marketable(order, t)))) cap -= engine.fillTaker(order, t, exact, cap, ts, bar, undefined);
      if (order.done || order.immediate || order.isMarket) return; // a capped market remainder waits for the next open
    }
    if (order.isLimit && cap > 0 && crossed(order, b, engine.through)) {
      cap -= engine.fillExact(order, order.price!, cap, 'MAKER', ts);
      if (order.done) return;
    }
  }
}

/** The open: market orders fill there; a limit the open crosses fills at the open. Returns the quantity filled. */
function atOpen(engine: MatchEngine, order: WorkingOrder, bar: Bar, cap: number, taker: boolean): number {
  if (cap <= 0) return 0;
  if (order.isMarket) return engine.fillOpen(order, bar, cap);
  if (!marketable(order, bar.open)) return 0;
  if (order.postOnly) {
    // Never a taker: filled by the opening cross at its own price when that lies inside the bar, else
    // at the open (which is better for it).
    const p = order.priceNum;
    const price = p <= bar.high && p >= bar.low ? order.price! : engine.openPrice(order, bar);
    return engine.fillExact(order, price, cap, 'MAKER', bar.ts);
  }
  if (taker) return engine.fillTaker(order, bar.open, engine.openPrice(order, bar), cap, bar.ts, bar, undefined);
  return engine.fillExact(order, engine.openPrice(order, bar), cap, 'MAKER', bar.ts);
}
