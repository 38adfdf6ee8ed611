import { ValidationError, instrumentId, type BookLevel, type OrderBookDelta, type OrderBookSnapshot } from '@rxtrade/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderBook } from './order-book';

const ID = instrumentId('BTCUSDT.BINANCE');

function snapshot(sequence: number, bids: BookLevel[], asks: BookLevel[], ts = sequence * 1000): OrderBookSnapshot {
  return { type: 'OrderBookSnapshot', instrumentId: ID, ts, sequence, bids, asks };
}
function delta(sequence: number, bids: BookLevel[], asks: BookLevel[], ts = sequence * 1000): OrderBookDelta {
  return { type: 'OrderBookDelta', instrumentId: ID, ts, sequence, bids, asks };
}
const L = (price: number, size: number): BookLevel => ({ price, size });

/** bids 100 x 2, 99 x 3, 98 x 5; asks 101 x 1, 102 x 2, 103 x 4, 104 x 10. */
function standardBook(): OrderBook {
  const book = new OrderBook(ID);
  book.apply(snapshot(1, [L(100, 2), L(99, 3), L(98, 5)], [L(101, 1), L(102, 2), L(103, 4), L(104, 10)]));
  return book;
}

function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('OrderBook', () => {
  it('is empty before any update: best prices and ts are NaN', () => {
    const book = new OrderBook(ID);
    expect(book.instrumentId).toBe(ID);
    expect(book.bestBid()).toBeNaN();
    expect(book.bestAsk()).toBeNaN();
    expect(book.ts).toBeNaN();
    expect(book.levels('ASK')).toEqual([]);
    expect(book.available('BUY')).toBe(0);
    expect(book.take('BUY', 1)).toEqual([]);
  });

  it('loads a snapshot: best prices, levels best first, depth limit and ts', () => {
    const book = standardBook();
    expect(book.bestBid()).toBe(100);
    expect(book.bestAsk()).toBe(101);
    expect(book.ts).toBe(1000);
    expect(book.levels('BID')).toEqual([L(100, 2), L(99, 3), L(98, 5)]);
    expect(book.levels('ASK', 2)).toEqual([L(101, 1), L(102, 2)]);
    expect(book.levels('ASK', 0)).toEqual([]);
    expect(book.available('BUY')).toBe(17);
    expect(book.available('SELL')).toBe(10);
  });

  it('walks a market BUY through three levels with a partial fill of the last', () => {
    const book = standardBook();
    // 5 = 1 @ 101 + 2 @ 102 + 2 of the 4 @ 103
    expect(book.take('BUY', 5)).toEqual([L(101, 1), L(102, 2), L(103, 2)]);
    expect(book.bestAsk()).toBe(103);
    expect(book.levels('ASK')).toEqual([L(103, 2), L(104, 10)]);
    expect(book.available('BUY')).toBe(12);
    // the bid side is untouched
    expect(book.levels('BID')).toEqual([L(100, 2), L(99, 3), L(98, 5)]);
  });

  it('walks a market SELL down the bids', () => {
    const book = standardBook();
    expect(book.take('SELL', 4)).toEqual([L(100, 2), L(99, 2)]);
    expect(book.bestBid()).toBe(99);
    expect(book.levels('BID')).toEqual([L(99, 1), L(98, 5)]);
  });

  it('does not offer liquidity consumed by one order to the next', () => {
    const book = standardBook();
    book.take('BUY', 5);
    // the second order starts at what is left of 103, not at 101
    expect(book.take('BUY', 3)).toEqual([L(103, 2), L(104, 1)]);
    expect(book.levels('ASK')).toEqual([L(104, 9)]);
  });

  it('fills only what the book holds when the order is larger than the side', () => {
    const book = standardBook();
    expect(book.take('SELL', 100)).toEqual([L(100, 2), L(99, 3), L(98, 5)]);
    expect(book.bestBid()).toBeNaN();
    expect(book.take('SELL', 1)).toEqual([]);
  });

  it('restores a consumed level when a delta changes its size, while untouched consumed levels stay consumed', () => {
    const book = standardBook();
    book.take('BUY', 5); // 101 and 102 consumed, 103 has 2 left
    expect(book.apply(delta(2, [], [L(102, 6)]))).toBe(true);
    expect(book.bestAsk()).toBe(102); // 101 is still consumed
    expect(book.levels('ASK')).toEqual([L(102, 6), L(103, 2), L(104, 10)]);
    expect(book.ts).toBe(2000);
    // a delta repeating a level's current size is no new liquidity: 101 stays consumed
    book.apply(delta(3, [], [L(101, 1)]));
    expect(book.bestAsk()).toBe(102);
    // a changed size at 103 replaces the partially consumed level with the new size
    book.apply(delta(4, [], [L(103, 3)]));
    expect(book.levels('ASK')).toEqual([L(102, 6), L(103, 3), L(104, 10)]);
  });

  it('clears all consumption on a snapshot', () => {
    const book = standardBook();
    book.take('BUY', 5);
    book.take('SELL', 3);
    book.apply(snapshot(2, [L(100, 2)], [L(101, 1), L(102, 2)]));
    expect(book.levels('ASK')).toEqual([L(101, 1), L(102, 2)]);
    expect(book.levels('BID')).toEqual([L(100, 2)]);
  });

  it('stops the walk at the limit price, inclusive', () => {
    const book = standardBook();
    expect(book.available('BUY', 102)).toBe(3);
    expect(book.take('BUY', 10, 102)).toEqual([L(101, 1), L(102, 2)]);
    expect(book.take('BUY', 10, 102)).toEqual([]);
    expect(book.available('SELL', 99)).toBe(5);
    expect(book.take('SELL', 6, 99)).toEqual([L(100, 2), L(99, 3)]);
    expect(book.take('SELL', 1, 100.5)).toEqual([]);
    expect(book.bestBid()).toBe(98);
  });

  it('removes a level on a delta of size 0 and inserts new levels in price order', () => {
    const book = standardBook();
    book.apply(delta(2, [L(99, 0), L(99.5, 4)], [L(101, 0), L(103.5, 1)]));
    expect(book.levels('BID')).toEqual([L(100, 2), L(99.5, 4), L(98, 5)]);
    expect(book.levels('ASK')).toEqual([L(102, 2), L(103, 4), L(103.5, 1), L(104, 10)]);
    // removing a level that is not there changes nothing
    book.apply(delta(3, [L(97, 0)], []));
    expect(book.levels('BID')).toEqual([L(100, 2), L(99.5, 4), L(98, 5)]);
  });

  it('gives a level removed and re-added by deltas no memory of its old consumption', () => {
    const book = standardBook();
    book.take('BUY', 1); // 101 consumed
    book.apply(delta(2, [], [L(101, 0)]));
    book.apply(delta(3, [], [L(101, 1)]));
    expect(book.bestAsk()).toBe(101);
    expect(book.take('BUY', 1)).toEqual([L(101, 1)]);
  });

  it('ignores updates whose sequence is not newer than the last applied one', () => {
    const book = standardBook();
    expect(book.apply(delta(1, [], [L(101, 0)]))).toBe(false);
    expect(book.apply(snapshot(0, [L(50, 1)], [L(60, 1)]))).toBe(false);
    expect(book.bestAsk()).toBe(101);
    expect(book.bestBid()).toBe(100);
    expect(book.ts).toBe(1000);
    expect(book.apply(delta(5, [], [L(101, 0)]))).toBe(true);
    expect(book.apply(delta(4, [], [L(102, 0)]))).toBe(false);
    expect(book.bestAsk()).toBe(102);
  });

  it('refuses an update for another instrument, naming instrumentId', () => {
    const book = standardBook();
    const e = validationError(() => book.apply({ ...delta(2, [], []), instrumentId: instrumentId('ETHUSDT.BINANCE') }));
    expect(e.code).toBe('VALIDATION');
    expect(e.field).toBe('instrumentId');
  });

  it('refuses NaN and negative sizes and prices, naming the field', () => {
    const book = standardBook();
    expect(validationError(() => book.apply(delta(2, [L(99, 1), L(98, Number.NaN)], []))).field).toBe('bids[1].size');
    expect(validationError(() => book.apply(delta(2, [], [L(105, -1)]))).field).toBe('asks[0].size');
    expect(validationError(() => book.apply(delta(2, [], [L(-5, 1)]))).field).toBe('asks[0].price');
    expect(validationError(() => book.apply(snapshot(2, [L(Number.NaN, 1)], []))).field).toBe('bids[0].price');
    expect(validationError(() => book.apply(delta(Number.NaN, [], []))).field).toBe('sequence');
    // nothing was applied
    expect(book.levels('ASK')).toEqual([L(101, 1), L(102, 2), L(103, 4), L(104, 10)]);
  });

  it('refuses a crossed or unsorted snapshot and a delta that would cross the book', () => {
    const book = new OrderBook(ID);
    const crossed = validationError(() => book.apply(snapshot(1, [L(101, 1)], [L(101, 1)])));
    expect(crossed.field).toBe('bids[0].price');
    expect(crossed.message).toMatch(/crossed/);
    expect(validationError(() => book.apply(snapshot(1, [L(100, 1)], [L(102, 1), L(101, 1)]))).field).toBe('asks[1].price');
    expect(validationError(() => book.apply(snapshot(1, [L(99, 1), L(100, 1)], []))).field).toBe('bids[1].price');
    book.apply(snapshot(1, [L(100, 1)], [L(101, 1)]));
    expect(validationError(() => book.apply(delta(2, [L(101.5, 1)], []))).message).toMatch(/cross/);
    // a delta that lifts the ask it crosses in the same message is fine
    expect(book.apply(delta(2, [L(101, 1)], [L(101, 0), L(102, 1)]))).toBe(true);
    expect(book.bestBid()).toBe(101);
    expect(book.bestAsk()).toBe(102);
  });

  it('refuses a bad quantity, limit price or lot size, naming the argument', () => {
    const book = standardBook();
    expect(validationError(() => book.take('BUY', Number.NaN)).field).toBe('quantity');
    expect(validationError(() => book.take('BUY', -1)).field).toBe('quantity');
    expect(validationError(() => book.take('BUY', 1, Number.NaN)).field).toBe('limitPrice');
    expect(validationError(() => book.take('BUY', 1, undefined, 0)).field).toBe('lotSize');
    expect(validationError(() => book.consumeThrough('SELL', 100, 1, -0.1)).field).toBe('lotSize');
    expect(book.take('BUY', 0)).toEqual([]);
  });

  it('consumes liquidity priced strictly through a resting order', () => {
    const book = standardBook();
    // resting BUY 5 @ 102.5: asks below 102.5 are 101 x 1 and 102 x 2
    expect(book.consumeThrough('BUY', 102.5, 5)).toBe(3);
    expect(book.bestAsk()).toBe(103);
    expect(book.consumeThrough('BUY', 102.5, 5)).toBe(0);
    // a level at exactly the resting price is not a trade-through
    expect(book.consumeThrough('BUY', 103, 5)).toBe(0);
    // resting SELL 1 @ 98.5: bids above are 100 x 2 and 99 x 3; takes 1 at 100
    expect(book.consumeThrough('SELL', 98.5, 1)).toBe(1);
    expect(book.levels('BID')).toEqual([L(100, 1), L(99, 3), L(98, 5)]);
    // and the consumption is seen by aggressors too
    expect(book.take('SELL', 2)).toEqual([L(100, 1), L(99, 1)]);
  });

  it('floors every fill to whole lots and leaves the remainders unconsumed', () => {
    const book = new OrderBook(ID);
    book.apply(snapshot(1, [L(1.2, 0.35)], [L(1.25, 0.35), L(1.26, 0.25)]));
    // 0.5 in lots of 0.1: 0.3 of the 0.35 at 1.25, then 0.2 at 1.26; exact decimals, not 0.30000000000000004
    expect(book.take('BUY', 0.5, undefined, 0.1)).toEqual([L(1.25, 0.3), L(1.26, 0.2)]);
    expect(book.levels('ASK')).toEqual([L(1.25, 0.05), L(1.26, 0.05)]);
    expect(book.available('BUY')).toBe(0.1);
    // less than a lot is left at each level: nothing fills
    expect(book.take('BUY', 1, undefined, 0.1)).toEqual([]);
    // without a lot the remainders fill
    expect(book.take('BUY', 1)).toEqual([L(1.25, 0.05), L(1.26, 0.05)]);
    // lots on a trade-through: 0.35 of bids above 1.1, in lots of 0.1 -> 0.3
    expect(book.consumeThrough('SELL', 1.1, 1, 0.1)).toBe(0.3);
    expect(book.levels('BID')).toEqual([L(1.2, 0.05)]);
  });

  it('counts 0.3 as three lots of 0.1 although 0.3 / 0.1 is 2.9999999999999996 in floats', () => {
    const book = new OrderBook(ID);
    book.apply(snapshot(1, [], [L(10, 0.3)]));
    expect(book.take('BUY', 0.3, undefined, 0.1)).toEqual([L(10, 0.3)]);
    expect(book.bestAsk()).toBeNaN();
  });

  it('skips a level with less than one lot left and keeps walking to the next', () => {
    const book = new OrderBook(ID);
    book.apply(snapshot(1, [], [L(10, 0.05), L(10.5, 1)]));
    expect(book.take('BUY', 0.3, undefined, 0.1)).toEqual([L(10.5, 0.3)]);
    expect(book.levels('ASK')).toEqual([L(10, 0.05), L(10.5, 0.7)]);
  });

  it('keeps the 8 decimals of a large crypto size and cleans cancellation residue', () => {
    const book = new OrderBook(ID);
    book.apply(snapshot(1, [], [L(50_000, 12_345.12345678), L(50_001, 1000)]));
    expect(book.take('BUY', 0.00000001)).toEqual([L(50_000, 0.00000001)]);
    expect(book.levels('ASK', 1)).toEqual([L(50_000, 12_345.12345677)]);
    // 1000 - 999.9 is 0.10000000000002274 in floats: the book shows and fills 0.1
    book.take('BUY', 12_345.12345677);
    expect(book.take('BUY', 999.9)).toEqual([L(50_001, 999.9)]);
    expect(book.levels('ASK')).toEqual([L(50_001, 0.1)]);
    expect(book.available('BUY')).toBe(0.1);
    expect(book.take('BUY', 1)).toEqual([L(50_001, 0.1)]);
  });

  it('returns lot multiples with the lot decimals exactly, for lots such as 1e-8', () => {
    const book = new OrderBook(ID);
    book.apply(snapshot(1, [], [L(50_000, 0.123456789)]));
    expect(book.take('BUY', 1, undefined, 1e-8)).toEqual([L(50_000, 0.12345678)]);
    expect(book.levels('ASK')).toEqual([L(50_000, 9e-9)]);
  });

  it('floors a quantity that is itself not a whole number of lots', () => {
    const book = new OrderBook(ID);
    book.apply(snapshot(1, [], [L(10, 5)]));
    expect(book.take('BUY', 2.5, undefined, 1)).toEqual([L(10, 2)]);
    expect(book.take('BUY', 0.9, undefined, 1)).toEqual([]);
    expect(book.available('BUY')).toBe(3);
  });

  it('treats float residue as an empty level', () => {
    const book = new OrderBook(ID);
    book.apply(snapshot(1, [], [L(10, 0.3), L(11, 1)]));
    // 0.3 - 0.1 - 0.1 - 0.1 leaves 5.5e-17 in floats: the level must read as empty
    expect(book.take('BUY', 0.1)).toEqual([L(10, 0.1)]);
    expect(book.take('BUY', 0.1)).toEqual([L(10, 0.1)]);
    expect(book.take('BUY', 0.1)).toEqual([L(10, 0.1)]);
    expect(book.bestAsk()).toBe(11);
    expect(book.levels('ASK')).toEqual([L(11, 1)]);
    // sizes summing in floats come back rounded
    book.apply(snapshot(2, [], [L(10, 0.1), L(11, 0.2)]));
    expect(book.available('BUY')).toBe(0.3);
    expect(book.take('BUY', 0.3)).toEqual([L(10, 0.1), L(11, 0.2)]);
    expect(book.bestAsk()).toBeNaN();
  });
});

