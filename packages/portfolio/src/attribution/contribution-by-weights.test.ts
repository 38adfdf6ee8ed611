import { ValidationError } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { benchmarkReference, edhecReturns } from '../__fixtures__/edhec';
import { contributionByWeights } from './contribution-by-weights';

describe('contributionByWeights', () => {
  it('matches R on equal weights over the 13 EDHEC indices, and per period the contributions add up to the portfolio return', () => {
    const ref = benchmarkReference();
    const { names, columns } = edhecReturns();
    const returns = Object.fromEntries(names.map((n, j) => [n, columns[j]!]));
    const weights = Object.fromEntries(names.map((n) => [n, 1 / names.length]));
    const c = contributionByWeights({ returns, weights });
    names.forEach((n, j) => expect(Math.abs(c.byKey[n]!.total - ref.equalWeightContributionTotals[j]!)).toBeLessThan(1e-14));
    let growth = 1;
    for (let t = 0; t < c.portfolio.length; t++) {
      let sum = 0;
      for (const n of names) sum += c.byKey[n]!.perPeriod[t]!;
      expect(c.portfolio[t]).toBe(sum);
      expect(Math.abs(c.cash[t]!)).toBeLessThan(1e-15);
      growth *= 1 + c.portfolio[t]!;
    }
    expect(Math.abs(growth - 1 - ref.equalWeightCumulativeReturn)).toBeLessThan(1e-12);
  });

  it('takes beginning-of-period weights per period and leaves the rest in cash at 0%', () => {
    const c = contributionByWeights({ returns: { A: [0.1, -0.05], B: [0.02, 0.04] }, weights: { A: [0.5, 0.2], B: 0.3 } });
    expect(Array.from(c.byKey.A!.perPeriod)).toEqual([0.05, -0.010000000000000002]);
    expect(c.portfolio[0]).toBeCloseTo(0.05 + 0.006, 15);
    expect(c.portfolio[1]).toBeCloseTo(-0.01 + 0.012, 15);
    expect(Array.from(c.cash)).toEqual([0.2, 0.5].map((x, i) => (i === 0 ? 1 - 0.5 - 0.3 : 1 - 0.2 - 0.3)));
  });

  it('rejects a weight without returns and series of different lengths, naming the field', () => {
    const field = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).field;
      }
      return 'no error';
    };
    expect(field(() => contributionByWeights({ returns: { A: [0.1] }, weights: { B: 1 } }))).toBe('weights.B');
    expect(field(() => contributionByWeights({ returns: { A: [0.1], B: [0.1, 0.2] }, weights: { A: 1 } }))).toBe('returns.B');
    expect(field(() => contributionByWeights({ returns: { A: [0.1, 0.2] }, weights: { A: [1] } }))).toBe('weights.A');
  });
});
