import { describe, expect, it } from 'vitest';
import { benchmarkCase } from '../__fixtures__/edhec';

// Reference: base R (lm, sd, prod) following PerformanceAnalytics 2.0.8's definitions, on EDHEC monthly
// returns, Convertible Arbitrage against Long/Short Equity (scripts/benchmark-measures-reference.R).
const { ref, ra, rb, rel, fieldOf } = benchmarkCase();

import { capmAlpha } from './capm-alpha';

describe('capmAlpha', () => {
  it('matches the intercept (per period) of an R least-squares fit of excess returns', () => {
    expect(rel(capmAlpha(ra, rb, { riskFree: ref.riskFree }), ref.alpha)).toBeLessThan(1e-10);
    expect(rel(capmAlpha(ra, rb), ref.alphaNoRf)).toBeLessThan(1e-10);
  });

  it('gives alpha 0.001 for 0.001 + 2 x benchmark, and 0.001 + rf x (beta - 1) with a risk-free rate', () => {
    const b = [0.01, -0.02, 0.03, 0.005, -0.01];
    const a = b.map((x) => 0.001 + 2 * x);
    expect(capmAlpha(a, b)).toBeCloseTo(0.001, 12);
    expect(capmAlpha(a, b, { riskFree: 0.002 })).toBeCloseTo(0.003, 12);
  });

  it('rejects a non-finite value, naming it', () => {
    expect(fieldOf(() => capmAlpha([0.1, 0.2], [0.1, Infinity]))).toBe('benchmark[1]');
  });
});
