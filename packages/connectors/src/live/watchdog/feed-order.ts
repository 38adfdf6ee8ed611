/**
 * The ordering rule of one subscription's cleaned feed: an event passes only when it comes after the
 * last one passed, so the output never repeats or goes back. Only the last position is kept (plus, for
 * trades and quotes, the events already passed at that same millisecond), so memory does not grow with
 * the length of the stream.
 */
import type { MarketData } from '@rxtrade/core';

/** What {@link FeedOrder.check} decided about an event. */
export type FeedVerdict = 'pass' | 'duplicate' | 'outOfOrder';

/**
 * The position of the last event passed on one subscription, and the rule that admits the next one.
 *
 * - Bars: `ts` must increase (a bar is identified by its open time).
 * - Book snapshots and deltas: `sequence` must increase (a delta at or below a snapshot's sequence is
 *   already in it).
 * - Trades: `ts` must not decrease; at the same `ts`, a trade id already passed is a duplicate.
 * - Quotes: `ts` must not decrease; at the same `ts`, a quote with the same prices and sizes as one
 *   already passed is a duplicate.
 *
 * An event at the last position is a duplicate, one before it is out of order. With only the last
 * position kept, a late copy of an event older than the last one counts as out of order.
 *
 * @example
 * ```ts
 * const order = new FeedOrder();
 * order.check(bar(60_000)); // 'pass'
 * order.check(bar(60_000)); // 'duplicate'
 * order.check(bar(0));      // 'outOfOrder'
 * ```
 */
export class FeedOrder {
  private ts = -Infinity;
  private sequence = -Infinity;
  /** Trade ids or quote fingerprints passed at `ts` (trades and quotes only). */
  private readonly atTs = new Set<string>();
  private passedAny = false;

  /** The `ts` of the last event passed; undefined before the first. */
  get lastTs(): number | undefined {
    return this.passedAny ? this.ts : undefined;
  }

  /** Decides about `event` and, when it passes, moves the position to it. */
  check(event: MarketData): FeedVerdict {
    switch (event.type) {
      case 'Bar':
        if (event.ts === this.ts) return 'duplicate';
        if (event.ts < this.ts) return 'outOfOrder';
        this.ts = event.ts;
        break;
      case 'OrderBookSnapshot':
      case 'OrderBookDelta':
        if (event.sequence === this.sequence) return 'duplicate';
        if (event.sequence < this.sequence) return 'outOfOrder';
        this.sequence = event.sequence;
        this.ts = Math.max(this.ts, event.ts);
        break;
      default: {
        if (event.ts < this.ts) return 'outOfOrder';
        const id = event.type === 'Trade' ? event.tradeId : `${event.bid} ${event.ask} ${event.bidSize} ${event.askSize}`;
        if (event.ts === this.ts) {
          if (this.atTs.has(id)) return 'duplicate';
        } else {
          this.atTs.clear();
          this.ts = event.ts;
        }
        this.atTs.add(id);
      }
    }
    this.passedAny = true;
    return 'pass';
  }
}
