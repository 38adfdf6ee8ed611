import { ValidationError } from '@rxtrade/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { edhecReturnRows, readOptimizerFixture } from '../__fixtures__/optimizers';
import { sampleCovariance } from './covariance/sample-covariance';
import { minVariance } from './min-variance';

interface Case {
  lower: number;
  upper: number;
  weights: number[];
  groups?: { assets: number[]; min?: number; max?: number }[];
  previousWeights?: number[];
  penalty?: number;
}
const reference = readOptimizerFixture<{ cases: Record<string, Case> }>('optimizers-quadprog-reference.json');
const sigma13 = sampleCovariance(edhecReturnRows(13));

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(tolerance);
}

describe('minVariance', () => {
  it('matches R quadprog 1.5.8 on the first five EDHEC indices with 0 <= w <= 0.4 to 1e-8', () => {
    const { weights, converged } = minVariance({ covariance: sampleCovariance(edhecReturnRows(5)), lower: 0, upper: 0.4 });
    // R quadprog 1.5.8's solve.QP on the same problem (case 1 of scripts/optimizers-quadprog-reference.R).
    expectClose(weights, [0.3045474279438988, 0.2208847622212754, 0.0745678098348259, 0, 0.4], 1e-8);
    expectClose(weights, reference.cases.minVarianceEdhec5!.weights, 1e-8);
    expect(converged).toBe(true);
  });

  it('matches R quadprog with group (sector) limits on all 13 EDHEC indices', () => {
    const c = reference.cases.minVarianceGroups!;
    const result = minVariance({ covariance: sigma13, lower: c.lower, upper: c.upper, groups: c.groups! });
    expectClose(result.weights, c.weights, 1e-8);
    const g0 = [0, 2, 5, 9].reduce((s, i) => s + result.weights[i]!, 0);
    expect(g0).toBeGreaterThanOrEqual(0.35 - 1e-12);
    expect(g0).toBeLessThanOrEqual(0.5 + 1e-12);
  });

  it('matches R quadprog with a quadratic transaction-cost penalty', () => {
    const c = reference.cases.transactionCost!;
    const result = minVariance({
      covariance: sigma13,
      lower: c.lower,
      upper: c.upper,
      transactionCost: { previousWeights: c.previousWeights!, penalty: c.penalty! },
    });
    expectClose(result.weights, c.weights, 1e-8);
  });

  it('moves weights towards the current holdings as the transaction-cost penalty grows', () => {
    const previous = new Float64Array(13).fill(1 / 13);
    const distance = (w: Float64Array): number => w.reduce((s, x, i) => s + (x - previous[i]!) ** 2, 0);
    const free = minVariance({ covariance: sigma13 }).weights;
    const light = minVariance({ covariance: sigma13, transactionCost: { previousWeights: previous, penalty: 1e-4 } }).weights;
    const heavy = minVariance({ covariance: sigma13, transactionCost: { previousWeights: previous, penalty: 1e-1 } }).weights;
    expect(distance(light)).toBeLessThan(distance(free));
    expect(distance(heavy)).toBeLessThan(distance(light));
  });

  it('equals the closed form Sigma^-1 1 / (1 Sigma^-1 1) when only the budget binds', () => {
    const sigma = [
      [0.04, 0.006, 0.002],
      [0.006, 0.09, 0.01],
      [0.002, 0.01, 0.0625],
    ];
    const result = minVariance({ covariance: sigma, lower: -10, upper: 10 });
    // Sigma^-1 1 solved by hand with Cramer's rule on this 3x3.
    const [a, b, c] = sigma as [number[], number[], number[]];
    const det = (m: number[][]): number =>
      m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) - m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) + m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
    const D = det(sigma);
    const x = [0, 1, 2].map((k) => det([a, b, c].map((row) => row.map((v, j) => (j === k ? 1 : v)))) / D);
    const s = x.reduce((p, v) => p + v, 0);
    expectClose(result.weights, x.map((v) => v / s), 1e-14);
    expect(result.riskContributions.reduce((p, v) => p + v, 0)).toBeCloseTo(1, 14);
  });

  it('keeps the default long-only bounds binding when the unconstrained optimum would short an asset', () => {
    // Highly correlated pair: the unconstrained minimum variance shorts the riskier asset.
    const sigma = [[0.04, 0.05], [0.05, 0.09]];
    const free = minVariance({ covariance: sigma, lower: -5, upper: 5 }).weights;
    expect(free[1]!).toBeLessThan(0);
    expect(Array.from(minVariance({ covariance: sigma }).weights)).toEqual([1, 0]);
  });

  it('meets the KKT conditions of the box-and-budget problem on random covariances (property)', () => {
    // Optimality for min w'Sw, sum w = 1, l <= w <= u: with g = 2 S w, every asset strictly above its
    // lower bound has g_i <= g_j for every asset j strictly below its upper bound (no pairwise transfer
    // of weight lowers the variance). Checked independently of the solver's multipliers.
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.double({ min: 0.15, max: 1, noNaN: true }),
        (n, seed, capScale) => {
          let state = seed;
          const rand = (): number => {
            state = (state * 48271) % 2147483647;
            return state / 2147483647;
          };
          const B = Array.from({ length: n }, () => [rand() - 0.3, rand() - 0.5]);
          const sigma = Array.from({ length: n }, (_, i) =>
            Array.from({ length: n }, (_, j) => (i === j ? 0.01 + 0.05 * rand() : 0) + B[i]![0]! * B[j]![0]! * 0.04 + B[i]![1]! * B[j]![1]! * 0.02),
          );
          for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) sigma[i]![j] = sigma[j]![i]!;
          const upper = Math.max(1 / n + 0.01, capScale);
          const { weights } = minVariance({ covariance: sigma, lower: 0, upper });
          const g = weights.map((_, i) => 2 * sigma[i]!.reduce((s, v, j) => s + v * weights[j]!, 0));
          expect(weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
          const eps = 1e-9;
          for (let i = 0; i < n; i++) {
            expect(weights[i]!).toBeGreaterThanOrEqual(-1e-12);
            expect(weights[i]!).toBeLessThanOrEqual(upper + 1e-12);
            if (weights[i]! <= eps) continue;
            for (let j = 0; j < n; j++) if (weights[j]! < upper - eps) expect(g[i]!).toBeLessThanOrEqual(g[j]! + 1e-10);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reports risk contributions that sum to one and the portfolio volatility', () => {
    const result = minVariance({ covariance: sigma13, upper: 0.3 });
    expect(result.riskContributions.reduce((p, v) => p + v, 0)).toBeCloseTo(1, 12);
    let variance = 0;
    for (let i = 0; i < 13; i++) for (let j = 0; j < 13; j++) variance += result.weights[i]! * sigma13[i]![j]! * result.weights[j]!;
    expect(result.volatility).toBeCloseTo(Math.sqrt(variance), 15);
  });

  it('rejects bounds that cannot meet the budget, naming the field', () => {
    expect(() => minVariance({ covariance: sigma13, upper: 0.05 })).toThrow(ValidationError);
    expect(() => minVariance({ covariance: sigma13, upper: 0.05 })).toThrow(/^upper: infeasible/);
    expect(() => minVariance({ covariance: sigma13, lower: 0.1 })).toThrow(/^lower: infeasible/);
  });

  it('rejects group limits that conflict with each other as infeasible', () => {
    const groups = [
      { assets: [0, 1, 2], min: 0.8 },
      { assets: [2, 3, 4], min: 0.8 },
    ];
    expect(() => minVariance({ covariance: sigma13, upper: 0.3, groups })).toThrow(/^constraints: infeasible/);
  });

  it('rejects a non-square, non-symmetric, NaN or indefinite covariance, naming the field', () => {
    expect(() => minVariance({ covariance: [[1, 0, 0], [0, 1, 0]] })).toThrow(/covariance\[0\]: must be square/);
    expect(() => minVariance({ covariance: [[1, 0.5], [0.4, 1]] })).toThrow(/covariance\[0\]\[1\]: must be symmetric/);
    expect(() => minVariance({ covariance: [[1, Number.NaN], [Number.NaN, 1]] })).toThrow(/covariance\[0\]\[1\]/);
    expect(() => minVariance({ covariance: [[1, 2], [2, 1]] })).toThrow(/covariance: must be positive definite/);
    expect(() => minVariance({ covariance: [[1, 0], [0, 1]], lower: [0, 0, 0] })).toThrow(/lower: must have one entry per asset/);
    expect(() => minVariance({ covariance: [[1, 0], [0, 1]], transactionCost: { previousWeights: [0.5, 0.5], penalty: [0.1, -0.1] } })).toThrow(
      /^transactionCost\.penalty\[1\]: must be >= 0/,
    );
  });
});