/**
 * Independent reference: a book as a map from price to remaining (unconsumed) size, with consumption
 * tracked as "remaining" directly. Integer sizes keep it exact.
 */
class ReferenceBook {
  bids = new Map<number, { size: number; left: number }>();
  asks = new Map<number, { size: number; left: number }>();
  seq = -Infinity;

  apply(u: OrderBookSnapshot | OrderBookDelta): boolean {
    if (u.sequence <= this.seq) return false;
    this.seq = u.sequence;
    if (u.type === 'OrderBookSnapshot') {
      this.bids = new Map(u.bids.filter((l) => l.size > 0).map((l) => [l.price, { size: l.size, left: l.size }]));
      this.asks = new Map(u.asks.filter((l) => l.size > 0).map((l) => [l.price, { size: l.size, left: l.size }]));
      return true;
    }
    for (const [levels, map] of [[u.bids, this.bids], [u.asks, this.asks]] as const) {
      for (const l of levels) {
        const old = map.get(l.price);
        if (l.size === 0) map.delete(l.price);
        else if (!old || old.size !== l.size) map.set(l.price, { size: l.size, left: l.size });
      }
    }
    return true;
  }

  take(side: 'BUY' | 'SELL', quantity: number, limit: number | undefined, strict: boolean): BookLevel[] {
    const map = side === 'BUY' ? this.asks : this.bids;
    const prices = [...map.keys()].sort((a, b) => (side === 'BUY' ? a - b : b - a));
    const out: BookLevel[] = [];
    let remaining = quantity;
    for (const p of prices) {
      if (remaining === 0) break;
      if (limit !== undefined) {
        const ok = side === 'BUY' ? (strict ? p < limit : p <= limit) : strict ? p > limit : p >= limit;
        if (!ok) break;
      }
      const level = map.get(p)!;
      const q = Math.min(level.left, remaining);
      if (q === 0) continue;
      level.left -= q;
      remaining -= q;
      out.push({ price: p, size: q });
    }
    return out;
  }

