/**
 * Exact arithmetic for the hot path (internal). Decimals at the API are converted once into integer
 * counts of a grid step (ticks, lots, money quanta of 10^-D) held in plain numbers: every integer up to
 * 2^53 is exact in a double, and the product of integers is exact whenever the true product is at most
 * 2^53 (a computed product above that bound proves the true one is above it too, because rounding is
 * monotone). Comparisons of products fall back to BigInt when either side leaves the exact range, so
 * no comparison is ever decided on a rounded value.
 */
import { Decimal } from '@rxtrade/core';

export const MAX_EXACT = Number.MAX_SAFE_INTEGER;

const POW10: number[] = [];
for (let i = 0; i <= 22; i++) POW10.push(10 ** i);

/** A grid step such as a tick or lot size: step = unit * 10^-scale with `unit` an integer. */
export interface Grid {
  readonly step: Decimal;
  readonly unit: number;
  readonly scale: number;
  /** The step as a number (for rounding market data, which are numbers). */
  readonly stepNumber: number;
}

/** Builds the grid of `step` (a positive Decimal with at most 15 significant digits). */
export function gridOf(step: Decimal): Grid {
  const scale = Math.max(0, step.decimalPlaces());
  const unit = step.mul(new Decimal(10).pow(scale)).toNumber();
  if (!Number.isSafeInteger(unit) || unit <= 0) throw new RangeError(`grid step ${step.toString()} is out of the exact range`);
  return { step, unit, scale, stepNumber: step.toNumber() };
}

function digitsOf(w: number): number {
  return w >= 1e6 ? 7 : w >= 1e5 ? 6 : w >= 1e4 ? 5 : w >= 1e3 ? 4 : w >= 100 ? 3 : w >= 10 ? 2 : 1;
}

/**
 * The number of grid steps in `value`: an integer; NaN when `value` is not a multiple of the step;
 * +-Infinity when it is beyond the exact range. Reads decimal.js' digits directly (no allocation).
 */
export function toUnits(value: Decimal, g: Grid): number {
  const words = value.d;
  if (!words) return NaN;
  const n = words.length;
  let c = words[0]!;
  let digits = digitsOf(c);
  for (let i = 1; i < n; i++) {
    c = c * 1e7 + words[i]!;
    digits += 7;
  }
  if (c > MAX_EXACT) return slowUnits(value, g);
  const x = value.e + 1 - digits + g.scale;
  let v: number;
  if (x >= 0) {
    if (x > 22) return slowUnits(value, g);
    v = c * POW10[x]!;
    if (v > MAX_EXACT) return slowUnits(value, g);
  } else {
    if (-x > 22) return NaN;
    const p = POW10[-x]!;
    if (c % p !== 0) return NaN;
    v = c / p;
  }
  if (v % g.unit !== 0) return NaN;
  return value.s * (v / g.unit);
}

function slowUnits(value: Decimal, g: Grid): number {
  const u = value.div(g.step);
  if (!u.isInteger()) return NaN;
  const n = u.toNumber();
  return Number.isSafeInteger(n) ? n : u.s * Infinity;
}

/** Steps in `value`, rounded up (away from zero) when off the grid: conservative for limits. */
export function toUnitsCeil(value: Decimal, g: Grid): number {
  const u = value.div(g.step).toDecimalPlaces(0, Decimal.ROUND_UP).toNumber();
  return Number.isSafeInteger(u) ? u : Math.sign(u) * Infinity;
}

/** Nearest grid step count for a market-data price (a plain number). */
export function priceToUnits(price: number, g: Grid): number {
  return Math.round(price / g.stepNumber);
}

const QUANTUM_GRIDS: Grid[] = [];
for (let d = 0; d <= 15; d++) QUANTUM_GRIDS.push({ step: new Decimal(10).pow(-d), unit: 1, scale: d, stepNumber: 10 ** -d });

/** Converts money to quanta of 10^-decimals, rounding as asked; +-Infinity beyond the exact range. */
export function moneyToQuanta(value: Decimal, decimals: number, rounding: number = Decimal.ROUND_HALF_EVEN): number {
  const exact = toUnits(value, QUANTUM_GRIDS[decimals]!);
  if (exact === exact) return exact;
  const q = value.mul(new Decimal(10).pow(decimals)).toDecimalPlaces(0, rounding as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8).toNumber();
  return Number.isSafeInteger(q) ? q : Math.sign(q) * Infinity;
}

/** Money quanta back to a Decimal (slow path: messages only). */
export function quantaToDecimal(q: number, decimals: number): Decimal {
  return Number.isFinite(q) ? new Decimal(q).div(new Decimal(10).pow(decimals)) : new Decimal(q);
}

/** A limit that is a fraction or multiple (leverage 2.5, drawdown 0.1) as num / den, exact. */
export interface Ratio {
  readonly num: number;
  readonly den: number;
  readonly value: Decimal;
}

/** Builds the exact {@link Ratio} of a Decimal. */
export function ratioOf(value: Decimal): Ratio {
  const dp = Math.max(0, value.decimalPlaces());
  const den = 10 ** dp;
  const num = value.mul(den).toNumber();
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den)) throw new RangeError(`ratio ${value.toString()} has too many digits`);
  return { num, den, value };
}

/**
 * Exactly whether a * b > c * d for integers (Infinity allowed on either side). NaN anywhere answers
 * true, so that a gate that cannot compute its value denies rather than approves.
 */
export function productGreater(a: number, b: number, c: number, d: number): boolean {
  const left = a * b;
  const right = c * d;
  if (left !== left || right !== right) return true;
  if (Math.abs(left) <= MAX_EXACT && Math.abs(right) <= MAX_EXACT) return left > right;
  if (!Number.isFinite(left) || !Number.isFinite(right) || !Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !Number.isSafeInteger(c) || !Number.isSafeInteger(d))
    return left > right;
  return BigInt(a) * BigInt(b) > BigInt(c) * BigInt(d);
}

/** Exact product of integers as a Decimal (slow path: messages only). */
export function exactProduct(...factors: number[]): Decimal {
  let r = new Decimal(1);
  for (const f of factors) r = r.mul(f);
  return r;
}
