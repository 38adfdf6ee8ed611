import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { edhecReturnRows, readOptimizerFixture } from '../__fixtures__/optimizers';
import { columnMeans, sampleCovariance } from './covariance/sample-covariance';
import { maxSharpe } from './max-sharpe';

const reference = readOptimizerFixture<{
  cases: Record<string, { lower: number; upper: number; riskFree: number; weights: number[]; sharpe: number; groups?: { assets: number[]; max: number }[] }>;
}>(
  'optimizers-quadprog-reference.json',
);
const returns = edhecReturnRows(13);
const covariance = sampleCovariance(returns);
const expectedReturns = columnMeans(returns);

function sharpe(w: ArrayLike<number>, rf: number): number {
  let m = 0;
  let v = 0;
  for (let i = 0; i < w.length; i++) {
    m += w[i]! * expectedReturns[i]!;
    for (let j = 0; j < w.length; j++) v += w[i]! * covariance[i]![j]! * w[j]!;
  }
  return (m - rf) / Math.sqrt(v);
}

describe('maxSharpe', () => {
  it('matches the tangency portfolio R quadprog finds through the homogenised QP', () => {
    const c = reference.cases.maxSharpe!;
    const result = maxSharpe({ covariance, expectedReturns, riskFree: c.riskFree, upper: c.upper });
    for (let i = 0; i < 13; i++) expect(Math.abs(result.weights[i]! - c.weights[i]!)).toBeLessThan(1e-8);
    expect(result.sharpeRatio).toBeCloseTo(c.sharpe, 10);
    expect(result.weights.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 14);
  });

  it('matches R quadprog long-short (-0.2 <= w <= 0.6) with a binding group cap', () => {
    const c = reference.cases.maxSharpeLongShort!;
    const result = maxSharpe({ covariance, expectedReturns, riskFree: c.riskFree, lower: c.lower, upper: c.upper, groups: c.groups! });
    for (let i = 0; i < 13; i++) expect(Math.abs(result.weights[i]! - c.weights[i]!)).toBeLessThan(1e-8);
    expect(result.sharpeRatio).toBeCloseTo(c.sharpe, 10);
    expect(result.weights[9]! + result.weights[10]!).toBeCloseTo(0.4, 12);
    expect(Math.min(...result.weights)).toBeCloseTo(-0.2, 12);
  });

  it('beats every random feasible long-only portfolio capped at 0.35', () => {
    const best = maxSharpe({ covariance, expectedReturns, riskFree: 0.002, upper: 0.35 }).sharpeRatio;
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 13, maxLength: 13 }), (raw) => {
        const total = raw.reduce((s, x) => s + x, 0);
        fc.pre(total > 0);
        const w = raw.map((x) => x / total);
        fc.pre(w.every((x) => x <= 0.35));
        expect(sharpe(w, 0.002)).toBeLessThanOrEqual(best + 1e-12);
      }),
      { numRuns: 300 },
    );
  });

  it('honours group limits', () => {
    const result = maxSharpe({ covariance, expectedReturns, upper: 0.35, groups: [{ assets: [9, 10], max: 0.4 }] });
    expect(result.weights[9]! + result.weights[10]!).toBeLessThanOrEqual(0.4 + 1e-12);
    expect(Math.min(...result.weights)).toBeGreaterThanOrEqual(-1e-12);
  });

  it('fails when no portfolio earns more than the risk-free rate', () => {
    expect(() => maxSharpe({ covariance, expectedReturns, riskFree: 0.05 })).toThrow(/^expectedReturns: infeasible/);
  });
});
