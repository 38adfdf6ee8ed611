import { describe, expect, it } from 'vitest';
import { benchmarkCase } from '../__fixtures__/edhec';

// Reference: base R (lm, sd, prod) following PerformanceAnalytics 2.0.8's definitions, on EDHEC monthly
// returns, Convertible Arbitrage against Long/Short Equity (scripts/benchmark-measures-reference.R).
const { ref, ra, rb, rel, fieldOf } = benchmarkCase();

import { capmBeta } from './capm-beta';

describe('capmBeta', () => {
  it('matches the slope of an R least-squares fit of excess returns, with and without a risk-free rate', () => {
    expect(ra.length).toBe(ref.n);
    expect(rel(capmBeta(ra, rb, { riskFree: ref.riskFree }), ref.beta)).toBeLessThan(1e-12);
    expect(rel(capmBeta(ra, rb), ref.betaNoRf)).toBeLessThan(1e-12);
  });

  it('gives beta 2 for returns built as 0.001 + 2 x benchmark', () => {
    const b = [0.01, -0.02, 0.03, 0.005, -0.01];
    expect(capmBeta(b.map((x) => 0.001 + 2 * x), b)).toBeCloseTo(2, 12);
  });

  it('rejects series of different lengths, too short or a bad risk-free rate, naming the field', () => {
    expect(fieldOf(() => capmBeta([0.1, 0.2], [0.1]))).toBe('benchmark');
    expect(fieldOf(() => capmBeta([0.1], [0.1]))).toBe('returns');
    expect(fieldOf(() => capmBeta([0.1, 0.2], [0.1, 0.3], { riskFree: 'x' } as never))).toBe('riskFree');
  });
});
