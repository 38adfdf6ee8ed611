/**
 * FIFO round trips in plain decimal.js arithmetic (a Decimal per operation, decimal.js's comparisons
 * and division): the reference that the exactness test compares `roundTrips` with, digit for digit,
 * and the baseline of `bench/round-trips.bench.ts`.
 */
import { ZERO, type Decimal, type Fill } from '@rxtrade/core';

/** One round trip of the reference: its quantity, prices, fees and P&L. */
export interface PlainRoundTrip {
  readonly quantity: Decimal;
  readonly entryPrice: Decimal;
  readonly exitPrice: Decimal;
  readonly fees: Decimal;
  readonly grossPnl: Decimal;
  readonly pnl: Decimal;
}

/** Round trips of `fills` (one instrument), P&L multiplied by `multiplier` when given. */
export function plainRoundTrips(fills: readonly Fill[], multiplier?: Decimal): PlainRoundTrip[] {
  const out: PlainRoundTrip[] = [];
  let long = true;
  const lots: { price: Decimal; quantity: Decimal; commission: Decimal; left: Decimal; feeLeft: Decimal }[] = [];
  const take = (p: (typeof lots)[number], q: Decimal): Decimal => {
    if (q.eq(p.left)) {
      const share = p.feeLeft;
      p.left = ZERO;
      p.feeLeft = ZERO;
      return share;
    }
    const share = p.commission.mul(q).div(p.quantity);
    p.left = p.left.minus(q);
    p.feeLeft = p.feeLeft.minus(share);
    return share;
  };
  for (const f of fills) {
    const buy = f.side === 'BUY';
    const piece = { price: f.price, quantity: f.quantity, commission: f.commission, left: f.quantity, feeLeft: f.commission };
    if (lots.length === 0) long = buy;
    if (long !== buy) {
      while (lots.length > 0 && !piece.left.isZero()) {
        const lot = lots[0]!;
        const q = lot.left.lte(piece.left) ? lot.left : piece.left;
        const fees = take(lot, q).plus(take(piece, q));
        let gross = piece.price.minus(lot.price).mul(q);
        if (multiplier !== undefined) gross = gross.mul(multiplier);
        if (!long) gross = gross.neg();
        out.push({ quantity: q, entryPrice: lot.price, exitPrice: f.price, fees, grossPnl: gross, pnl: gross.minus(fees) });
        if (lot.left.isZero()) lots.shift();
      }
      if (piece.left.isZero()) continue;
      long = buy;
    }
    lots.push(piece);
  }
  return out;
}
