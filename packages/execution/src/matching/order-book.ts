/**
 * The simulated venue's L2 order book for one instrument. It is maintained from market data
 * (`OrderBookSnapshot` replaces the book, `OrderBookDelta` changes levels) and remembers the liquidity
 * our own simulated orders consumed, so that one order's fills are not offered again to the next order
 * (the book in the feed does not contain our trades, so without this memory every order would fill
 * against the same displayed size).
 *
 * Consumption rules (what makes consumed liquidity visible again):
 * - a snapshot replaces both sides and clears all consumption;
 * - a delta level whose size changes replaces that level's size and clears its consumption (the feed
 *   reports a new state of the level: we take it as it is);
 * - a delta level that repeats the current size leaves its consumption in place (nothing new
 *   arrived at that price), and levels a delta does not name keep theirs;
 * - a delta level of size 0 removes the level.
 *
 * Sizes are plain numbers (market data); sizes at or below 1e-12 count as empty. Returned sizes are
 * cleaned of binary residue (`0.1 + 0.2` comes back as `0.3`): rounded to the lot's decimals when a
 * lot size is given, otherwise to 14 significant digits of the level's or the order's size.
 */
import { ValidationError, type BookLevel, type InstrumentId, type OrderBookDelta, type OrderBookSnapshot, type OrderSide } from '@rxtrade/core';

/**
 * Which side of an L2 book: `'BID'` (buyers' resting orders) or `'ASK'` (sellers').
 *
 * @example
 * ```ts
 * const side: BookSide = 'ASK';
 * book.levels(side, 5); // the five best asks
 * ```
 */
export type BookSide = 'BID' | 'ASK';

/** Sizes at or below this are treated as empty (float residue of `size - consumed`). */
const SIZE_EPSILON = 1e-12;
/** Added before flooring to a lot so that `0.3 / 0.1 = 2.9999999999999996` counts as 3 lots. */
const LOT_EPSILON = 1e-9;

/** Significant digits kept, relative to the operands' magnitude, when cleaning binary residue. */
const SIGNIFICANT_DIGITS = 14;

/**
 * Rounds `x` to {@link SIGNIFICANT_DIGITS} significant digits of `ref` (the magnitude of the operands
 * `x` came from). Binary residue such as 0.30000000000000004 or `1000 - 999.9 = 0.10000000000002274`
 * is an error relative to the operands, not to the result, so the grid is set by `ref`.
 */
function roundSize(x: number, ref: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const m = Math.abs(x) > ref ? Math.abs(x) : ref;
  const decimals = SIGNIFICANT_DIGITS - Math.ceil(Math.log10(m));
  if (decimals >= 0) {
    const scale = decimals < POW10.length ? POW10[decimals]! : 10 ** decimals;
    return Math.round(x * scale) / scale;
  }
  const scale = -decimals < POW10.length ? POW10[-decimals]! : 10 ** -decimals;
  return Math.round(x / scale) * scale;
}

/** 1, 10, ..., 1e22: the powers of ten a double holds exactly (`10 ** n` in a hot loop is slow). */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/** Decimal places of a lot size such as 0.001 (3) or 1e-8 (8); at most 15. */
function decimalsOf(lot: number): number {
  for (let d = 0; d < 15; d++) {
    const scaled = lot * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) <= 1e-9 * scaled) return d;
  }
  return 15;
}

/** A lot size with its decimal scale, so that `k` lots are computed as the exact integer `k * units`. */
interface Lot {
  readonly size: number;
  readonly scale: number;
  readonly units: number;
}

function lotOf(size: number): Lot {
  const scale = 10 ** decimalsOf(size);
  return { size, scale, units: Math.round(size * scale) };
}

/** Floors `size` to a whole number of lots, tolerating binary residue (0.3 / 0.1 = 2.9999999999999996). */
function floorToLot(size: number, lot: Lot): number {
  const k = Math.floor(size / lot.size + LOT_EPSILON);
  return (k * lot.units) / lot.scale;
}

/**
 * One side of the book as parallel arrays sorted best first (bids by descending, asks by ascending
 * price), with the size the feed reports and the amount our orders consumed per level.
 */
class BookHalf {
  readonly prices: number[] = [];
  readonly sizes: number[] = [];
  readonly consumed: number[] = [];

