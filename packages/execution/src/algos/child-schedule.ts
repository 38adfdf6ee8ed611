/**
 * Lot-exact splitting of a parent order into child quantities, and the times of evenly spaced slices.
 * Shared by the scheduled algorithms (TWAP, VWAP): every child but the last is its share of the parent
 * rounded down to the lot; the last child takes the rounding remainder, so the children always sum to
 * the parent quantity exactly.
 */
import { ValidationError, isMultipleOf, roundToIncrement, ZERO, type Decimal } from '@rxtrade/core';

/**
 * Splits `total` into `weights.length` lot-multiple quantities proportional to `weights`: child k is
 * `total × weights[k] / Σweights` rounded down to `lotSize`, and the last child takes what is left.
 * A child may be zero (a zero weight, or a share smaller than one lot): callers skip it, never send it.
 *
 * @param total the parent quantity, a multiple of `lotSize`.
 * @param weights non-negative finite weights with a positive sum (equal weights for TWAP, a volume profile for VWAP).
 * @param lotSize the instrument's lot size.
 * @example
 * ```ts
 * splitQuantity(new Decimal(100), [1, 1, 1], new Decimal(1)).map(String);      // ['33', '33', '34']
 * splitQuantity(new Decimal(101), [1, 2, 3, 4], new Decimal(1)).map(String);   // ['10', '20', '30', '41']
 * ```
 */
export function splitQuantity(total: Decimal, weights: readonly number[], lotSize: Decimal): Decimal[] {
  if (!total.isFinite() || total.lte(0)) throw new ValidationError([{ path: ['total'], message: `must be a positive quantity, got ${total.toString()}` }]);
  if (!isMultipleOf(total, lotSize))
    throw new ValidationError([{ path: ['total'], message: `${total.toString()} is not a multiple of the lot size ${lotSize.toString()}` }]);
  if (weights.length === 0) throw new ValidationError([{ path: ['weights'], message: 'must not be empty' }]);
  let sum = ZERO;
  weights.forEach((w, i) => {
    if (!Number.isFinite(w) || w < 0) throw new ValidationError([{ path: ['weights', i], message: `must be a finite number >= 0, got ${w}` }]);
    sum = sum.plus(w);
  });
  if (sum.lte(0)) throw new ValidationError([{ path: ['weights'], message: 'must have a positive sum' }]);
  const out: Decimal[] = [];
  let allocated = ZERO;
  for (let k = 0; k < weights.length - 1; k++) {
    const share = roundToIncrement(total.mul(weights[k]!).div(sum), lotSize, 'down');
    out.push(share);
    allocated = allocated.plus(share);
  }
  out.push(total.minus(allocated));
  return out;
}

/**
 * Start times of `slices` evenly spaced slices of `durationMs` from `start`: `start + ⌊k × durationMs / slices⌋`.
 *
 * @example
 * ```ts
 * sliceTimes(1_000, 60_000, 4); // [1000, 16000, 31000, 46000]
 * ```
 */
export function sliceTimes(start: number, durationMs: number, slices: number): number[] {
  return Array.from({ length: slices }, (_, k) => start + Math.floor((k * durationMs) / slices));
}