  levels(side: 'BID' | 'ASK'): BookLevel[] {
    const map = side === 'ASK' ? this.asks : this.bids;
    return [...map.entries()]
      .filter(([, l]) => l.left > 0)
      .sort(([a], [b]) => (side === 'ASK' ? a - b : b - a))
      .map(([price, l]) => ({ price, size: l.left }));
  }
}

describe('OrderBook against a reference model', () => {
  // bids on 90..99, asks on 101..110: never crossed whatever the deltas do
  const bidLevel = fc.record({ price: fc.integer({ min: 90, max: 99 }), size: fc.integer({ min: 0, max: 20 }) });
  const askLevel = fc.record({ price: fc.integer({ min: 101, max: 110 }), size: fc.integer({ min: 0, max: 20 }) });
  const sortedUnique = (levels: BookLevel[], descending: boolean) =>
    [...new Map(levels.map((l) => [l.price, l])).values()].sort((a, b) => (descending ? b.price - a.price : a.price - b.price));
  const op = fc.oneof(
    fc.record({ kind: fc.constant('snapshot' as const), bids: fc.array(bidLevel, { maxLength: 6 }), asks: fc.array(askLevel, { maxLength: 6 }) }),
    fc.record({ kind: fc.constant('delta' as const), bids: fc.array(bidLevel, { maxLength: 3 }), asks: fc.array(askLevel, { maxLength: 3 }) }),
    fc.record({
      kind: fc.constant('take' as const),
      side: fc.constantFrom('BUY' as const, 'SELL' as const),
      quantity: fc.integer({ min: 0, max: 40 }),
      limit: fc.option(fc.integer({ min: 88, max: 112 }), { nil: undefined }),
    }),
    fc.record({ kind: fc.constant('through' as const), side: fc.constantFrom('BUY' as const, 'SELL' as const), quantity: fc.integer({ min: 0, max: 40 }), price: fc.integer({ min: 88, max: 112 }) }),
    fc.record({ kind: fc.constant('stale' as const) }),
  );

  it('fills, visible levels and availability match the reference for random commands and market data', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const book = new OrderBook(ID);
        const ref = new ReferenceBook();
        let seq = 0;
        for (const o of ops) {
          if (o.kind === 'snapshot') {
            seq++;
            const u = snapshot(seq, sortedUnique(o.bids, true), sortedUnique(o.asks, false));
            expect(book.apply(u)).toBe(ref.apply(u));
          } else if (o.kind === 'delta') {
            seq++;
            const u = delta(seq, o.bids, o.asks);
            expect(book.apply(u)).toBe(ref.apply(u));
          } else if (o.kind === 'stale') {
            const u = delta(seq, [], []);
            expect(book.apply(u)).toBe(ref.apply(u));
          } else if (o.kind === 'take') {
            const before = book.available(o.side, o.limit);
            const fills = book.take(o.side, o.quantity, o.limit);
            expect(fills).toEqual(ref.take(o.side, o.quantity, o.limit, false));
            const total = fills.reduce((s, f) => s + f.size, 0);
            expect(total).toBeLessThanOrEqual(o.quantity);
            expect(total).toBe(Math.min(o.quantity, before));
            expect(book.available(o.side, o.limit)).toBe(before - total);
          } else {
            const consumed = book.consumeThrough(o.side, o.price, o.quantity);
            const expected = ref.take(o.side, o.quantity, o.price, true).reduce((s, f) => s + f.size, 0);
            expect(consumed).toBe(expected);
          }
          expect(book.levels('BID')).toEqual(ref.levels('BID'));
          expect(book.levels('ASK')).toEqual(ref.levels('ASK'));
          const bids = ref.levels('BID');
          const asks = ref.levels('ASK');
          expect(book.bestBid()).toBe(bids.length ? bids[0]!.price : Number.NaN);
          expect(book.bestAsk()).toBe(asks.length ? asks[0]!.price : Number.NaN);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never returns more than asked, a fill outside the limit, or a size off the lot grid', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ price: fc.integer({ min: 101, max: 120 }), size: fc.integer({ min: 1, max: 5000 }) }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.record({ quantity: fc.integer({ min: 0, max: 5000 }), limit: fc.integer({ min: 100, max: 121 }) }), { maxLength: 8 }),
        fc.constantFrom(0.001, 0.01, 0.1, 0.25),
        (levels, orders, lot) => {
          const book = new OrderBook(ID);
          // sizes and quantities in thousandths: float sizes such as 1.234
          const asks = sortedUnique(levels.map((l) => L(l.price, l.size / 1000)), false);
          book.apply(snapshot(1, [], asks));
          const shown = asks.reduce((s, l) => s + l.size, 0);
          let taken = 0;
          for (const o of orders) {
            const q = o.quantity / 1000;
            const fills = book.take('BUY', q, o.limit, lot);
            let total = 0;
            for (const f of fills) {
              expect(f.price).toBeLessThanOrEqual(o.limit);
              const lots = f.size / lot;
              expect(Math.abs(lots - Math.round(lots))).toBeLessThan(1e-9);
              expect(f.size).toBeGreaterThan(0);
              // returned sizes carry no binary residue beyond 12 significant digits
              expect(Number(f.size.toPrecision(12))).toBe(f.size);
              total += f.size;
            }
            expect(total).toBeLessThanOrEqual(q + 1e-12);
            taken += total;
          }
          expect(taken + book.available('BUY')).toBeCloseTo(shown, 9);
        },
      ),
      { numRuns: 300 },
    );
  });
});