  constructor(readonly descending: boolean) {}

  clear(): void {
    this.prices.length = 0;
    this.sizes.length = 0;
    this.consumed.length = 0;
  }

  /** First index whose price is at or behind `price` in this side's order (binary search). */
  lowerBound(price: number): number {
    const prices = this.prices;
    let lo = 0;
    let hi = prices.length;
    if (this.descending) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (prices[mid]! > price) lo = mid + 1;
        else hi = mid;
      }
    } else {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (prices[mid]! < price) lo = mid + 1;
        else hi = mid;
      }
    }
    return lo;
  }

  /** Sets a level's size from a delta: 0 removes it, a changed size clears its consumption. */
  set(price: number, size: number): void {
    const i = this.lowerBound(price);
    const exists = i < this.prices.length && this.prices[i] === price;
    if (size === 0) {
      if (exists) {
        this.prices.splice(i, 1);
        this.sizes.splice(i, 1);
        this.consumed.splice(i, 1);
      }
      return;
    }
    if (exists) {
      if (this.sizes[i] !== size) {
        this.sizes[i] = size;
        this.consumed[i] = 0;
      }
      return;
    }
    this.prices.splice(i, 0, price);
    this.sizes.splice(i, 0, size);
    this.consumed.splice(i, 0, 0);
  }

  /** Best price with unconsumed size, NaN when none. */
  best(): number {
    const n = this.prices.length;
    for (let i = 0; i < n; i++) if (this.sizes[i]! - this.consumed[i]! > SIZE_EPSILON) return this.prices[i]!;
    return Number.NaN;
  }

  /** Best price the feed reports (ignoring consumption), NaN when the side is empty. */
  rawBest(): number {
    return this.prices.length > 0 ? this.prices[0]! : Number.NaN;
  }

  /** Whether `price` is acceptable to an aggressor whose limit is `limit` (inclusive unless `strict`). */
  acceptable(price: number, limit: number, strict: boolean): boolean {
    // Asks are taken by buyers (price <= limit), bids by sellers (price >= limit).
    if (this.descending) return strict ? price > limit : price >= limit;
    return strict ? price < limit : price <= limit;
  }

  /**
   * Consumes up to `quantity` best first at acceptable prices; pushes each fill to `out` when given
   * and returns the total consumed; with a `lot`, every fill is a whole number of lots.
   */
  consume(quantity: number, limit: number, strict: boolean, lot: Lot | undefined, out: BookLevel[] | undefined): number {
    let remaining = quantity;
    let total = 0;
    const n = this.prices.length;
    for (let i = 0; i < n && remaining > SIZE_EPSILON; i++) {
      const price = this.prices[i]!;
      if (!this.acceptable(price, limit, strict)) break;
      const available = this.sizes[i]! - this.consumed[i]!;
      if (available <= SIZE_EPSILON) continue;
      const size = this.sizes[i]!;
      // Residue of `available` is relative to the level's size, residue of `remaining` to the order's.
      let q = available < remaining ? roundSize(available, size) : roundSize(remaining, quantity);
      if (lot !== undefined) q = floorToLot(q, lot);
      if (q <= SIZE_EPSILON) continue; // less than one lot left here: leave it, keep walking
      const left = size - (this.consumed[i]! + q);
      // Snap to fully consumed when only residue would be left, so the level reads as empty.
      this.consumed[i] = left <= SIZE_EPSILON ? size : this.consumed[i]! + q;
      remaining = roundSize(remaining - q, quantity);
      total += q;
      if (out !== undefined) out.push({ price, size: q });
    }
    return roundSize(total, quantity);
  }

  /** Unconsumed size at acceptable prices. */
  available(limit: number): number {
    let total = 0;
    let shown = 0;
    const n = this.prices.length;
    for (let i = 0; i < n; i++) {
      if (!this.acceptable(this.prices[i]!, limit, false)) break;
      const a = this.sizes[i]! - this.consumed[i]!;
      if (a > SIZE_EPSILON) {
        total += a;
        shown += this.sizes[i]!;
      }
    }
    return roundSize(total, shown);
  }

  levels(depth: number): BookLevel[] {
    const out: BookLevel[] = [];
    const n = this.prices.length;
    for (let i = 0; i < n && out.length < depth; i++) {
      const a = this.sizes[i]! - this.consumed[i]!;
      if (a > SIZE_EPSILON) out.push({ price: this.prices[i]!, size: roundSize(a, this.sizes[i]!) });
    }
    return out;
  }
}

