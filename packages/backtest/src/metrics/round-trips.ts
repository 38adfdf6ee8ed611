/**
 * Round trips (closed trades) from fills, matched FIFO per instrument: a fill that reduces a position
 * closes the oldest open lots first; a fill that goes through zero closes every open lot and opens a
 * new one with the rest. Each round trip carries its share of the entry and exit commissions, split
 * in proportion to quantity, with the last piece of a fill taking the remainder so that the pieces of a
 * fill add up exactly to its commission (a share such as 1/3 is rounded to Decimal's 34 significant
 * digits). Positions still open at the end
 * are not round trips (their P&L is in the equity curve).
 *
 * P&L = (exit - entry) x quantity x multiplier for a long, the negative for a short, minus both
 * commission shares; the same convention as backtrader's `TradeAnalyzer` (`pnlcomm`) with FIFO lots.
 */
import { Decimal, DecimalAccumulator, decimalFromScaled, decimalToNumber, ZERO, type Fill, type InstrumentId, type InstrumentRegistry } from '@rxtrade/core';

/**
 * Direction of a round trip.
 *
 * @example
 * ```ts
 * const longs = trades.filter((t) => t.side === TradeSide.LONG);
 * ```
 */
export const TradeSide = { LONG: 'LONG', SHORT: 'SHORT' } as const;
export type TradeSide = (typeof TradeSide)[keyof typeof TradeSide];

/** A closed trade: one open lot (or part of it) matched against the fill that closed it. */
export interface RoundTrip {
  readonly instrumentId: InstrumentId;
  readonly side: TradeSide;
  readonly quantity: Decimal;
  readonly entryTs: number;
  readonly entryPrice: Decimal;
  readonly exitTs: number;
  readonly exitPrice: Decimal;
  /** Entry and exit commissions attributed to this round trip. */
  readonly fees: Decimal;
  /** P&L before fees. */
  readonly grossPnl: Decimal;
  /** P&L net of fees. */
  readonly pnl: Decimal;
  /** exitTs - entryTs, in milliseconds. */
  readonly holdingMs: number;
}

const ONE: Decimal = new Decimal(1);

interface Piece {
  readonly ts: number;
  readonly price: Decimal;
  readonly quantity: Decimal;
  readonly commission: Decimal;
  left: Decimal;
  feeLeft: Decimal;
}

/** Takes `q` out of a piece and returns the commission share that goes with it (exact remainder on the last piece). */
function take(p: Piece, q: Decimal): Decimal {
  // The caller takes either this piece's rest or the other's: the same object skips the comparison,
  // which in decimal.js copies its argument.
  if (q === p.left || equal(q, p.left)) {
    // The whole rest: its share is the commission left, and nothing is left after it.
    const share = p.feeLeft;
    p.left = ZERO;
    p.feeLeft = ZERO;
    return share;
  }
  const share = commissionShare(p.commission, q, p.quantity);
  p.left = difference(p.left, q);
  p.feeLeft = difference(p.feeLeft, share);
  return share;
}

/**
 * Scratch for a round trip's sums: exact integer arithmetic while the values fit a safe integer over a
 * power of ten (prices, quantities and commissions do), decimal.js when they do not; the Decimal of a
 * result is built once, when read. A zero result is computed with Decimals instead, which keep the
 * sign of a zero (a short closed at its entry price has a gross P&L of -0) where the integer form
 * does not.
 */
const scratch = new DecimalAccumulator();

/** A second scratch, for the check of a quotient. */
const product = new DecimalAccumulator();

/** 10^k for k in [0, 22], each exact. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * `commission x q / quantity`, as decimal.js's division gives it (rounded to 34 significant digits).
 * When the exact quotient is a decimal of at most 13 significant digits (half or a tenth of a fill's
 * commission: the common case), it is found from the float estimate and confirmed by comparing the
 * exact products candidate x quantity and commission x q, without the division; otherwise decimal.js
 * divides.
 */
function commissionShare(commission: Decimal, q: Decimal, quantity: Decimal): Decimal {
  // Both products of the check must be exact (at most 34 significant digits, decimal.js's precision),
  // so that equal products mean the candidate is the exact quotient.
  if (!commission.isZero() && (short(commission) && short(q) && short(quantity) ? true : commission.sd() + q.sd() <= 34 && quantity.sd() <= 21)) {
    const estimate = (decimalToNumber(commission) * decimalToNumber(q)) / decimalToNumber(quantity);
    const magnitude = Math.abs(estimate);
    if (magnitude >= 1e-9 && magnitude < 1e12) {
      // 13 significant digits: the scaled estimate stays far below 2^53.
      const scale = Math.min(22, Math.max(0, 12 - Math.floor(Math.log10(magnitude))));
      const candidate = decimalFromScaled(Math.round(estimate * POW10[scale]!), scale);
      if (!candidate.isZero() && scratch.set(candidate).mul(quantity).sub(product.set(commission).mul(q)).isZero()) return candidate;
    }
  }
  return commission.mul(q).div(quantity);
}

