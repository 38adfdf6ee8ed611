import { describe, expect, it } from 'vitest';
import { edhecReturnRows, readOptimizerFixture } from '../../__fixtures__/optimizers';
import { ledoitWolfCovariance } from './ledoit-wolf-covariance';

const reference = readOptimizerFixture<{ ledoitWolf: { covariance: number[][]; shrinkage: number } }>('optimizers-python-reference.json');

describe('ledoitWolfCovariance', () => {
  it('matches scikit-learn LedoitWolf on the 13 EDHEC indices', () => {
    const { covariance, shrinkage } = ledoitWolfCovariance(edhecReturnRows(13));
    expect(Math.abs(shrinkage - reference.ledoitWolf.shrinkage)).toBeLessThan(1e-12);
    for (let i = 0; i < 13; i++) {
      for (let j = 0; j < 13; j++) {
        const expected = reference.ledoitWolf.covariance[i]![j]!;
        expect(Math.abs(covariance[i]![j]! - expected)).toBeLessThan(1e-12 * Math.abs(expected) + 1e-19);
      }
    }
  });

  it('shrinks off-diagonal entries towards zero and keeps the average variance', () => {
    const rows = edhecReturnRows(13);
    const { covariance, shrinkage } = ledoitWolfCovariance(rows);
    expect(shrinkage).toBeGreaterThan(0);
    expect(shrinkage).toBeLessThan(1);
    const n = rows.length;
    const mean = (j: number): number => rows.reduce((s, r) => s + r[j]!, 0) / n;
    const m0 = mean(0);
    const m2 = mean(2);
    const s02 = rows.reduce((s, r) => s + (r[0]! - m0) * (r[2]! - m2), 0) / n;
    expect(covariance[0]![2]!).toBeCloseTo((1 - shrinkage) * s02, 18);
  });
});
