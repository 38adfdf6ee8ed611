/**
 * Keeps one instrument's L2 book, as ccxt's `watchOrderBook` maintains it, consistent on the way out:
 * the first update after a (re)subscription is an `OrderBookSnapshot`, the following ones are
 * `OrderBookDelta`s holding only the levels that changed (size 0: the level is gone), each with the
 * venue's sequence (ccxt's `nonce`). An update whose sequence goes backwards, or a book that comes out
 * crossed, is inconsistent: the caller resyncs from a fresh snapshot. ccxt itself checks the venue's
 * own sequence rules and checksums (Binance `U`/`u`/`pu`, OKX and Kraken CRC32) and rejects the watch
 * with a `ChecksumError` when they fail, which the caller treats the same way.
 */
import type { BookLevel, InstrumentId, OrderBookDelta, OrderBookSnapshot } from '@rxtrade/core';

/** A ccxt order book (`bids`/`asks` as `[price, amount]` pairs, best first). */
export interface CcxtBookLike {
  readonly bids: readonly (readonly (number | undefined)[])[];
  readonly asks: readonly (readonly (number | undefined)[])[];
  readonly nonce?: number | undefined;
  readonly timestamp?: number | undefined;
}

/** Why a book update was refused. */
export type BookInconsistency = { readonly reason: string };

const levels = (side: CcxtBookLike['bids'], depth: number): BookLevel[] => {
  const out: BookLevel[] = [];
  for (const l of side) {
    if (out.length >= depth) break;
    const price = l[0];
    const size = l[1];
    if (typeof price === 'number' && typeof size === 'number' && size > 0) out.push({ price, size });
  }
  return out;
};

function diff(previous: readonly BookLevel[], next: readonly BookLevel[]): BookLevel[] {
  const before = new Map(previous.map((l) => [l.price, l.size]));
  const after = new Map(next.map((l) => [l.price, l.size]));
  const out: BookLevel[] = [];
  for (const l of next) if (before.get(l.price) !== l.size) out.push(l);
  for (const l of previous) if (!after.has(l.price)) out.push({ price: l.price, size: 0 });
  return out;
}

/**
 * The book of one instrument as snapshots and deltas.
 *
 * @example
 * ```ts
 * const book = new BookSync(btc.id, 20);
 * const out = book.update(await exchange.watchOrderBook('BTC/USDT'), Date.now());
 * if ('reason' in out) console.warn('resync:', out.reason);
 * ```
 */
export class BookSync {
  private bids: BookLevel[] = [];
  private asks: BookLevel[] = [];
  private sequence: number | undefined;
  private synced = false;
  private counter = 0;

  constructor(
    readonly instrumentId: InstrumentId,
    readonly depth: number,
  ) {}

  /** Forgets the book: the next update is a snapshot. */
  reset(): void {
    this.synced = false;
    this.sequence = undefined;
    this.bids = [];
    this.asks = [];
  }

  /** The book as a snapshot, for `requestSnapshot`; undefined before the first update. */
  snapshot(ts: number): OrderBookSnapshot | undefined {
    if (!this.synced) return undefined;
    return { type: 'OrderBookSnapshot', instrumentId: this.instrumentId, ts, sequence: this.sequence ?? this.counter, bids: [...this.bids], asks: [...this.asks] };
  }

  /**
   * One update of ccxt's book: the event to publish (a snapshot first, then deltas; undefined when
   * nothing changed), or the inconsistency that calls for a resync.
   */
  update(book: CcxtBookLike, now: number): OrderBookSnapshot | OrderBookDelta | undefined | BookInconsistency {
    const bids = levels(book.bids, this.depth);
    const asks = levels(book.asks, this.depth);
    const nonce = typeof book.nonce === 'number' ? book.nonce : undefined;
    if (this.synced && nonce !== undefined && this.sequence !== undefined && nonce < this.sequence)
      return { reason: `sequence went back from ${this.sequence} to ${nonce}` };
    if (bids[0] !== undefined && asks[0] !== undefined && bids[0].price >= asks[0].price)
      return { reason: `book crossed: best bid ${bids[0].price} >= best ask ${asks[0].price}` };
    const ts = typeof book.timestamp === 'number' ? book.timestamp : now;
    const sequence = nonce ?? ++this.counter;
    if (!this.synced) {
      this.synced = true;
      this.bids = bids;
      this.asks = asks;
      this.sequence = sequence;
      return { type: 'OrderBookSnapshot', instrumentId: this.instrumentId, ts, sequence, bids, asks };
    }
    if (nonce !== undefined && nonce === this.sequence) return undefined;
    const db = diff(this.bids, bids);
    const da = diff(this.asks, asks);
    this.bids = bids;
    this.asks = asks;
    this.sequence = sequence;
    if (db.length === 0 && da.length === 0) return undefined;
    return { type: 'OrderBookDelta', instrumentId: this.instrumentId, ts, sequence, bids: db, asks: da };
  }
}
