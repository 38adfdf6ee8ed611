import { describe, expect, it } from 'vitest';
import { edhecReturnRows, readOptimizerFixture } from '../__fixtures__/optimizers';
import { sampleCovariance } from './covariance/sample-covariance';
import { hierarchicalRiskParity } from './hierarchical-risk-parity';

interface HrpReference {
  weights: number[];
  order: number[];
  linkage: number[][];
}
const reference = readOptimizerFixture<{
  hrp: {
    edhec: HrpReference;
    edhecCorrelationDistance: HrpReference;
    factorCovariance: number[][];
    factor: HrpReference;
    factorCorrelationDistance: HrpReference;
  };
}>('optimizers-python-reference.json');
const edhec = sampleCovariance(edhecReturnRows(13));

function expectMatches(result: ReturnType<typeof hierarchicalRiskParity>, expected: HrpReference): void {
  expect(result.order).toEqual(expected.order);
  expect(result.linkage.length).toBe(expected.linkage.length);
  result.linkage.forEach((row, k) => {
    const e = expected.linkage[k]!;
    expect([row[0], row[1], row[3]]).toEqual([e[0], e[1], e[3]]);
    expect(Math.abs(row[2] - e[2]!)).toBeLessThan(1e-12);
  });
  for (let i = 0; i < expected.weights.length; i++) expect(Math.abs(result.weights[i]! - expected.weights[i]!)).toBeLessThan(1e-12);
}

describe('hierarchicalRiskParity', () => {
  it("matches the paper's code (scipy single linkage on distances of distances) on EDHEC", () => {
    expectMatches(hierarchicalRiskParity({ covariance: edhec }), reference.hrp.edhec);
  });

  it('matches scipy when clustering on the correlation distance itself', () => {
    expectMatches(hierarchicalRiskParity({ covariance: edhec, clusterOn: 'correlation-distance' }), reference.hrp.edhecCorrelationDistance);
  });

  it('matches the reference on a 40-asset factor-model covariance, both distances', () => {
    const covariance = reference.hrp.factorCovariance;
    expectMatches(hierarchicalRiskParity({ covariance }), reference.hrp.factor);
    expectMatches(hierarchicalRiskParity({ covariance, clusterOn: 'correlation-distance' }), reference.hrp.factorCorrelationDistance);
  });

  it('returns long-only weights that sum to one', () => {
    const { weights } = hierarchicalRiskParity({ covariance: edhec });
    expect(weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 14);
    expect(Math.min(...weights)).toBeGreaterThan(0);
  });

  it('reduces to inverse-variance weights for two assets', () => {
    const { weights } = hierarchicalRiskParity({ covariance: [[0.04, 0.01], [0.01, 0.01]] });
    expect(weights[0]!).toBeCloseTo(0.01 / 0.05, 15);
    expect(weights[1]!).toBeCloseTo(0.04 / 0.05, 15);
  });

  it('rejects a zero variance, naming the entry', () => {
    expect(() => hierarchicalRiskParity({ covariance: [[0, 0], [0, 1]] })).toThrow(/covariance\[0\]\[0\]: every variance must be > 0/);
  });
});
