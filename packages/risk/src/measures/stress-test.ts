/**
 * Stress tests: named scenarios shock the prices of positions (a relative move per instrument, per tag
 * such as a sector, or for everything) and report the exact P&L of each scenario in Decimal:
 * quantity * price * multiplier * shock.
 */
import { Decimal, toDecimal, ValidationError, type DecimalLike } from '@rxtrade/core';

/** A position to stress. */
export interface StressPosition {
  readonly instrumentId: string;
  /** Signed quantity (negative = short). */
  readonly quantity: Decimal;
  /** Mark price. */
  readonly price: DecimalLike;
  readonly multiplier?: DecimalLike;
  /** Tags (sector, asset class…) that scenario shocks may target. */
  readonly tags?: readonly string[];
}

/** A named scenario: relative price shocks (-0.2 = prices fall 20%). */
export interface StressScenario {
  readonly name: string;
  /** Shocks by instrument id; these win over tag shocks. */
  readonly instruments?: Readonly<Record<string, number>>;
  /** Shocks by tag; the first of a position's tags that has one applies. */
  readonly tags?: Readonly<Record<string, number>>;
  /** Shock for positions no other entry matches (0 when omitted). */
  readonly all?: number;
}

/** P&L of one scenario. */
export interface StressResult {
  readonly scenario: string;
  readonly pnl: Decimal;
  readonly byInstrument: ReadonlyArray<{ readonly instrumentId: string; readonly shock: number; readonly pnl: Decimal }>;
}

/**
 * Applies each scenario to the positions and returns the P&L per scenario.
 *
 * @example
 * ```ts
 * stressTest([{ instrumentId: 'GOOG.NASDAQ', quantity: new Decimal(100), price: '150', tags: ['tech'] }],
 *   [{ name: 'tech -20%', tags: { tech: -0.2 } }])[0].pnl // Decimal -3000
 * ```
 */
export function stressTest(positions: readonly StressPosition[], scenarios: readonly StressScenario[]): StressResult[] {
  const prepared = positions.map((p, i) => {
    if (!(p.quantity instanceof Decimal) || !p.quantity.isFinite())
      throw new ValidationError([{ path: ['positions', i, 'quantity'], message: `must be a finite Decimal, got ${String(p.quantity)}` }]);
    return { p, value: p.quantity.mul(toDecimal(p.price, `positions[${i}].price`)).mul(toDecimal(p.multiplier ?? 1, `positions[${i}].multiplier`)) };
  });
  return scenarios.map((s, si) => {
    const check = (v: number | undefined, path: (string | number)[]): void => {
      if (v !== undefined && !Number.isFinite(v)) throw new ValidationError([{ path: ['scenarios', si, ...path], message: `must be a finite number, got ${v}` }]);
    };
    check(s.all, ['all']);
    for (const [k, v] of Object.entries(s.instruments ?? {})) check(v, ['instruments', k]);
    for (const [k, v] of Object.entries(s.tags ?? {})) check(v, ['tags', k]);
    let total = new Decimal(0);
    const byInstrument = prepared.map(({ p, value }) => {
      let shock = s.instruments?.[p.instrumentId];
      if (shock === undefined) for (const t of p.tags ?? []) if ((shock = s.tags?.[t]) !== undefined) break;
      shock ??= s.all ?? 0;
      const pnl = value.mul(new Decimal(shock));
      total = total.add(pnl);
      return { instrumentId: p.instrumentId, shock, pnl };
    });
    return { scenario: s.name, pnl: total, byInstrument };
  });
}
