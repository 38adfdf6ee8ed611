import { describe, expect, it } from 'vitest';
import { Decimal, decimalFromScaled, decimalToNumber, isMultipleOf, roundNumberToIncrement, roundToIncrement, toDecimal } from './decimal';
import { ValidationError } from './errors';

const d = (x: string) => new Decimal(x);

describe('roundToIncrement', () => {
  it.each([
    ['180.364', '0.01', 'nearest', '180.36'],
    ['180.365', '0.01', 'nearest', '180.36'],
    ['180.375', '0.01', 'nearest', '180.38'],
    ['7.9', '1', 'down', '7'],
    ['-7.9', '1', 'down', '-7'],
    ['7.1', '1', 'up', '8'],
    ['100.037', '0.05', 'nearest', '100.05'],
    ['1234', '100', 'down', '1200'],
    ['0.123456789', '0.00000001', 'nearest', '0.12345679'],
  ] as const)('%s to %s (%s) is %s', (value, increment, mode, expected) => {
    expect(roundToIncrement(d(value), d(increment), mode).toString()).toBe(expected);
  });
});

describe('isMultipleOf', () => {
  it('agrees with the remainder on powers of ten and on other increments', () => {
    for (const [value, inc] of [
      ['180.36', '0.01'],
      ['180.365', '0.01'],
      ['100', '1'],
      ['100.5', '1'],
      ['100.05', '0.05'],
      ['100.07', '0.05'],
      ['300', '100'],
      ['350', '100'],
    ] as const)
      expect(isMultipleOf(d(value), d(inc)), `${value} % ${inc}`).toBe(d(value).mod(d(inc)).isZero());
  });
});

describe('toDecimal', () => {
  it('names the field of a value that is not a finite number', () => {
    expect(() => toDecimal(NaN, 'price')).toThrow(ValidationError);
    expect(() => toDecimal('abc', 'quantity')).toThrow(/quantity: must be a finite number/);
    expect(toDecimal('1e-8', 'x').toString()).toBe('0.00000001');
  });
});

