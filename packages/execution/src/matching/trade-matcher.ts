/**
 * Matching of one working order against a trade print at price x of size s. Triggers watch the trade
 * price; market orders (and limits marketable when they arrive or trigger) take at x; a resting BUY
 * limit at P fills at P (maker) when x < P ('through') or x <= P ('touch'), SELL mirrored. All orders
 * together fill at most s on one print.
 */
import type { Trade } from '@rxtrade/core';
import { crossed, marketable, triggerHit, type MatchEngine } from './match-engine';
import type { WorkingOrder } from './working-order';

/**
 * Matches `order` against `trade`, given the size of the print not yet used by earlier orders; returns
 * the quantity filled.
 *
 * @example
 * ```ts
 * let left = trade.size;
 * for (const order of working) left -= matchTrade(engine, order, trade, left);
 * ```
 */
export function matchTrade(engine: MatchEngine, order: WorkingOrder, trade: Trade, available: number): number {
  const first = !order.met;
  order.met = true;
  const x = trade.price;
  let arriving = first;
  if (!order.triggered) {
    if (order.trailing) engine.trail(order, x);
    if (!triggerHit(order, x)) return 0;
    engine.trigger(order, trade.ts);
    arriving = true;
  }
  if (available <= 0) return 0;
  if (order.isMarket || (arriving && !order.postOnly && marketable(order, x)))
    return engine.fillTaker(order, x, undefined, available, trade.ts, undefined, undefined);
  if (!order.immediate && crossed(order, x, engine.through)) return engine.fillExact(order, order.price!, available, 'MAKER', trade.ts);
  return 0;
}
