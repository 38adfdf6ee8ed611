import { describe, expect, it } from 'vitest';
import { edhecReturnRows, readOptimizerFixture } from '../__fixtures__/optimizers';
import { sampleCovariance } from './covariance/sample-covariance';
import { riskParity } from './risk-parity';

const reference = readOptimizerFixture<{ riskParity: { equal: number[]; budgets: number[]; budgeted: number[] } }>('optimizers-python-reference.json');
const covariance = sampleCovariance(edhecReturnRows(13));

describe('riskParity', () => {
  it('matches scipy (MINPACK root of the budget equations) for equal risk contribution on EDHEC', () => {
    const result = riskParity({ covariance });
    expect(result.converged).toBe(true);
    for (let i = 0; i < 13; i++) expect(Math.abs(result.weights[i]! - reference.riskParity.equal[i]!)).toBeLessThan(1e-10);
    for (const share of result.riskContributions) expect(Math.abs(share - 1 / 13)).toBeLessThan(1e-10);
  });

  it('matches scipy for risk budgets 1..13 and meets each budget', () => {
    const result = riskParity({ covariance, budgets: reference.riskParity.budgets });
    const total = reference.riskParity.budgets.reduce((s, b) => s + b, 0);
    for (let i = 0; i < 13; i++) {
      expect(Math.abs(result.weights[i]! - reference.riskParity.budgeted[i]!)).toBeLessThan(1e-10);
      expect(Math.abs(result.riskContributions[i]! - reference.riskParity.budgets[i]! / total)).toBeLessThan(1e-10);
    }
  });

  it('gives inverse-volatility weights when assets are uncorrelated', () => {
    const result = riskParity({ covariance: [[0.04, 0, 0], [0, 0.09, 0], [0, 0, 0.01]] });
    const inv = [1 / 0.2, 1 / 0.3, 1 / 0.1];
    const s = inv.reduce((a, b) => a + b, 0);
    inv.forEach((v, i) => expect(result.weights[i]!).toBeCloseTo(v / s, 14));
    expect(result.iterations).toBeLessThan(20);
  });

  it('reports converged = false when the iteration limit is too small', () => {
    expect(riskParity({ covariance, maxIterations: 1, tolerance: 1e-14 }).converged).toBe(false);
  });

  it('rejects non-positive budgets and an indefinite covariance, naming the field', () => {
    expect(() => riskParity({ covariance, budgets: new Float64Array(13).fill(0) })).toThrow(/^budgets\[0\]: every risk budget must be > 0/);
    expect(() => riskParity({ covariance: [[1, 2], [2, 1]] })).toThrow(/^covariance: must be positive definite/);
  });
});
