import { describe, expect, it } from 'vitest';
import { Decimal } from './decimal';
import { DecimalAccumulator } from './decimal-accumulator';

/** A seeded generator (mulberry32), so that a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values of every kind a ledger meets, and some it should not: tiny, huge, many digits, zeros. */
function value(rand: () => number): Decimal {
  const r = rand();
  const digits = 1 + Math.floor(rand() * (r < 0.9 ? 12 : 40));
  let m = String(1 + Math.floor(rand() * 9));
  for (let i = 1; i < digits; i++) m += String(Math.floor(rand() * 10));
  const exp = Math.floor(rand() * 30) - (r < 0.8 ? 12 : 25);
  const sign = rand() < 0.4 ? '-' : '';
  return rand() < 0.05 ? new Decimal(0) : new Decimal(`${sign}${m}e${exp}`);
}

const same = (acc: DecimalAccumulator, expected: Decimal): void => {
  expect(acc.value.eq(expected), `${acc.value.toString()} vs ${expected.toString()}`).toBe(true);
  expect(acc.value.toString()).toBe(expected.toString());
  // A zero is unsigned here (`+ 0` turns -0 into 0); decimal.js keeps the sign of a zero.
  expect(acc.toNumber() + 0).toBe(expected.toNumber() + 0);
  expect(acc.isZero()).toBe(expected.isZero());
  expect(acc.isNegative()).toBe(expected.isNegative() && !expected.isZero());
};

describe('DecimalAccumulator', () => {
  it('gives what the same decimal.js operations give, over random sequences of every operation', () => {
    const rand = rng(7);
    for (let run = 0; run < 400; run++) {
      let expected = value(rand);
      const acc = new DecimalAccumulator(expected);
      same(acc, expected);
      for (let step = 0; step < 25; step++) {
        const a = value(rand);
        const b = value(rand);
        const op = Math.floor(rand() * 9);
        if (op === 0) (acc.add(a), (expected = expected.plus(a)));
        else if (op === 1) (acc.sub(a), (expected = expected.minus(a)));
        else if (op === 2) (acc.addProduct(a, b), (expected = expected.plus(a.mul(b))));
        else if (op === 3) (acc.subProduct(a, b), (expected = expected.minus(a.mul(b))));
        else if (op === 4 && rand() < 0.3) (acc.mul(a), (expected = expected.mul(a)));
        else if (op === 5) (acc.neg(), (expected = expected.neg()));
        else if (op === 6) (acc.set(a), (expected = a));
        else if (op === 7) (acc.setProduct(a, b), (expected = a.mul(b)));
        else {
          const other = new DecimalAccumulator(a);
          acc.add(other);
          expected = expected.plus(a);
          expect(acc.cmpAbs(b.abs())).toBe(expected.abs().cmp(b.abs()));
        }
        same(acc, expected);
      }
    }
  });

  it('reads and sums values with up to 16 digits, trailing zeros or not, as decimal.js does', () => {
    // Trailing zeros are dropped by testing whether m / 10 is an integer: exact for every safe integer,
    // and most at risk next to 2^53, where a quotient has the fewest places after the point.
    const rand = rng(11);
    const edges = [9_007_199_254_740_991, 9_007_199_254_740_990, 9_007_199_254_740_900, 9_007_199_254_740_000, 900_719_925_474_099, 4_503_599_627_370_497, 999_999_999_999_999, 1_000_000_000_000_000];
    const ms = [...edges];
    for (let i = 0; i < 2_000; i++) {
      const digits = 10 + Math.floor(rand() * 7);
      let m = 1 + Math.floor(rand() * 9);
      for (let k = 1; k < digits; k++) m = m * 10 + (rand() < 0.4 ? 0 : Math.floor(rand() * 10));
      if (Number.isSafeInteger(m)) ms.push(m);
    }
    for (const m of ms) {
      for (const scale of [0, 1, 2, 3, 7, 8, 9, 14, 15, 16, 22]) {
        const x = new Decimal(m).div(new Decimal(10).pow(scale));
        const acc = new DecimalAccumulator(x);
        acc.add(new Decimal('0.1'));
        same(acc, x.plus('0.1'));
        acc.set(x).sub(x.neg());
        same(acc, x.mul(2));
        acc.set(new Decimal(1)).addProduct(x, new Decimal('0.5'));
        same(acc, x.mul('0.5').plus(1));
      }
    }
  });

  it('stays in integer form on money-sized values and leaves it only when a value stops fitting', () => {
    const cash = new DecimalAccumulator(new Decimal('100000'));
    for (let i = 0; i < 1000; i++) {
      cash.subProduct(new Decimal(100), new Decimal('180.36'));
      cash.sub(new Decimal('36.072'));
      cash.addProduct(new Decimal(100), new Decimal('181.07'));
      cash.sub(new Decimal('36.214'));
    }
    let expected = new Decimal('100000');
    for (let i = 0; i < 1000; i++) expected = expected.minus(new Decimal(100).mul('180.36')).minus('36.072').plus(new Decimal(100).mul('181.07')).minus('36.214');
    expect(cash.value.toString()).toBe(expected.toString());
    expect(cash.value.toString()).toBe('98714');
    expect((cash as unknown as { big: unknown }).big).toBeUndefined();
    // 2^53 units at 22 places is the limit: a 23rd place, or a 17th digit, moves to decimal.js.
    cash.add(new Decimal('1e-23'));
    expect((cash as unknown as { big: unknown }).big).toBeInstanceOf(Decimal);
    expect(cash.value.toString()).toBe(new Decimal('98714').plus('1e-23').toString());
    cash.set(new Decimal('5'));
    expect((cash as unknown as { big: unknown }).big).toBeUndefined();
    cash.add(new Decimal('9007199254740991'));
    expect(cash.value.toString()).toBe('9007199254740996');
    expect((cash as unknown as { big: unknown }).big).toBeInstanceOf(Decimal);
  });

  it('builds a Decimal only when read after a change, and keeps a Decimal it was given', () => {
    const given = new Decimal('12.5');
    const acc = new DecimalAccumulator(given);
    expect(acc.value).toBe(given);
    acc.add(new Decimal('0.5'));
    const first = acc.value;
    expect(first.toString()).toBe('13');
    expect(acc.value).toBe(first);
    acc.add(new Decimal(0));
    expect(acc.value).toBe(first);
  });

  it('reads zeros as zero, signed or not, and cancels to an unsigned zero', () => {
    const acc = new DecimalAccumulator(new Decimal('-0'));
    expect(acc.isZero()).toBe(true);
    expect(acc.isNegative()).toBe(false);
    acc.add(new Decimal('-3.25')).add(new Decimal('3.25'));
    expect(acc.isZero()).toBe(true);
    expect(acc.value.toString()).toBe('0');
    expect(acc.value.isNegative()).toBe(false);
  });
});
