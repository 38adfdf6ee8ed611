/**
 * An exact running value (a balance, a position, a sum of fees) that changes without allocating: it
 * is held as a safe integer over a power of ten while it fits, and as a Decimal when it does not.
 */
import { Decimal, ZERO, decimalFromScaled } from './decimal';

const MAX = Number.MAX_SAFE_INTEGER;
/** 10^0 … 10^22, each exact in a float64. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
const MAX_SCALE = 22;
/** The largest m for which m x 1e7 + (any limb below 1e7) is still at most 2^53 - 1. */
const SAFE_BEFORE_LIMB = Math.floor((MAX - 9_999_999) / 1e7);

// The result of `split`, kept in module variables so that reading a Decimal allocates nothing.
let splitM = 0;
let splitS = 0;

// The last two Decimals `split` read and what it read: a fill's price, quantity and commission are read
// several times in a row (the venue's position, the fee, the traded notional, the ledger's cash and
// position), half the reads of an order. A Decimal never changes, so its identity is its value.
let memoA: Decimal | undefined;
let memoAOk = false;
let memoAM = 0;
let memoAS = 0;
let memoB: Decimal | undefined;
let memoBOk = false;
let memoBM = 0;
let memoBS = 0;

/**
 * Reads `d` as `splitM / 10^splitS`, `splitM` a safe integer without trailing zeros (unless `splitS`
 * is 0) and `0 <= splitS <= 22`; false when it does not fit (then nothing is set).
 */
function split(d: Decimal): boolean {
  if (d === memoA) {
    if (!memoAOk) return false;
    splitM = memoAM;
    splitS = memoAS;
    return true;
  }
  if (d === memoB) {
    if (!memoBOk) return false;
    splitM = memoBM;
    splitS = memoBS;
    return true;
  }
  const ok = splitDigits(d);
  memoB = memoA;
  memoBOk = memoAOk;
  memoBM = memoAM;
  memoBS = memoAS;
  memoA = d;
  memoAOk = ok;
  memoAM = splitM;
  memoAS = splitS;
  return ok;
}

/** {@link split} without the memo: reads the digits. */
function splitDigits(d: Decimal): boolean {
  const w = (d as unknown as { d: number[] | null }).d;
  if (w === null) return false;
  const n = w.length;
  const first = w[0]!;
  if (first === 0) {
    splitM = 0;
    splitS = 0;
    return true;
  }
  // decimal.js keeps base-1e7 limbs aligned on the decimal point: the first limb's weight is
  // 1e7^floor(e / 7) (`e` is the exponent of the first digit), each next limb's 1e7 times less.
  let m = first;
  for (let i = 1; i < n; i++) {
    const limb = w[i]!;
    // Below this bound no limb can take m past 2^53 - 1: the division is needed only above it.
    if (m > SAFE_BEFORE_LIMB && m > (MAX - limb) / 1e7) return false;
    m = m * 1e7 + limb;
  }
  let low = Math.floor((d as unknown as { e: number }).e / 7) - (n - 1);
  let s = 0;
  if (low >= 0) {
    for (; low > 0; low--) {
      if (m > MAX / 1e7) return false;
      m *= 1e7;
    }
  } else {
    s = -7 * low;
    // Drops trailing zeros. For an integer |m| <= 2^53 - 1, m / 10 is an integer exactly when 10
    // divides m: otherwise its fraction (0.1 to 0.9) is at least 0.1 from an integer, more than half a
    // unit in the last place of a quotient below 2^50 (1/16), so it cannot round to one. This costs a
    // division, where `m % 10` on a number above 2^31 is a much slower floating-point remainder.
    while (s > 0) {
      const q = m / 10;
      if (q !== Math.trunc(q)) break;
      m = q;
      s--;
    }
    if (s > MAX_SCALE) return false;
  }
  splitM = (d as unknown as { s: number }).s < 0 ? -m : m;
  splitS = s;
  return true;
}

