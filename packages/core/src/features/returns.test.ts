import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import { Returns } from './returns';
import { sp500 } from './__fixtures__/bars';
import { expectMatchesReference, expectReplaceMatchesRecompute, type Reference } from './__fixtures__/transform-checks';

const reference =
  (p: number): Reference =>
  (s, t) =>
    t < p ? undefined : s[t]! / s[t - p]! - 1;

describe('Returns', () => {
  it('computes x[t] / x[t - period] - 1 on real S&P 500 closes, for periods 1 and 5', () => {
    const closes = sp500().map((b) => b.close);
    expectMatchesReference(() => new Returns(1), reference(1), closes, 12);
    expectMatchesReference(() => new Returns(5), reference(5), closes, 12);
  });

  it('gives the hand-computed values of a small series', () => {
    const r = new Returns(1);
    expect([100, 110, 99].map((x) => r.update(x))).toEqual([undefined, 0.10000000000000009, -0.09999999999999998]);
  });

  it('revises the newest input with replace exactly as recomputing the revised series', () => {
    expectReplaceMatchesRecompute(() => new Returns(2), reference(2), 1, 1000);
  });

  it('rejects a non-finite input and a zero base, and starts over after reset', () => {
    const r = new Returns(1);
    expect(() => r.update(Number.NaN)).toThrow(ValidationError);
    r.update(0);
    expect(() => r.update(5)).toThrow(/base value is 0/);
    r.reset();
    expect(r.update(5)).toBeUndefined();
    expect(r.update(10)).toBe(1);
    expect(() => new Returns(0)).toThrow(/period/);
  });
});