/** Index of the last change at `price`, -1 when none. */
function lastChangeAt(changes: readonly BookLevel[], price: number): number {
  for (let j = changes.length - 1; j >= 0; j--) if (changes[j]!.price === price) return j;
  return -1;
}

function invalid(path: readonly (string | number)[], message: string): ValidationError {
  return new ValidationError([{ path, message }]);
}

function checkLevels(levels: readonly BookLevel[], side: 'bids' | 'asks', sorted: boolean): void {
  let previous = Number.NaN;
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    const { price, size } = level;
    if (typeof price !== 'number' || !Number.isFinite(price) || price <= 0) throw invalid([side, i, 'price'], `must be a finite number > 0, got ${price}`);
    if (typeof size !== 'number' || !Number.isFinite(size) || size < 0) throw invalid([side, i, 'size'], `must be a finite number >= 0, got ${size}`);
    if (sorted && i > 0) {
      if (side === 'bids' ? price >= previous : price <= previous)
        throw invalid([side, i, 'price'], `${side} must be sorted by ${side === 'bids' ? 'descending' : 'ascending'} price (${price} after ${previous})`);
    }
    previous = price;
  }
}

/**
 * The simulated venue's L2 book for one instrument, maintained from snapshots and deltas, that
 * remembers the liquidity our own orders consumed.
 *
 * @example
 * ```ts
 * const book = new OrderBook(instrumentId('BTC-PERP.SIM'));
 * book.apply({ type: 'OrderBookSnapshot', instrumentId: book.instrumentId, ts: 0, sequence: 1,
 *   bids: [{ price: 99, size: 2 }], asks: [{ price: 100, size: 1 }, { price: 101, size: 3 }] });
 * book.take('BUY', 2);  // [{ price: 100, size: 1 }, { price: 101, size: 1 }]
 * book.bestAsk();       // 101: the 100 level was consumed
 * book.available('BUY'); // 2
 * ```
 */
export class OrderBook {
  /** The instrument this book is for; updates for any other instrument are refused. */
  readonly instrumentId: InstrumentId;
  private readonly bids = new BookHalf(true);
  private readonly asks = new BookHalf(false);
  private lastTs = Number.NaN;
  private lastSequence = Number.NEGATIVE_INFINITY;
  /** The last lot size seen, with its decimal scale (one instrument: nearly always the same lot). */
  private lastLot: Lot | undefined = undefined;

  /**
   * Creates an empty book for `instrumentId`.
   *
   * @example
   * ```ts
   * const book = new OrderBook(instrumentId('ETH-USDT.BINANCE'));
   * book.bestBid(); // NaN until a snapshot or delta arrives
   * ```
   */
  constructor(instrumentId: InstrumentId) {
    this.instrumentId = instrumentId;
  }

  /**
   * Last applied update's `ts` (epoch ms), NaN before any.
   *
   * @example
   * ```ts
   * book.apply(snapshot);
   * book.ts === snapshot.ts; // true
   * ```
   */
  get ts(): number {
    return this.lastTs;
  }

  /**
   * Last applied update's `sequence`, `-Infinity` before any.
   *
   * @example
   * ```ts
   * book.apply({ ...snapshot, sequence: 7 });
   * book.sequence; // 7
   * ```
   */
  get sequence(): number {
    return this.lastSequence;
  }

