/**
 * Matching of one working order against an L2 order book after an update. Triggers watch the best ask
 * (BUY) or best bid (SELL). Market orders walk the levels (one fill per level); a limit that is
 * marketable when it arrives or triggers takes levels up to its price and rests with the remainder; a
 * resting limit fills at its own price (maker) against liquidity that has moved through it
 * (`OrderBook.consumeThrough`). Liquidity one order consumed is not offered to the next.
 */
import { decimalToNumber } from '@rxtrade/core';
import { triggerHit, type MatchEngine } from './match-engine';
import type { OrderBook } from './order-book';
import type { WorkingOrder } from './working-order';

/**
 * Matches `order` against `book` at time `ts`.
 *
 * @example
 * ```ts
 * book.apply(delta);
 * for (const order of working) matchBook(engine, order, book, delta.ts);
 * ```
 */
export function matchBook(engine: MatchEngine, order: WorkingOrder, book: OrderBook, ts: number): void {
  const first = !order.met;
  order.met = true;
  let arriving = first;
  if (!order.triggered) {
    const touch = order.buy ? book.bestAsk() : book.bestBid();
    if (Number.isNaN(touch)) return;
    if (order.trailing) engine.trail(order, touch);
    if (!triggerHit(order, touch)) return;
    engine.trigger(order, ts);
    arriving = true;
  }
  if (order.isMarket) {
    engine.takeBook(order, book, undefined, ts);
    return;
  }
  if (arriving && !order.postOnly) {
    engine.takeBook(order, book, order.priceNum, ts);
    return;
  }
  if (order.immediate) return;
  const cap = Math.min(order.leavesNum, engine.reduceCap(order));
  if (cap <= 0) return;
  const n = book.consumeThrough(order.command.side, order.priceNum, cap, decimalToNumber(order.instrument.lotSize));
  if (n > 0) engine.fillExact(order, order.price!, n, 'MAKER', ts);
}
