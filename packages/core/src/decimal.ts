/**
 * Exact money arithmetic. rxtrade uses its own clone of decimal.js (34 significant digits, half-even
 * rounding) so that it never changes the global decimal.js configuration of the application.
 * Prices, quantities, cash, fees and P&L are `Decimal`; market data and features are `number`.
 */
import DecimalJs from 'decimal.js';
import { ValidationError } from './errors';

/**
 * The `Decimal` constructor used across rxtrade.
 *
 * @example
 * ```ts
 * const notional = new Decimal('180.36').mul(100); // 18036
 * ```
 */
export const Decimal = DecimalJs.clone({ precision: 34, rounding: DecimalJs.ROUND_HALF_EVEN, toExpNeg: -30, toExpPos: 40 });
/** A decimal.js instance. */
export type Decimal = DecimalJs;
/** Anything {@link toDecimal} accepts: a Decimal, a finite number or a numeric string. */
export type DecimalLike = DecimalJs.Value;

/** Zero, shared to avoid allocating. */
export const ZERO: Decimal = new Decimal(0);

/**
 * Converts a number, string or Decimal to a Decimal, failing with a {@link ValidationError} that names
 * `field` when the value is not a finite number.
 *
 * @example
 * ```ts
 * toDecimal('0.01', 'tickSize') // Decimal 0.01
 * toDecimal(NaN, 'price')       // throws ValidationError "price: must be a finite number, got NaN"
 * ```
 */
export function toDecimal(value: DecimalLike, field = 'value'): Decimal {
  if (value instanceof Decimal) return value;
  let d: Decimal;
  try {
    d = new Decimal(value);
  } catch {
    throw new ValidationError([{ path: [field], message: `must be a finite number, got ${JSON.stringify(String(value))}` }]);
  }
  if (!d.isFinite()) throw new ValidationError([{ path: [field], message: `must be a finite number, got ${String(value)}` }]);
  return d;
}

/**
 * Rounds `value` to a multiple of `increment` (a tick or lot size).
 *
 * @param mode `'nearest'` (half-even), `'down'` (toward zero) or `'up'` (away from zero).
 * @example
 * ```ts
 * roundToIncrement(new Decimal('100.037'), new Decimal('0.05')) // 100.05
 * roundToIncrement(new Decimal('7.9'), new Decimal('1'), 'down') // 7
 * ```
 */
export function roundToIncrement(value: Decimal, increment: Decimal, mode: 'nearest' | 'down' | 'up' = 'nearest'): Decimal {
  const rounding =
    mode === 'nearest' ? Decimal.ROUND_HALF_EVEN : mode === 'down' ? Decimal.ROUND_DOWN : Decimal.ROUND_UP;
  return value.div(increment).toDecimalPlaces(0, rounding).mul(increment);
}