  /**
   * Applies a snapshot (replaces both sides, clears all consumption) or a delta (size 0 removes the
   * level; a level whose size changes clears its consumption). Updates whose `sequence` is not newer
   * than the last applied one are ignored.
   *
   * @returns true when applied, false when ignored as stale.
   * @throws ValidationError naming the field: another instrument, a non-finite sequence or ts, a
   *   price that is not finite and positive, a size that is not finite and >= 0, an unsorted snapshot,
   *   or an update that would leave the book crossed (best bid >= best ask).
   * @example
   * ```ts
   * book.apply({ type: 'OrderBookDelta', instrumentId: book.instrumentId, ts: 5, sequence: 2,
   *   bids: [{ price: 99, size: 0 }], asks: [{ price: 100, size: 4 }] }); // true
   * ```
   */
  apply(update: OrderBookSnapshot | OrderBookDelta): boolean {
    if (update.instrumentId !== this.instrumentId)
      throw invalid(['instrumentId'], `update for ${String(update.instrumentId)} applied to the book of ${this.instrumentId}`);
    if (typeof update.sequence !== 'number' || !Number.isFinite(update.sequence)) throw invalid(['sequence'], `must be a finite number, got ${update.sequence}`);
    if (typeof update.ts !== 'number' || !Number.isFinite(update.ts)) throw invalid(['ts'], `must be a finite number, got ${update.ts}`);
    const snapshot = update.type === 'OrderBookSnapshot';
    checkLevels(update.bids, 'bids', snapshot);
    checkLevels(update.asks, 'asks', snapshot);
    if (update.sequence <= this.lastSequence) return false;

    if (snapshot) {
      const bestBid = update.bids.find((l) => l.size > 0);
      const bestAsk = update.asks.find((l) => l.size > 0);
      if (bestBid !== undefined && bestAsk !== undefined && bestBid.price >= bestAsk.price)
        throw invalid(['bids', update.bids.indexOf(bestBid), 'price'], `book is crossed: best bid ${bestBid.price} >= best ask ${bestAsk.price}`);
      this.load(this.bids, update.bids);
      this.load(this.asks, update.asks);
    } else {
      this.checkDeltaCrossing(update);
      for (const level of update.bids) this.bids.set(level.price, level.size);
      for (const level of update.asks) this.asks.set(level.price, level.size);
    }
    this.lastTs = update.ts;
    this.lastSequence = update.sequence;
    return true;
  }

  /**
   * Best bid price with unconsumed size, NaN when the bid side is empty.
   *
   * @example
   * ```ts
   * const spread = book.bestAsk() - book.bestBid();
   * ```
   */
  bestBid(): number {
    return this.bids.best();
  }

  /**
   * Best ask price with unconsumed size, NaN when the ask side is empty.
   *
   * @example
   * ```ts
   * const mid = (book.bestBid() + book.bestAsk()) / 2;
   * ```
   */
  bestAsk(): number {
    return this.asks.best();
  }

  /**
   * Visible levels of a side, best first, with sizes net of consumption; levels with nothing left are
   * omitted. Allocates: not for hot paths.
   *
   * @param n at most this many levels (all when omitted).
   * @example
   * ```ts
   * book.levels('BID', 3); // [{ price: 99, size: 2 }, { price: 98, size: 5 }, ...]
   * ```
   */
  levels(side: BookSide, n?: number): BookLevel[] {
    if (n !== undefined && (Number.isNaN(n) || n < 0)) throw invalid(['n'], `must be a number >= 0, got ${n}`);
    return (side === 'BID' ? this.bids : this.asks).levels(n ?? Number.POSITIVE_INFINITY);
  }

  /**
   * Unconsumed size an aggressor could take at prices up to `limitPrice` inclusive ('BUY' takes asks
   * priced <= limit, 'SELL' takes bids priced >= limit); every level when `limitPrice` is omitted.
   *
   * @example
   * ```ts
   * if (book.available('BUY', 101) >= 5) book.take('BUY', 5, 101); // fills in full
   * ```
   */
  available(aggressor: OrderSide, limitPrice?: number): number {
    const half = aggressor === 'BUY' ? this.asks : this.bids;
    return half.available(this.limitOf(half, limitPrice));
  }

  /**
   * Takes up to `quantity` as an aggressor ('BUY' takes asks, 'SELL' takes bids), walking levels best
   * first and only at prices up to `limitPrice` inclusive when given. The liquidity taken is marked
   * consumed, so it is offered to no later order until a snapshot, or a delta that changes that
   * level's size, replaces it.
   *
   * @param lotSize when given, every fill is floored to a whole number of lots; a level with less than
   *   one lot left (or the order's remainder below one lot) is left unconsumed.
   * @returns the fills best first; their sizes sum to at most `quantity` (empty when nothing is available).
   * @example
   * ```ts
   * // asks 100 x 1, 101 x 3
   * book.take('BUY', 2.5, 101); // [{ price: 100, size: 1 }, { price: 101, size: 1.5 }]
   * book.take('BUY', 5, 101);   // [{ price: 101, size: 1.5 }]: the rest of 101
   * ```
   */
  take(aggressor: OrderSide, quantity: number, limitPrice?: number, lotSize?: number): BookLevel[] {
    const out: BookLevel[] = [];
    const q = this.checkQuantity(quantity);
    const lot = this.checkLot(lotSize);
    const half = aggressor === 'BUY' ? this.asks : this.bids;
    if (q > 0) half.consume(q, this.limitOf(half, limitPrice), false, lot, out);
    return out;
  }

