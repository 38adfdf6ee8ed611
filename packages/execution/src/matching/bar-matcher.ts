/**
 * Matching of working orders against one bar, along the bar's intrabar path (see bar-path.ts). The venue
 * walks the path step by step (the open, then each segment) and, at each step, every working order in
 * arrival order, so that what happens earlier on the path happens first: a stop-loss reached on the way
 * down fills (and its OUO/OCO sibling is canceled) before a take-profit that the bar only reaches later.
 * For each order:
 * - at the open: market orders fill at the open; triggers gapped through trigger there and fill at the
 *   open (not at the trigger); limits the open crosses (a BUY at or above the open) fill at the open;
 * - then segment by segment (open → nearer extreme → other extreme → close): a trigger reached on a
 *   segment triggers at its price and fills there (market) or becomes a limit that is taken at the
 *   trigger point when marketable, else rests; a resting limit fills at its price (maker) when the path
 *   goes through it ('through') or reaches it ('touch'); a limit already through its price where a
 *   segment starts (held back earlier on the bar) takes the market there;
 * - at most `budget` units per bar (participation cap); IOC/FOK orders only at their first match point.
 */
import type { Bar } from '@rxtrade/core';
import { crossed, marketable, triggerHit, type MatchEngine } from './match-engine';
import type { WorkingOrder } from './working-order';

/**
 * Prepares `order` to match on the bar of data sequence `seq`, filling at most `budget` units on it.
 *
 * @example
 * ```ts
 * beginBar(order, seq, Infinity);
 * ```
 */
export function beginBar(order: WorkingOrder, seq: number, budget: number): void {
  order.barFirst = !order.met;
  order.met = true;
  order.barSeq = seq;
  order.barCap = budget;
}

/**
 * One step of the path for one order: step 0 is the open, steps 1–3 the segments ending at `path[step]`.
 * Returns false when the order has nothing more to do on this bar (done, an IOC/FOK past its first
 * match, a market remainder capped until the next open).
 *
 * @example
 * ```ts
 * for (let step = 0; step < 4; step++) for (const o of orders) if (o.barSeq === seq && !matchBarStep(engine, o, bar, path, step)) o.barSeq = -1;
 * ```
 */
export function matchBarStep(engine: MatchEngine, order: WorkingOrder, bar: Bar, path: Float64Array, step: number): boolean {
  const ts = bar.ts;
  if (step === 0) {
    const open = bar.open;
    if (!order.triggered) {
      if (order.trailing) engine.trail(order, open);
      if (triggerHit(order, open)) {
        engine.trigger(order, ts);
        order.barCap -= atOpen(engine, order, bar, order.barCap, true);
      }
    } else order.barCap -= atOpen(engine, order, bar, order.barCap, order.barFirst);
    return !(order.done || (order.immediate && order.triggered));
  }
  const a = path[step - 1] as number;
  const b = path[step] as number;
  if (a === b) return true;
  if (!order.triggered) {
    // The extreme moves first: a rising segment raises a SELL trailing stop's trigger, and since the
    // path only checks the segment's end it cannot trigger on the way up.
    if (order.trailing) engine.trail(order, b);
    if (!triggerHit(order, b)) return true;
    const t = order.triggerNum;
    const exact = order.triggerPrice;
    engine.trigger(order, ts);
    if (order.barCap > 0 && (order.isMarket || (!order.postOnly && marketable(order, t)))) order.barCap -= engine.fillTaker(order, t, exact, order.barCap, ts, bar, undefined);
    if (order.done || order.immediate || order.isMarket) return false; // a capped market remainder waits for the next open
  }
  if (order.isLimit && order.barCap > 0) {
    if (order.buy ? a < order.priceNum : a > order.priceNum) {
      // Already through its price where the segment starts: the order was held back earlier on this bar
      // (a reduce-only order with no position yet, a participation cap) and takes the market at `a`.
      order.barCap -= engine.fillTaker(order, a, undefined, order.barCap, ts, bar, undefined);
    } else if (crossed(order, b, engine.through)) order.barCap -= engine.fillExact(order, order.price!, order.barCap, 'MAKER', ts);
    if (order.done) return false;
  }
  return true;
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