/**
 * An exact decimal value that is updated in place: `add`, `sub`, `mul` and the products change it
 * without allocating while it is a safe integer over a power of ten (at most 2^53 - 1 units of at most
 * 22 decimal places: a balance of 90 billion to 5 decimals, say), and fall back to decimal.js for
 * good when it is not. Every result equals what the same decimal.js operations give (they round only
 * beyond 34 significant digits, and a safe integer has at most 16). {@link value} builds the Decimal
 * once per change, when it is read; {@link toNumber} gives the float64 nearest to the exact value
 * without one.
 *
 * Made for ledgers and order books on the hot path: a fill updates cash, position, cost, fees and P&L
 * in integer arithmetic, and the Decimals appear only where they are read.
 *
 * @example
 * ```ts
 * const cash = new DecimalAccumulator(new Decimal('100000'));
 * cash.subProduct(new Decimal('100'), new Decimal('180.36')); // pays 100 x 180.36
 * cash.sub(new Decimal('36.072'));                             // and the commission
 * cash.value.toString();                                      // '81927.928'
 * cash.toNumber();                                            // 81927.928
 * ```
 */
export class DecimalAccumulator {
  /** While `big` is undefined, the value is `m / 10^s`. */
  private m = 0;
  private s = 0;
  /** The value, when it does not fit the integer form. */
  private big: Decimal | undefined = undefined;
  /** The value as a Decimal, built when first read after a change. */
  private cached: Decimal | undefined = ZERO;

  /** @param initial the starting value (default 0). */
  constructor(initial?: Decimal) {
    if (initial !== undefined) this.set(initial);
  }

  /** The value as a Decimal (built once per change). */
  get value(): Decimal {
    const c = this.cached;
    if (c !== undefined) return c;
    const big = this.big;
    if (big !== undefined) return (this.cached = big);
    return (this.cached = decimalFromScaled(this.m, this.s));
  }

  /** The float64 nearest to the value (as `value.toNumber()`), without building a Decimal. */
  toNumber(): number {
    if (this.big !== undefined) return this.big.toNumber();
    return this.s === 0 ? this.m : this.m / POW10[this.s]!;
  }

  /** Whether the value is zero. */
  isZero(): boolean {
    return this.big !== undefined ? this.big.isZero() : this.m === 0;
  }

  /** Whether the value is below zero. */
  isNegative(): boolean {
    return this.big !== undefined ? this.big.isNegative() && !this.big.isZero() : this.m < 0;
  }

  /** Replaces the value. */
  set(value: Decimal): this {
    this.cached = value;
    if (split(value)) {
      this.m = splitM;
      this.s = splitS;
      this.big = undefined;
    } else this.big = value;
    return this;
  }

  /** Adds `value`. */
  add(value: Decimal | DecimalAccumulator): this {
    return this.addScaled(value, 1);
  }

  /** Subtracts `value`. */
  sub(value: Decimal | DecimalAccumulator): this {
    return this.addScaled(value, -1);
  }

  /** Multiplies by `value`. */
  mul(value: Decimal | DecimalAccumulator): this {
    if (this.big === undefined && DecimalAccumulator.read(value)) {
      const p = this.m * splitM;
      const s = this.s + splitS;
      if (Number.isSafeInteger(p) && this.fits(p, s)) return this;
    }
    return this.setBig(this.value.mul(value instanceof DecimalAccumulator ? value.value : value));
  }

  /** Changes the sign. */
  neg(): this {
    if (this.big !== undefined) return this.setBig(this.big.neg());
    if (this.m !== 0) {
      this.m = -this.m;
      this.cached = undefined;
    }
    return this;
  }

  /** Replaces the value with `a x b`. */
  setProduct(a: Decimal, b: Decimal): this {
    if (split(a)) {
      const am = splitM;
      const as = splitS;
      if (split(b)) {
        const p = am * splitM;
        if (Number.isSafeInteger(p) && this.fits(p, as + splitS)) {
          this.big = undefined;
          return this;
        }
      }
    }
    return this.setBig(a.mul(b));
  }