/** `a == b`, without decimal.js's comparison (which copies its argument into a new Decimal). */
function equal(a: Decimal, b: Decimal): boolean {
  return scratch.set(a).sub(b).isZero();
}

/** `a <= b`, likewise. */
function atMost(a: Decimal, b: Decimal): boolean {
  const acc = scratch.set(a).sub(b);
  return acc.isZero() || acc.isNegative();
}

/**
 * Whether `x` has at most 14 significant digits, read from its digit words (two words of seven digits;
 * decimal.js's `sd()` counts them one by one, at some 50 ns a call).
 */
function short(x: Decimal): boolean {
  return x.d !== null && x.d.length <= 2;
}

/** `a + b`. */
function sum(a: Decimal, b: Decimal): Decimal {
  // Adding a zero to a non-zero value returns the value itself (decimal.js would copy it).
  const aZero = a.isZero();
  const bZero = b.isZero();
  if (bZero && !aZero) return a;
  if (aZero && !bZero) return b;
  const acc = scratch.set(a).add(b);
  return acc.isZero() ? a.plus(b) : acc.value;
}

/** `a - b`. */
function difference(a: Decimal, b: Decimal): Decimal {
  const acc = scratch.set(a).sub(b);
  return acc.isZero() ? a.minus(b) : acc.value;
}

/** The gross P&L of `q` entered at `entry` and closed at `exit`: (exit - entry) x q x multiplier, negated for a short. */
function grossPnl(exit: Decimal, entry: Decimal, q: Decimal, multiplier: Decimal | undefined, long: boolean): Decimal {
  const acc = scratch.set(exit).sub(entry);
  if (!acc.isZero()) {
    acc.mul(q);
    if (multiplier !== undefined) acc.mul(multiplier);
    if (!long) acc.neg();
    return acc.value;
  }
  let gross = exit.minus(entry).mul(q);
  if (multiplier !== undefined) gross = gross.mul(multiplier);
  return long ? gross : gross.neg();
}

/**
 * Matches fills into FIFO round trips per instrument, in order of exit.
 *
 * @param instruments gives each instrument's multiplier (1 when absent or unknown).
 * @example
 * ```ts
 * const trades = roundTrips(result.fills);
 * trades.filter((t) => t.pnl.gt(0)).length / trades.length; // win rate
 * ```
 */
export function roundTrips(fills: readonly Fill[], instruments?: InstrumentRegistry): RoundTrip[] {
  const open = new Map<InstrumentId, { long: boolean; lots: Piece[]; multiplier: Decimal | undefined }>();
  const out: RoundTrip[] = [];
  for (const fill of fills) {
    const buy = fill.side === 'BUY';
    const piece: Piece = { ts: fill.ts, price: fill.price, quantity: fill.quantity, commission: fill.commission, left: fill.quantity, feeLeft: fill.commission };
    let book = open.get(fill.instrumentId);
    if (book === undefined) {
      const found = instruments?.find(fill.instrumentId)?.multiplier;
      // Comparisons take Decimals, not numbers: `x.gt(0)` would build a Decimal of 0 each time.
      open.set(fill.instrumentId, (book = { long: buy, lots: [], multiplier: found === undefined || found.eq(ONE) ? undefined : found }));
    }
    const multiplier = book.multiplier;
    if (book.lots.length === 0) book.long = buy;
    if (book.long !== buy) {
      while (book.lots.length > 0 && !piece.left.isZero()) {
        const lot = book.lots[0]!;
        const q = atMost(lot.left, piece.left) ? lot.left : piece.left;
        const fees = sum(take(lot, q), take(piece, q));
        const gross = grossPnl(piece.price, lot.price, q, multiplier, book.long);
        out.push({
          instrumentId: fill.instrumentId,
          side: book.long ? TradeSide.LONG : TradeSide.SHORT,
          quantity: q,
          entryTs: lot.ts,
          entryPrice: lot.price,
          exitTs: fill.ts,
          exitPrice: fill.price,
          fees,
          grossPnl: gross,
          pnl: difference(gross, fees),
          holdingMs: fill.ts - lot.ts,
        });
        if (lot.left.isZero()) book.lots.shift();
      }
      if (piece.left.isZero()) continue;
      book.long = buy;
    }
    book.lots.push(piece);
  }
  return out;
}
