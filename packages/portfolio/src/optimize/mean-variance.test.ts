import { ValidationError } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { edhecReturnRows, readOptimizerFixture } from '../__fixtures__/optimizers';
import { columnMeans, sampleCovariance } from './covariance/sample-covariance';
import { meanVariance } from './mean-variance';
import { minVariance } from './min-variance';

interface Case {
  lower: number;
  upper: number;
  weights: number[];
  targetReturn?: number;
  riskAversion?: number;
}
const reference = readOptimizerFixture<{ cases: Record<string, Case>; mean13: number[] }>('optimizers-quadprog-reference.json');
const returns = edhecReturnRows(13);
const covariance = sampleCovariance(returns);
const expectedReturns = columnMeans(returns);

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(tolerance);
}

describe('meanVariance', () => {
  it('matches R quadprog for a target return (least variance with mu w >= target)', () => {
    const c = reference.cases.targetReturn!;
    const result = meanVariance({ covariance, expectedReturns, targetReturn: c.targetReturn!, lower: c.lower, upper: c.upper });
    expectClose(result.weights, c.weights, 1e-8);
    expect(result.expectedReturn!).toBeGreaterThanOrEqual(c.targetReturn! - 1e-12);
  });

  it('matches R quadprog for a risk-aversion parameter with short positions allowed', () => {
    const c = reference.cases.riskAversion!;
    const result = meanVariance({ covariance, expectedReturns, riskAversion: c.riskAversion!, lower: c.lower, upper: c.upper });
    expectClose(result.weights, c.weights, 1e-8);
    expect(Math.min(...result.weights)).toBeLessThan(0);
  });

  it('uses column means that agree with R colMeans', () => {
    expectClose(expectedReturns, reference.mean13, 1e-15);
  });

  it('returns the minimum-variance portfolio when the target is below its return', () => {
    const mv = minVariance({ covariance, expectedReturns, upper: 0.5 });
    const result = meanVariance({ covariance, expectedReturns, targetReturn: mv.expectedReturn! - 0.001, upper: 0.5 });
    expectClose(result.weights, Array.from(mv.weights), 1e-10);
  });

  it('raises volatility and expected return together as the target rises (the efficient frontier)', () => {
    const targets = [0.006, 0.0063, 0.0066, 0.0067];
    const points = targets.map((t) => meanVariance({ covariance, expectedReturns, targetReturn: t, upper: 0.5 }));
    for (let k = 1; k < points.length; k++) {
      expect(points[k]!.volatility).toBeGreaterThan(points[k - 1]!.volatility);
      expect(points[k]!.expectedReturn!).toBeCloseTo(targets[k]!, 12);
    }
  });

  it('fails with a ValidationError on a target no feasible portfolio reaches', () => {
    expect(() => meanVariance({ covariance, expectedReturns, targetReturn: 0.05, upper: 0.5 })).toThrow(ValidationError);
    expect(() => meanVariance({ covariance, expectedReturns, targetReturn: 0.05, upper: 0.5 })).toThrow(/^targetReturn: infeasible/);
  });

  it('requires exactly one of targetReturn and riskAversion', () => {
    expect(() => meanVariance({ covariance, expectedReturns })).toThrow(/targetReturn: give exactly one/);
    expect(() => meanVariance({ covariance, expectedReturns, targetReturn: 0.006, riskAversion: 2 })).toThrow(/give exactly one/);
    expect(() => meanVariance({ covariance, expectedReturns, riskAversion: -1 })).toThrow(/^riskAversion/);
  });
});
