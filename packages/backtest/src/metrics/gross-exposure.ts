/**
 * Gross exposure over time as a fraction of equity: at each equity point,
 * `sum over instruments of |position| x price x multiplier / equity`. Positions come from the fills
 * (buys add, sells subtract; the position at a time is the one after every fill at or before it) and
 * prices from the instruments' closes as of that time (the last close at or before it), which is how
 * the ledger marks positions at each bar, so the figure equals the ledger's
 * `grossExposure() / equity()` after each bar. 1 is fully invested, 2 is two times levered, 0 is flat.
 */
import { Decimal, ValidationError, ZERO } from '@rxtrade/core';

/** A fill as this function reads it (a live `OrderFilled` or its JSON form). */
export interface ExposureFill {
  readonly ts: number;
  readonly instrumentId: string;
  readonly side: string;
  readonly quantity: { toString(): string } | string | number;
}

/** Closes of one instrument at increasing times. */
export interface InstrumentCloses {
  readonly instrumentId: string;
  readonly ts: ArrayLike<number>;
  readonly close: ArrayLike<number>;
  /** Contract multiplier (default 1). */
  readonly multiplier?: number;
}

/**
 * Gross exposure / equity at each point of an equity curve; NaN where a held instrument has no close
 * yet or equity is not positive.
 *
 * @throws ValidationError naming `prices` when a held instrument has no closes at all.
 * @example
 * ```ts
 * const closes = { instrumentId: goog.id, ts: bars.map((b) => b.ts), close: bars.map((b) => b.close) };
 * const exposure = grossExposure(result.equityCurve, result.fills, [closes]);
 * ```
 */
export function grossExposure(
  curve: { readonly ts: ArrayLike<number>; readonly equity: ArrayLike<number> },
  fills: readonly ExposureFill[],
  prices: readonly InstrumentCloses[],
): Float64Array {
  const byId = new Map(prices.map((p) => [p.instrumentId, { p, j: -1 }]));
  // Decimal sums, so that a position closed exactly is exactly 0.
  const held = new Map<string, Decimal>();
  const out = new Float64Array(curve.ts.length);
  let k = 0;
  for (let i = 0; i < curve.ts.length; i++) {
    const t = curve.ts[i]!;
    while (k < fills.length && fills[k]!.ts <= t) {
      const f = fills[k++]!;
      const q = new Decimal(String(f.quantity));
      const before = held.get(f.instrumentId) ?? ZERO;
      held.set(f.instrumentId, f.side === 'BUY' ? before.plus(q) : before.minus(q));
    }
    let gross = 0;
    for (const [id, position] of held) {
      if (position.isZero()) continue;
      const q = position.toNumber();
      const s = byId.get(id);
      if (!s) throw new ValidationError([{ path: ['prices'], message: `has no closes for ${id}, which the run held` }]);
      while (s.j + 1 < s.p.ts.length && s.p.ts[s.j + 1]! <= t) s.j++;
      gross += s.j < 0 ? NaN : Math.abs(q) * s.p.close[s.j]! * (s.p.multiplier ?? 1);
    }
    const e = curve.equity[i]!;
    out[i] = e > 0 ? gross / e : NaN;
  }
  return out;
}
