import { describe, expect, it } from 'vitest';
import { edhecReturnRows, readOptimizerFixture } from '../__fixtures__/optimizers';
import { blackLitterman } from './black-litterman';
import { sampleCovariance } from './covariance/sample-covariance';

interface Posterior {
  posteriorReturns: number[];
  posteriorCovariance: number[][];
  omega: number[][];
  weights: number[];
}
const reference = readOptimizerFixture<{
  blackLitterman: {
    marketWeights: number[];
    riskAversion: number;
    tau: number;
    P: number[][];
    Q: number[];
    priorReturns: number[];
    confidences: number[];
    heLitterman: Posterior;
    idzorek: Posterior;
  };
}>('optimizers-python-reference.json');
const bl = reference.blackLitterman;
const covariance = sampleCovariance(edhecReturnRows(5));
const base = { covariance, marketWeights: bl.marketWeights, riskAversion: bl.riskAversion, tau: bl.tau, views: { P: bl.P, Q: bl.Q } };

function close(actual: ArrayLike<number>, expected: readonly number[], relative: number): void {
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(relative * Math.abs(expected[i]!) + 1e-18);
}
function expectPosterior(result: ReturnType<typeof blackLitterman>, expected: Posterior): void {
  close(result.posteriorReturns, expected.posteriorReturns, 1e-10);
  expected.posteriorCovariance.forEach((row, i) => close(result.posteriorCovariance[i]!, row, 1e-10));
  expected.omega.forEach((row, i) => close(result.omega[i]!, row, 1e-10));
  close(result.weights, expected.weights, 1e-8);
}

describe('blackLitterman', () => {
  it('implies the prior pi = delta Sigma w_mkt', () => {
    close(blackLitterman(base).priorReturns, bl.priorReturns, 1e-13);
  });

  it("matches numpy's explicit-inverse posterior with He & Litterman's Omega = diag(P tau Sigma P')", () => {
    expectPosterior(blackLitterman(base), bl.heLitterman);
  });

  it("matches numpy with Idzorek's confidences", () => {
    expectPosterior(blackLitterman({ ...base, confidences: bl.confidences }), bl.idzorek);
  });

  it('returns the prior when every view agrees with it', () => {
    const prior = blackLitterman(base).priorReturns;
    const Q = bl.P.map((row) => row.reduce((s, p, j) => s + p * prior[j]!, 0));
    close(blackLitterman({ ...base, views: { P: bl.P, Q } }).posteriorReturns, Array.from(prior), 1e-12);
  });

  it('makes a view with confidence 1 hold exactly in the posterior', () => {
    const { posteriorReturns } = blackLitterman({ ...base, confidences: [1, 0.5] });
    expect(posteriorReturns[1]!).toBeCloseTo(bl.Q[0]!, 15);
  });

  it('recovers the market weights scaled by 1/(1+tau) with no informative view', () => {
    const prior = blackLitterman(base).priorReturns;
    const agreeing = { P: [[1, 0, 0, 0, 0]], Q: [prior[0]!] };
    // With views equal to the prior, mu_BL = pi and w = (delta (1 + tau) Sigma - ...)^-1 pi; one
    // view on asset 0 only changes asset 0's weight (He & Litterman 1999, section 3).
    const { weights } = blackLitterman({ ...base, views: agreeing });
    for (let i = 1; i < 5; i++) expect(weights[i]!).toBeCloseTo(bl.marketWeights[i]! / (1 + bl.tau), 12);
  });

  it('rejects views whose sizes do not match, naming the field', () => {
    expect(() => blackLitterman({ ...base, views: { P: [[1, 0, 0]], Q: [0.01] } })).toThrow(/views\.P\[0\]: must have one column per asset/);
    expect(() => blackLitterman({ ...base, views: { P: bl.P, Q: [0.01] } })).toThrow(/views\.Q: must have one entry per view/);
    expect(() => blackLitterman({ ...base, confidences: [0, 1] })).toThrow(/confidences\[0\]: must be in \(0, 1\]/);
    expect(() => blackLitterman({ covariance, views: { P: bl.P, Q: bl.Q } })).toThrow(/marketWeights: give exactly one/);
    const twice = { P: [bl.P[0]!, bl.P[0]!], Q: [0.01, 0.01] };
    expect(() => blackLitterman({ ...base, views: twice, confidences: [1, 1] })).toThrow(/^views\.P: .* singular/);
  });
});
