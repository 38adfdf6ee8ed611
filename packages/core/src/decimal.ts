/**
 * Exact money arithmetic. rxtrade uses its own clone of decimal.js (34 significant digits, half-even
 * rounding) so that it never changes the global decimal.js configuration of the application.
 * Prices, quantities, cash, fees and P&L are `Decimal`; market data and features are `number`.
 */
// The named export, not the default one: decimal.js ships one CommonJS-typed declaration file for both
// of its entries, so under node16/nodenext a default import from ESM types as the whole module object
// (not constructable). `Decimal` is a named export of both entries at runtime and in the types.
import { Decimal as DecimalJs } from 'decimal.js';
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
  // Most ticks and lots are powers of ten (0.01, 1, 0.001): rounding to decimal places is the same and
  // avoids a division, the costliest Decimal operation.
  const places = powerOfTenPlaces(increment);
  // A value already on the grid is its own rounding (a Decimal never changes): no copy.
  if (places !== undefined) return value.decimalPlaces() <= places ? value : value.toDecimalPlaces(places, rounding);
  return value.div(increment).toDecimalPlaces(0, rounding).mul(increment);
}

/**
 * True when `value` is a whole multiple of `increment` (a tick or lot size).
 *
 * @example
 * ```ts
 * isMultipleOf(new Decimal('100.05'), new Decimal('0.05')) // true
 * isMultipleOf(new Decimal('1.5'), new Decimal('1'))       // false
 * ```
 */
export function isMultipleOf(value: Decimal, increment: Decimal): boolean {
  const places = powerOfTenPlaces(increment);
  if (places !== undefined) return value.decimalPlaces() <= places;
  return value.mod(increment).isZero();
}

/**
 * `roundToIncrement(new Decimal(value), increment, mode)` for a number and a power-of-ten increment,
 * without building the Decimal of `value` (which prints the float64 and parses the string back: most
 * of a microsecond, for every limit price a strategy computes), or undefined when float arithmetic
 * cannot decide it and the caller must take the Decimal path.
 *
 * A Decimal built from a number holds its shortest round-trip decimal string s. With x = value x 10^k
 * (10^k exact) below 2^50, x is within |x| x 2^-52 of s x 10^k, and a grid point of spacing 10^-k is
 * more than four ulps of `value` wide:
 * - when the float nearest to round(x) / 10^k is `value`, s is that grid point (the only decimal that
 *   short in `value`'s rounding interval), and every mode returns it;
 * - otherwise s x 10^k is not an integer, and x decides each mode unless it lies within a safe margin
 *   of an integer (down, up) or of a half (nearest, half-even): those go to the Decimal path, as do
 *   zeros (whose sign decimal.js keeps) and values beyond 2^50 x 10^-k.
 * A property test compares it with the Decimal path on ties, grid points and their neighbours.
 *
 * @internal
 */
export function roundNumberToIncrement(value: number, increment: Decimal, mode: 'nearest' | 'down' | 'up'): Decimal | undefined {
  const places = powerOfTenPlaces(increment);
  if (places === undefined || places > 15) return undefined;
  const power = EXACT_POWERS[places]!;
  const x = value * power;
  const ax = Math.abs(x);
  if (!(ax < 2 ** 50)) return undefined; // NaN and infinities too
  let n = Math.round(x);
  if (n / power !== value) {
    const margin = ax * 2 ** -46;
    const floor = Math.floor(x);
    const f = x - floor; // exact: x and its floor are within one binade
    if (mode === 'nearest') {
      if (Math.abs(f - 0.5) <= margin) return undefined;
      n = f < 0.5 ? floor : floor + 1;
    } else {
      if (f <= margin || 1 - f <= margin) return undefined;
      // Toward zero (down) or away from it (up).
      n = (mode === 'down') === x >= 0 ? floor : floor + 1;
    }
  }
  if (n === 0) return undefined;
  return decimalFromScaled(n, places);
}

const POWERS_OF_TEN = new Map<number, Decimal>();