  /** Adds `a x b`. */
  addProduct(a: Decimal, b: Decimal): this {
    return this.addProductScaled(a, b, 1);
  }

  /** Subtracts `a x b`. */
  subProduct(a: Decimal, b: Decimal): this {
    return this.addProductScaled(a, b, -1);
  }

  /** Compares the magnitude of the value with `value` (>= 0): -1, 0 or 1. */
  cmpAbs(value: Decimal): number {
    if (this.big === undefined && split(value)) {
      const a = Math.abs(this.m);
      const b = splitM;
      const s = this.s;
      const t = splitS;
      // Compare a / 10^s with b / 10^t exactly: scale the one with fewer places, when that stays exact.
      if (s === t) return a < b ? -1 : a > b ? 1 : 0;
      if (s < t) {
        const k = a * POW10[t - s]!;
        if (Number.isSafeInteger(k)) return k < b ? -1 : k > b ? 1 : 0;
      } else {
        const k = b * POW10[s - t]!;
        if (Number.isSafeInteger(k)) return a < k ? -1 : a > k ? 1 : 0;
      }
    }
    return this.value.abs().cmp(value);
  }

  private addScaled(value: Decimal | DecimalAccumulator, sign: 1 | -1): this {
    if (this.big === undefined && DecimalAccumulator.read(value) && this.addFast(sign * splitM, splitS)) return this;
    const v = value instanceof DecimalAccumulator ? value.value : value;
    return this.setBig(sign === 1 ? this.value.plus(v) : this.value.minus(v));
  }

  private addProductScaled(a: Decimal, b: Decimal, sign: 1 | -1): this {
    if (this.big === undefined && split(a)) {
      const am = splitM;
      const as = splitS;
      if (split(b)) {
        const p = am * splitM;
        if (Number.isSafeInteger(p) && as + splitS <= MAX_SCALE && this.addFast(sign * p, as + splitS)) return this;
      }
    }
    const product = a.mul(b);
    return this.setBig(sign === 1 ? this.value.plus(product) : this.value.minus(product));
  }

  /** Adds `m / 10^s` in the integer form; false (value unchanged) when the result would not fit. */
  private addFast(m: number, s: number): boolean {
    if (m === 0) return true;
    let a = this.m;
    let b = m;
    let scale = this.s;
    if (s > scale) {
      a *= POW10[s - scale]!;
      scale = s;
    } else if (s < scale) b *= POW10[scale - s]!;
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) return false;
    const r = a + b;
    if (!Number.isSafeInteger(r)) return false;
    return this.fits(r, scale);
  }

  /** Stores `m / 10^s` (m a safe integer) with trailing zeros dropped; false when s stays above 22. */
  private fits(m: number, s: number): boolean {
    // Trailing zeros are dropped as in `split` (m / 10 is an integer exactly when 10 divides m).
    // A zero is stored as +0 with no places (decimal.js would keep the sign of a zero product).
    if (m === 0) {
      m = 0;
      s = 0;
    }
    while (s > 0) {
      const q = m / 10;
      if (q !== Math.trunc(q)) break;
      m = q;
      s--;
    }
    if (s > MAX_SCALE) return false;
    this.m = m;
    this.s = s;
    this.cached = undefined;
    return true;
  }

  /** Reads an operand into `splitM` / `splitS`; false when it does not fit. */
  private static read(value: Decimal | DecimalAccumulator): boolean {
    if (value instanceof DecimalAccumulator) {
      if (value.big !== undefined) return false;
      splitM = value.m;
      splitS = value.s;
      return true;
    }
    return split(value);
  }

  private setBig(value: Decimal): this {
    this.big = value;
    this.cached = value;
    return this;
  }
}
