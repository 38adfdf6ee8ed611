/**
 * Whether a contract multiplier is 1, remembered per Decimal: a Decimal never changes, and instruments
 * hold one multiplier object each, so the fill path compares it once instead of on every fill (a
 * decimal.js comparison builds a Decimal from its argument).
 */
import type { Decimal } from '@rxtrade/core';

const UNIT = new WeakMap<Decimal, boolean>();

/**
 * True when `multiplier` equals 1.
 *
 * @example
 * ```ts
 * const notional = isUnitMultiplier(instrument.multiplier) ? price.mul(quantity) : price.mul(quantity).mul(instrument.multiplier);
 * ```
 */
export function isUnitMultiplier(multiplier: Decimal): boolean {
  let unit = UNIT.get(multiplier);
  if (unit === undefined) UNIT.set(multiplier, (unit = multiplier.eq(1)));
  return unit;
}
