/**
 * Maximum-Sharpe (tangency) portfolio under linear constraints, solved exactly as a convex QP by
 * the homogenisation of Cornuejols & Tutuncu (Optimization Methods in Finance, 2007, section 8.2):
 * with `y = kappa w` and `kappa = 1'y / budget`, minimise `y' Sigma y` subject to
 * `(mu - rf)'y = 1` and every constraint of w multiplied through by kappa; then `w = y / kappa`.
 */
import { parseWith, ValidationError } from '@rxtrade/core';
import { z } from 'zod';
import { checkConstraints, checkLength, CovarianceMatrixSchema, VectorSchema, WeightConstraintFields } from './optimizer-inputs';
import { describeWeights, toWeightConstraints, type PortfolioOptimum } from './portfolio-optimum';
import { solveQuadraticProgram } from './solve-quadratic-program';

/**
 * Schema of {@link MaxSharpeConfig}.
 *
 * @example
 * ```ts
 * parseWith(MaxSharpeConfigSchema, { covariance, expectedReturns, riskFree: 0.002 })
 * ```
 */
export const MaxSharpeConfigSchema = z
  .strictObject({
    /** Covariance matrix of the asset returns (symmetric positive definite). */
    covariance: CovarianceMatrixSchema,
    /** Expected return of each asset, per period. */
    expectedReturns: VectorSchema,
    /** Risk-free rate per period; default 0. */
    riskFree: z.number().default(0),
    ...WeightConstraintFields,
    /** The weights sum to this (> 0); default 1. */
    budget: z.number().positive().default(1),
  })
  .superRefine((c, ctx) => {
    const n = c.covariance.length;
    checkConstraints(ctx, c, n);
    checkLength(ctx, c.expectedReturns, n, ['expectedReturns']);
  });
/**
 * Options of {@link maxSharpe}.
 *
 * @example
 * ```ts
 * const config: MaxSharpeConfig = { covariance, expectedReturns, riskFree: 0.002, upper: 0.35 };
 * ```
 */
export type MaxSharpeConfig = z.input<typeof MaxSharpeConfigSchema>;

/**
 * Result of {@link maxSharpe}: the optimum and its Sharpe ratio `(mu'w - rf) / sqrt(w' Sigma w)`, per period.
 *
 * @example
 * ```ts
 * const annualSharpe = maxSharpe({ covariance, expectedReturns }).sharpeRatio * Math.sqrt(12); // monthly data
 * ```
 */
export interface MaxSharpeOptimum extends PortfolioOptimum {
  readonly sharpeRatio: number;
}

/**
 * Weights of the highest Sharpe ratio `(mu'w - rf) / sqrt(w' Sigma w)` under a budget, bounds and
 * group limits (per-period figures; annualise the ratio yourself).
 *
 * @throws ValidationError when the input is malformed, the covariance is not positive definite, or
 * no feasible portfolio earns more than `riskFree`.
 * @example
 * ```ts
 * const { weights, sharpeRatio } = maxSharpe({ covariance, expectedReturns, riskFree: 0.002, upper: 0.35 });
 * ```
 */
export function maxSharpe(config: MaxSharpeConfig): MaxSharpeOptimum {
  const c = parseWith(MaxSharpeConfigSchema, config);
  const n = c.covariance.length;
  const w = toWeightConstraints(c, n);
  const B = c.budget;
  const A: Float64Array[] = [Float64Array.from(c.expectedReturns, (m) => m - c.riskFree)];
  const b: number[] = [1];
  // kappa = 1'y / B >= 0
  A.push(new Float64Array(n).fill(1));
  b.push(0);
  for (let i = 0; i < n; i++) {
    // y_i >= lower_i kappa
    if (w.lower[i]! !== -Infinity) {
      const row = new Float64Array(n).fill(-w.lower[i]! / B);
      row[i]! += 1;
      A.push(row);
      b.push(0);
    }
    // y_i <= upper_i kappa
    if (w.upper[i]! !== Infinity) {
      const row = new Float64Array(n).fill(w.upper[i]! / B);
      row[i]! -= 1;
      A.push(row);
      b.push(0);
    }
  }
  for (const g of w.groups) {
    if (g.min !== undefined) {
      const row = new Float64Array(n).fill(-g.min / B);
      for (const a of g.assets) row[a]! += 1;
      A.push(row);
      b.push(0);
    }
    if (g.max !== undefined) {
      const row = new Float64Array(n).fill(g.max / B);
      for (const a of g.assets) row[a]! -= 1;
      A.push(row);
      b.push(0);
    }
  }
  const qp = solveQuadraticProgram(
    { D: c.covariance, d: new Float64Array(n), A, b, equalities: 1 },
    { matrix: 'covariance', constraints: 'expectedReturns', infeasible: 'infeasible: no portfolio within the constraints earns more than riskFree' },
  );
  let sum = 0;
  for (let i = 0; i < n; i++) sum += qp.x[i]!;
  if (!(sum > 0)) {
    throw new ValidationError([{ path: ['expectedReturns'], message: 'infeasible: no portfolio within the constraints earns more than riskFree' }]);
  }
  const weights = Float64Array.from(qp.x, (y) => (y * B) / sum);
  const result = describeWeights(weights, c.covariance, c.expectedReturns, qp.iterations, true);
  return { ...result, sharpeRatio: (result.expectedReturn! - c.riskFree * B) / result.volatility };
}
