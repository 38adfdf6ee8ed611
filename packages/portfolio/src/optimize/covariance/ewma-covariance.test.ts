import { describe, expect, it } from 'vitest';
import { edhecReturnRows, readOptimizerFixture } from '../../__fixtures__/optimizers';
import { ewmaCovariance } from './ewma-covariance';

const reference = readOptimizerFixture<{ ewma: { decay: number; zeroMean: number[][]; centred: number[][] } }>('optimizers-python-reference.json');

function expectMatrixClose(actual: Float64Array[], expected: number[][]): void {
  for (let i = 0; i < expected.length; i++) {
    for (let j = 0; j < expected.length; j++) {
      expect(Math.abs(actual[i]![j]! - expected[i]![j]!)).toBeLessThan(1e-12 * Math.abs(expected[i]![j]!) + 1e-19);
    }
  }
}

describe('ewmaCovariance', () => {
  it('matches a numpy weighted outer-product sum with zero mean (RiskMetrics)', () => {
    expectMatrixClose(ewmaCovariance(edhecReturnRows(13), { decay: reference.ewma.decay }), reference.ewma.zeroMean);
  });

  it('matches numpy.cov with aweights when centred', () => {
    expectMatrixClose(ewmaCovariance(edhecReturnRows(13), { decay: reference.ewma.decay, center: true }), reference.ewma.centred);
  });

  it('equals the RiskMetrics recursion started from the first outer product', () => {
    const rows = [[0.01, -0.02], [0.03, 0.01], [-0.02, 0.005], [0.004, 0.012]];
    const lambda = 0.9;
    // S_t = lambda S_{t-1} + (1 - lambda) r r', with the normalised weights of a finite sample.
    let s = [[0, 0], [0, 0]];
    let total = 0;
    for (const r of rows) {
      s = s.map((row, i) => row.map((v, j) => lambda * v + r[i]! * r[j]!));
      total = lambda * total + 1;
    }
    const sigma = ewmaCovariance(rows, { decay: lambda });
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(sigma[i]![j]!).toBeCloseTo(s[i]![j]! / total, 16);
  });

  it('rejects a decay outside (0, 1)', () => {
    expect(() => ewmaCovariance([[1], [2]], { decay: 1 })).toThrow(/^decay/);
  });
});