/**
 * The answers of {@link powerOfTenPlaces} for the last increments asked about, by identity (a Decimal
 * never changes): an instrument's tick and lot are the same objects on every order, and asking again
 * costs two Decimal operations.
 */
const placesSeen: (Decimal | undefined)[] = [undefined, undefined, undefined, undefined];
const placesAnswers: (number | undefined)[] = [undefined, undefined, undefined, undefined];
let placesNext = 0;

/** k when `increment` is 10^-k for some k >= 0 (1, 0.1, 0.01, …), otherwise undefined. */
function powerOfTenPlaces(increment: Decimal): number | undefined {
  for (let i = 0; i < 4; i++) if (placesSeen[i] === increment) return placesAnswers[i];
  const places = increment.decimalPlaces();
  let power = POWERS_OF_TEN.get(places);
  if (power === undefined) POWERS_OF_TEN.set(places, (power = new Decimal(10).pow(-places)));
  const answer = increment.eq(power) ? places : undefined;
  placesSeen[placesNext] = increment;
  placesAnswers[placesNext] = answer;
  placesNext = (placesNext + 1) & 3;
  return answer;
}

/** Exact powers of ten as numbers: 10^0 … 10^22 are exactly representable in a float64. */
const EXACT_POWERS = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * `value.toNumber()` without its string: the same number (the float64 nearest to the exact decimal
 * value), computed from decimal.js's digits when they allow it and by `toNumber` otherwise.
 *
 * When the digits form an integer m below 2^53 and the value is m x 10^k with |k| <= 22, both m and
 * 10^|k| are exact in a float64, and IEEE 754 rounds their product or quotient correctly, so the
 * result is the nearest float64 to the exact value, which is what `toNumber` (a correctly rounded
 * parse of the decimal string) returns too (Clinger's fast path). About ten times faster than
 * `toNumber` on prices, quantities and cash amounts.
 *
 * @example
 * ```ts
 * decimalToNumber(new Decimal('180.36')) // 180.36, as new Decimal('180.36').toNumber()
 * ```
 */
export function decimalToNumber(value: Decimal): number {
  const d = (value as unknown as { d: number[] | null }).d;
  if (d === null || d.length > 3) return value.toNumber();
  const first = d[0]!;
  if (first === 0) return value.isNeg() ? -0 : 0;
  // decimal.js keeps base-1e7 limbs, the first one without leading zeros, `e` the exponent of the first digit.
  let m = first;
  for (let i = 1; i < d.length; i++) m = m * 1e7 + d[i]!;
  if (m > 9007199254740991) return value.toNumber();
  const firstDigits = first < 10 ? 1 : first < 100 ? 2 : first < 1e3 ? 3 : first < 1e4 ? 4 : first < 1e5 ? 5 : first < 1e6 ? 6 : 7;
  const shift = (value as unknown as { e: number }).e - (firstDigits + 7 * (d.length - 1) - 1);
  let n: number;
  if (shift === 0) n = m;
  else if (shift > 0 && shift <= 22) n = m * EXACT_POWERS[shift]!;
  else if (shift < 0 && shift >= -22) n = m / EXACT_POWERS[-shift]!;
  else return value.toNumber();
  return (value as unknown as { s: number }).s < 0 ? -n : n;
}

/**
 * `m x 10^-scale` as a Decimal, built from decimal.js's own digit layout instead of printing and
 * parsing a string: about a tenth of the time of `new Decimal(`${m}e-${scale}`)`, with the same digits,
 * exponent and sign (a zero is unsigned).
 *
 * decimal.js keeps a value as limbs of 7 decimal digits aligned on the decimal point (`d`, most
 * significant first, no leading or trailing zero limb), the exponent of its first digit (`e`) and its
 * sign (`s`); the limbs of `m` are shifted by `scale` mod 7 digits (each product stays below 2^53) and
 * the zero limbs at either end dropped.
 *
 * Decimals are immutable, so a value built recently is returned again: the last value of each of
 * 4,096 slots (by a hash of `m` and `scale`) is kept. Prices on a tick grid repeat, and a backtest's
 * fills then share their price and commission objects instead of keeping one of each a fill.
 *
 * @param m a safe integer (|m| <= 2^53 - 1).
 * @param scale decimal places, an integer in [0, 22].
 * @throws RangeError when `m` is not a safe integer or `scale` is out of range.
 * @example
 * ```ts
 * decimalFromScaled(18036, 2).toString() // '180.36'
 * decimalFromScaled(-5, 9).toString()    // '-0.000000005'
 * ```
 */
export function decimalFromScaled(m: number, scale: number): Decimal {
  if (!Number.isSafeInteger(m)) throw new RangeError(`decimalFromScaled: m must be a safe integer, got ${m}`);
  if (!Number.isInteger(scale) || scale < 0 || scale > 22) throw new RangeError(`decimalFromScaled: scale must be an integer in [0, 22], got ${scale}`);
  if (m === 0) return new Decimal(0);
  // The low 32 bits of m (`| 0` keeps them, exactly, for a safe integer) and the scale, mixed
  // (Fibonacci hashing).
  const slot = Math.imul((m | 0) ^ (scale << 27), 0x9e3779b1) >>> (32 - CACHE_BITS);
  if (cacheM[slot] === m && cacheScale[slot] === scale) return cacheValue[slot]!;
  let t = m < 0 ? -m : m;
  // Fractional limbs, and the shift that aligns the last digit of m with the end of the last one.
  const fractional = Math.ceil(scale / 7);
  const shift = 7 * fractional - scale;
  const pow = EXACT_POWERS[shift]!;
  // Limbs of t x 10^shift, least significant first: each limb of t times 10^shift is below 1e13.
  const low: number[] = scratchLimbs;
  let n = 0;
  let carry = 0;
  // Quotients by 1e7 are floored divisions, not remainders (a floating-point remainder is slow): for a
  // value below 2^53 the quotient is below 2^30, so half a unit in its last place (under 6e-8) is less
  // than the distance (at least 1e-7) from any true quotient to the next integer, and the floor is exact.
  while (t > 0) {
    const above = Math.floor(t / 1e7);
    const limb = t - above * 1e7;
    t = above;
    const shifted = limb * pow + carry;
    carry = Math.floor(shifted / 1e7);
    low[n++] = shifted - carry * 1e7;
  }
  if (carry > 0) low[n++] = carry;
  // The limbs above the point and below it: pad with zero limbs when the value is under 1e-7.
  while (n < fractional) low[n++] = 0;
  // Most significant limb first, without leading zero limbs (a value below one) or trailing ones.
  let top = n - 1;
  while (low[top] === 0) top--;
  let bottom = 0;
  while (low[bottom] === 0) bottom++;
  const d: number[] = new Array<number>(top - bottom + 1);
  for (let i = top, j = 0; i >= bottom; i--, j++) d[j] = low[i]!;
  const first = d[0]!;
  const digits = first < 10 ? 1 : first < 100 ? 2 : first < 1e3 ? 3 : first < 1e4 ? 4 : first < 1e5 ? 5 : first < 1e6 ? 6 : 7;
  // A Decimal made by the constructor (so that it has the constructor's shape), given the layout.
  const x = new Decimal(1) as unknown as { s: number; e: number; d: number[] };
  x.s = m < 0 ? -1 : 1;
  x.e = 7 * (top - fractional) + digits - 1;
  x.d = d;
  cacheM[slot] = m;
  cacheScale[slot] = scale;
  cacheValue[slot] = x as unknown as Decimal;
  return x as unknown as Decimal;
}
const CACHE_BITS = 12;
/** The last value built in each slot of {@link decimalFromScaled}'s cache: its m (NaN: none), scale and Decimal. */
const cacheM = new Float64Array(1 << CACHE_BITS).fill(Number.NaN);
const cacheScale = new Int8Array(1 << CACHE_BITS);
const cacheValue: (Decimal | undefined)[] = new Array<Decimal | undefined>(1 << CACHE_BITS).fill(undefined);
const scratchLimbs: number[] = new Array<number>(8).fill(0);