/** A seeded generator (mulberry32), so that a failure reproduces. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('decimalToNumber', () => {
  it('equals toNumber on edge values', () => {
    for (const v of ['0', '-0', '1', '-1', '0.1', '0.2', '0.3', '180.36', '-3.5', '0.001', '1e-10', '1e22', '1e23', '9007199254740991', '9007199254740993', '123456789012345678', '0.1234567890123456789', '5e-324', '1e-400', '1.7976931348623157e308', '1e309', 'NaN', 'Infinity', '-Infinity', '100000000000000000000000', '0.0000001', '12345678.9', '99999999999999.99']) {
      const x = new Decimal(v);
      expect(Object.is(decimalToNumber(x), x.toNumber()), v).toBe(true);
    }
  });

  it('equals toNumber on 200,000 random prices, quantities and amounts, and on results of arithmetic', () => {
    const rand = seeded(20261206);
    for (let i = 0; i < 100_000; i++) {
      const digits = 1 + Math.floor(rand() * 20);
      let mantissa = String(1 + Math.floor(rand() * 9));
      for (let k = 1; k < digits; k++) mantissa += String(Math.floor(rand() * 10));
      const exponent = Math.floor(rand() * 50) - 30;
      const text = `${rand() < 0.3 ? '-' : ''}${mantissa}e${exponent}`;
      const x = new Decimal(text);
      expect(Object.is(decimalToNumber(x), x.toNumber()), text).toBe(true);
      // Results of the operations the ledger and the venue run: products, sums, quotients at 34 digits.
      const y = x.mul(new Decimal(rand().toFixed(4))).plus(new Decimal((rand() * 1000).toFixed(2))).div(7);
      expect(Object.is(decimalToNumber(y), y.toNumber()), `${text} -> ${y.toString()}`).toBe(true);
    }
  });
});

describe('decimalFromScaled', () => {
  const layout = (x: Decimal) => x as unknown as { s: number; e: number; d: number[] };
  it('builds the digits, exponent and sign that parsing the same value gives', () => {
    const rand = seeded(11);
    const cases: [number, number][] = [[1, 0], [10_000_000, 0], [18036, 2], [-5, 9], [12, 10], [9007199254740991, 0], [-9007199254740991, 22], [1, 22], [100, 7], [1e7, 7], [123456789, 14]];
    for (let i = 0; i < 200_000; i++) {
      const digits = 1 + Math.floor(rand() * 16);
      let m = Math.floor(rand() * 10 ** digits);
      if (!Number.isSafeInteger(m)) m = Math.floor(m / 10);
      if (rand() < 0.2) m *= 10 ** Math.floor(rand() * 4);
      if (!Number.isSafeInteger(m)) continue;
      cases.push([rand() < 0.4 ? -m : m, Math.floor(rand() * 23)]);
    }
    for (const [m, s] of cases) {
      const fast = layout(decimalFromScaled(m, s));
      const parsed = layout(new Decimal(`${m}e-${s}`));
      if (m === 0) {
        expect(new Decimal(fast as unknown as Decimal).isZero()).toBe(true);
        continue;
      }
      expect([fast.s, fast.e, fast.d], `${m}e-${s}`).toEqual([parsed.s, parsed.e, parsed.d]);
    }
  });

  it('returns a recent value again, and the right value whatever shares its cache slot', () => {
    const rand = seeded(12);
    // A tick grid: a few hundred prices at 2 places, each also at other scales and signs, in random order.
    const keys: [number, number][] = [];
    for (let i = 0; i < 3000; i++) keys.push([(rand() < 0.5 ? -1 : 1) * (9000 + Math.floor(rand() * 400)), Math.floor(rand() * 4)]);
    // Values whose m differ only above its low 32 bits land in one slot; and one m at many scales.
    for (let k = 0; k < 50; k++) keys.push([k * 2 ** 32 + 7, 2], [7, k % 23]);
    const first = new Map<string, Decimal>();
    let same = 0;
    for (const [m, s] of [...keys, ...keys]) {
      const x = decimalFromScaled(m, s);
      expect(x.toString(), `${m}e-${s}`).toBe(new Decimal(`${m}e-${s}`).toString());
      const key = `${m}e-${s}`;
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, x);
      else if (earlier === x) same++;
    }
    // Most repeats of the 800 grid prices come back as the same object.
    expect(same).toBeGreaterThan(3000);
    expect(decimalFromScaled(18036, 2)).toBe(decimalFromScaled(18036, 2));
  });

  it('gives Decimals that compute as parsed ones do, and refuses what it cannot represent', () => {
    const x = decimalFromScaled(18036, 2);
    expect(x.mul(100).plus('0.5').toString()).toBe('18036.5');
    expect(decimalFromScaled(-5, 9).toString()).toBe('-0.000000005');
    expect(decimalFromScaled(0, 5).toString()).toBe('0');
    expect(() => decimalFromScaled(2 ** 53, 0)).toThrow(RangeError);
    expect(() => decimalFromScaled(1.5, 0)).toThrow(RangeError);
    expect(() => decimalFromScaled(1, 23)).toThrow(RangeError);
  });
});

describe('roundNumberToIncrement', () => {
  const MODES = ['nearest', 'down', 'up'] as const;
  const bits = new Float64Array(1);
  const ints = new BigInt64Array(bits.buffer);
  /** The next float64 after `x` towards +infinity (`step` 1) or -infinity (`step` -1), for positive x. */
  const neighbour = (x: number, step: number): number => {
    bits[0] = x;
    ints[0] = ints[0]! + BigInt(step);
    return bits[0];
  };
  /** The Decimal path it must equal. */
  const slow = (v: number, inc: Decimal, mode: (typeof MODES)[number]): Decimal => roundToIncrement(new Decimal(v), inc, mode);

  it('equals rounding the Decimal of the number on grid points, ties, their neighbours and random values, in every mode', () => {
    let rnd = 12345;
    const next = (): number => {
      rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0;
      return rnd / 2 ** 32;
    };
    const values: number[] = [1.005, 2.675, 0.125, 0.375, 1.115, 8.345, 0.1 + 0.2, 100.1, 1e-9, 123456789.125, 4503599627370495.5, 0.5, 1.5, 2.5, -1.005, -2.5, -0.125];
    for (let i = 0; i < 4000; i++) {
      const j = Math.floor(next() * 13);
      const m = Math.floor(next() * 10 ** (1 + Math.floor(next() * 12)));
      const v = m / 10 ** j;
      const tie = (m + 0.5) / 10 ** Math.floor(next() * 9);
      const sign = next() < 0.2 ? -1 : 1;
      for (const x of [v, tie, next() * 10 ** (Math.floor(next() * 16) - 6)]) {
        if (!(x > 0)) continue;
        values.push(sign * x, sign * neighbour(x, 1), sign * neighbour(x, -1));
      }
    }
    let fast = 0;
    for (let k = 0; k <= 10; k++) {
      const inc = new Decimal(10).pow(-k);
      for (const v of values)
        for (const mode of MODES) {
          const got = roundNumberToIncrement(v, inc, mode);
          if (got === undefined) continue;
          fast++;
          const want = slow(v, inc, mode);
          if (got.toString() !== want.toString() || got.isNegative() !== want.isNegative()) throw new Error(`${v} to ${inc.toString()} (${mode}): ${got.toString()}, Decimal path ${want.toString()}`);
        }
    }
    // The fast path answers most cases, though the values were chosen to be hard (ties, neighbours, beyond 2^50).
    expect(fast).toBeGreaterThan(values.length * 3 * 11 * 0.6);
  });

  it('leaves ties, values a rounding error from a grid point, zeros, huge values and other increments to the Decimal path', () => {
    const cent = new Decimal('0.01');
    expect(roundNumberToIncrement(1.005, cent, 'nearest')).toBeUndefined(); // exactly half a cent in decimal
    expect(roundNumberToIncrement(0.1 + 0.2, cent, 'down')).toBeUndefined(); // 0.30000000000000004: a hair above 0.30
    expect(roundNumberToIncrement(0.001, cent, 'nearest')).toBeUndefined(); // rounds to zero (decimal.js keeps its sign)
    expect(roundNumberToIncrement(1e20, cent, 'nearest')).toBeUndefined();
    expect(roundNumberToIncrement(Number.NaN, cent, 'nearest')).toBeUndefined();
    expect(roundNumberToIncrement(101.25, new Decimal('0.05'), 'nearest')).toBeUndefined();
    expect(roundNumberToIncrement(101.2345, cent, 'nearest')?.toString()).toBe('101.23');
    expect(roundNumberToIncrement(101.2355, cent, 'up')?.toString()).toBe('101.24');
    expect(roundNumberToIncrement(-101.2355, cent, 'down')?.toString()).toBe('-101.23');
    expect(roundNumberToIncrement(100.1, cent, 'down')?.toString()).toBe('100.1'); // on the grid in decimal, though 10010.000000000002 in binary
  });
});
