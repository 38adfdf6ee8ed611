import { describe, expect, it } from 'vitest';
import { covarianceMatrix } from './covariance-matrix';
import { portfolioVar } from './portfolio-var';
import { edhecColumns, portfolioReference } from '../__fixtures__/measure-data';

const rel = (a: number, b: number): number => (b === 0 ? Math.abs(a) : Math.abs(a / b - 1));

describe('portfolioVar against numpy/scipy (scripts/portfolio-var-reference.py)', () => {
  const ref = portfolioReference();
  const columns = edhecColumns();

  it('computes the EDHEC sample covariance matrix as numpy.cov(ddof=1) to 1e-12 relative', () => {
    const cov = covarianceMatrix(columns);
    expect(columns[0]).toHaveLength(ref.rows);
    for (let i = 0; i < cov.length; i++) for (let j = 0; j < cov.length; j++) expect(rel(cov[i]![j]!, ref.covariance[i]![j]!)).toBeLessThan(1e-12);
  });

  it('matches Gaussian portfolio VaR, ES, sd and component VaR for every reference case to 1e-10 relative', () => {
    const cov = covarianceMatrix(columns);
    expect(ref.cases.length).toBe(12);
    for (const c of ref.cases) {
      const got = portfolioVar(c.w, cov, { p: c.p, ...(c.withMean ? { mean: ref.mean } : {}) });
      expect(rel(got.var, c.var)).toBeLessThan(1e-10);
      expect(rel(got.es, c.es)).toBeLessThan(1e-10);
      expect(rel(got.sd, c.sd)).toBeLessThan(1e-10);
      got.components.forEach((x, i) => expect(Math.abs(x - c.components[i]!)).toBeLessThan(1e-10 * Math.abs(c.var)));
      expect(got.components.reduce((a, b) => a + b, 0)).toBeCloseTo(got.var, 10);
    }
  });

  it('rejects a covariance matrix that is not symmetric, naming the cell', () => {
    expect(() => portfolioVar([1, 1], [[1, 0.5], [0.4, 1]])).toThrow(/covariance\[0\]\[1\]: matrix is not symmetric/);
  });
});
