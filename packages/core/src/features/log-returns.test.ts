import { describe, expect, it } from 'vitest';
import { LogReturns } from './log-returns';
import { sp500 } from './__fixtures__/bars';
import { expectMatchesReference, expectReplaceMatchesRecompute, type Reference } from './__fixtures__/transform-checks';

const reference =
  (p: number): Reference =>
  (s, t) =>
    t < p ? undefined : Math.log(s[t]! / s[t - p]!);

describe('LogReturns', () => {
  it('computes ln(x[t] / x[t - period]) on real S&P 500 closes', () => {
    const closes = sp500().map((b) => b.close);
    expectMatchesReference(() => new LogReturns(1), reference(1), closes, 12);
    expectMatchesReference(() => new LogReturns(20), reference(20), closes, 12);
  });

  it('adds up: the sum of one-step log returns equals the n-step log return', () => {
    const closes = sp500().slice(0, 50).map((b) => b.close);
    const one = new LogReturns(1);
    const ten = new LogReturns(10);
    const steps = closes.map((x) => one.update(x));
    const tenStep = closes.map((x) => ten.update(x));
    const sum = steps.slice(40, 50).reduce((a, b) => a! + b!, 0)!;
    expect(tenStep[49]).toBeCloseTo(sum, 12);
  });

  it('revises the newest input with replace exactly as recomputing the revised series', () => {
    expectReplaceMatchesRecompute(() => new LogReturns(1), reference(1), 0.5, 1000);
  });

  it('rejects a non-positive input', () => {
    const r = new LogReturns();
    expect(() => r.update(0)).toThrow(/finite positive/);
    expect(() => r.update(-1)).toThrow(/finite positive/);
  });
});
