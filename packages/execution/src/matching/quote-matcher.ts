/**
 * Matching of one working order against a top-of-book quote. A BUY looks at the ask (it takes there,
 * and its stops and if-touched triggers watch the ask); a SELL at the bid. Market orders, and limits that
 * are marketable when they arrive or trigger, take at the touch for at most the size still offered on
 * this quote; a resting limit fills at its price (maker) when the touch goes through it ('through') or
 * reaches it ('touch').
 */
import type { Quote } from '@rxtrade/core';
import { crossed, marketable, triggerHit, type MatchEngine } from './match-engine';
import type { WorkingOrder } from './working-order';

/**
 * Size still offered on one quote: what earlier orders took on it is not offered again. Infinity when
 * the quote carries no sizes.
 *
 * @example
 * ```ts
 * const liquidity: QuoteLiquidity = { bid: quote.bidSize > 0 ? quote.bidSize : Infinity, ask: quote.askSize > 0 ? quote.askSize : Infinity };
 * ```
 */
export interface QuoteLiquidity {
  bid: number;
  ask: number;
}

/**
 * Matches `order` against `quote`, taking from (and reducing) `liquidity`.
 *
 * @example
 * ```ts
 * matchQuote(engine, order, quote, { bid: quote.bidSize, ask: quote.askSize });
 * ```
 */
export function matchQuote(engine: MatchEngine, order: WorkingOrder, quote: Quote, liquidity: QuoteLiquidity): void {
  const first = !order.met;
  order.met = true;
  const touch = order.buy ? quote.ask : quote.bid;
  let arriving = first;
  if (!order.triggered) {
    if (order.trailing) engine.trail(order, touch);
    if (!triggerHit(order, touch)) return;
    engine.trigger(order, quote.ts);
    arriving = true;
  }
  if (order.isMarket || (arriving && !order.postOnly && marketable(order, touch))) {
    const available = order.buy ? liquidity.ask : liquidity.bid;
    if (available <= 0) return;
    const n = engine.fillTaker(order, touch, undefined, available, quote.ts, undefined, quote);
    if (order.buy) liquidity.ask -= n;
    else liquidity.bid -= n;
    return;
  }
  if (!order.immediate && crossed(order, touch, engine.through)) engine.fillExact(order, order.price!, Infinity, 'MAKER', quote.ts);
}