  /**
   * Consumes up to `quantity` at prices strictly better than `price` for a resting order of
   * `restingSide` that the market traded through: a resting BUY at P is filled against asks priced
   * below P, a resting SELL against bids priced above P. Levels at exactly P are not touched (that is
   * queue position, not a trade-through).
   *
   * @param lotSize when given, each level's share is floored to a whole number of lots.
   * @returns the total size consumed (0 when the book does not cross the order).
   * @example
   * ```ts
   * // resting BUY 3 @ 101; the asks moved to 100 x 2, 100.5 x 4
   * book.consumeThrough('BUY', 101, 3); // 3: 2 at 100 and 1 at 100.5
   * ```
   */
  consumeThrough(restingSide: OrderSide, price: number, quantity: number, lotSize?: number): number {
    if (typeof price !== 'number' || Number.isNaN(price)) throw invalid(['price'], `must be a number, got ${price}`);
    const q = this.checkQuantity(quantity);
    const lot = this.checkLot(lotSize);
    if (q === 0) return 0;
    const half = restingSide === 'BUY' ? this.asks : this.bids;
    return half.consume(q, price, true, lot, undefined);
  }

  private load(half: BookHalf, levels: readonly BookLevel[]): void {
    half.clear();
    for (const level of levels) {
      if (level.size === 0) continue;
      half.prices.push(level.price);
      half.sizes.push(level.size);
      half.consumed.push(0);
    }
  }

  /** Refuses a delta that would leave the reported book (consumption ignored) crossed. */
  private checkDeltaCrossing(delta: OrderBookDelta): void {
    const bid = this.bestAfter(this.bids, delta.bids);
    const ask = this.bestAfter(this.asks, delta.asks);
    if (bid >= ask) throw invalid(['bids'], `delta would cross the book: best bid ${bid} >= best ask ${ask}`);
  }

  /** The best price of `half` once `changes` are applied, without applying them (NaN when empty). */
  private bestAfter(half: BookHalf, changes: readonly BookLevel[]): number {
    const desc = half.descending;
    let best = Number.NaN;
    const k = changes.length;
    // New or changed levels: the last change at a price wins, as in set().
    for (let j = 0; j < k; j++) {
      const c = changes[j]!;
      if (c.size === 0 || lastChangeAt(changes, c.price) !== j) continue;
      if (Number.isNaN(best) || (desc ? c.price > best : c.price < best)) best = c.price;
    }
    // The best existing level the delta does not remove.
    const n = half.prices.length;
    for (let i = 0; i < n; i++) {
      const price = half.prices[i]!;
      const j = lastChangeAt(changes, price);
      if (j >= 0 && changes[j]!.size === 0) continue;
      if (Number.isNaN(best) || (desc ? price > best : price < best)) best = price;
      break;
    }
    return best;
  }

  private limitOf(half: BookHalf, limitPrice: number | undefined): number {
    if (limitPrice === undefined) return half.descending ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    if (typeof limitPrice !== 'number' || Number.isNaN(limitPrice)) throw invalid(['limitPrice'], `must be a number, got ${limitPrice}`);
    return limitPrice;
  }

  private checkQuantity(quantity: number): number {
    if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity < 0) throw invalid(['quantity'], `must be a finite number >= 0, got ${quantity}`);
    return quantity;
  }

  private checkLot(lotSize: number | undefined): Lot | undefined {
    if (lotSize === undefined) return undefined;
    if (this.lastLot !== undefined && this.lastLot.size === lotSize) return this.lastLot;
    if (typeof lotSize !== 'number' || !Number.isFinite(lotSize) || lotSize <= 0) throw invalid(['lotSize'], `must be a finite number > 0, got ${lotSize}`);
    this.lastLot = lotOf(lotSize);
    return this.lastLot;
  }
}
