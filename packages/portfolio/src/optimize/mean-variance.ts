/**
 * Mean-variance portfolio (Markowitz 1952) in its two usual forms: the least-variance portfolio
 * whose expected return reaches a target, or the maximiser of the quadratic utility
 * `mu'w - (lambda / 2) w' Sigma w`; both under a budget, weight bounds and group limits, with an
 * optional quadratic transaction-cost penalty. Solved exactly by the Goldfarb-Idnani active-set method.
 */
import { parseWith } from '@rxtrade/core';
import { z } from 'zod';
import { checkConstraints, checkLength, CovarianceMatrixSchema, TransactionCostPenaltySchema, VectorSchema, WeightConstraintFields } from './optimizer-inputs';
import { addTransactionCost, describeWeights, toWeightConstraints, weightConstraintRows, type PortfolioOptimum } from './portfolio-optimum';
import { solveQuadraticProgram } from './solve-quadratic-program';

/**
 * Schema of {@link MeanVarianceConfig}: exactly one of `targetReturn` and `riskAversion`.
 *
 * @example
 * ```ts
 * parseWith(MeanVarianceConfigSchema, { covariance, expectedReturns, riskAversion: 3 })
 * ```
 */
export const MeanVarianceConfigSchema = z
  .strictObject({
    /** Covariance matrix of the asset returns (symmetric positive definite). */
    covariance: CovarianceMatrixSchema,
    /** Expected return of each asset, per period (same period as the covariance). */
    expectedReturns: VectorSchema,
    /** Minimise variance subject to `mu'w >= targetReturn`. */
    targetReturn: z.number().optional(),
    /** Maximise `mu'w - (riskAversion / 2) w' Sigma w`; must be > 0. */
    riskAversion: z.number().positive().optional(),
    ...WeightConstraintFields,
    /** Optional quadratic penalty on the change from the current weights. */
    transactionCost: TransactionCostPenaltySchema.optional(),
  })
  .superRefine((c, ctx) => {
    const n = c.covariance.length;
    if ((c.targetReturn === undefined) === (c.riskAversion === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of targetReturn and riskAversion', path: ['targetReturn'] });
    }
    checkConstraints(ctx, c, n);
    checkLength(ctx, c.expectedReturns, n, ['expectedReturns']);
    checkLength(ctx, c.transactionCost?.previousWeights, n, ['transactionCost', 'previousWeights']);
    checkLength(ctx, c.transactionCost?.penalty, n, ['transactionCost', 'penalty']);
  });
/**
 * Options of {@link meanVariance}.
 *
 * @example
 * ```ts
 * const config: MeanVarianceConfig = { covariance, expectedReturns, targetReturn: 0.006, upper: 0.5 };
 * ```
 */
export type MeanVarianceConfig = z.input<typeof MeanVarianceConfigSchema>;

/**
 * Mean-variance weights: with `targetReturn`, the least-variance portfolio with `mu'w >= target`
 * (on the efficient frontier whenever the target is above the minimum-variance portfolio's return);
 * with `riskAversion` (lambda), the maximiser of `mu'w - lambda/2 w' Sigma w` less any transaction-cost penalty.
 *
 * @throws ValidationError naming the field for malformed input, a covariance that is not positive
 * definite, or constraints (target included) that no weights satisfy.
 * @example
 * ```ts
 * const frontierPoint = meanVariance({ covariance, expectedReturns, targetReturn: 0.0065, upper: 0.5 });
 * const utility = meanVariance({ covariance, expectedReturns, riskAversion: 5, lower: -0.2, upper: 0.6 });
 * ```
 */
export function meanVariance(config: MeanVarianceConfig): PortfolioOptimum {
  const c = parseWith(MeanVarianceConfigSchema, config);
  const n = c.covariance.length;
  const rows = weightConstraintRows(toWeightConstraints(c, n), n);
  let D: Float64Array[];
  let d: Float64Array;
  if (c.riskAversion !== undefined) {
    const lambda = c.riskAversion;
    D = c.covariance.map((row) => row.map((v) => lambda * v));
    d = Float64Array.from(c.expectedReturns);
  } else {
    D = c.covariance.map((row) => row.map((v) => 2 * v));
    d = new Float64Array(n);
    rows.A.push(Float64Array.from(c.expectedReturns));
    rows.b.push(c.targetReturn!);
  }
  if (c.transactionCost) addTransactionCost(D, d, c.transactionCost.previousWeights, c.transactionCost.penalty);
  const labels =
    c.targetReturn !== undefined
      ? { matrix: 'covariance', constraints: 'targetReturn', infeasible: `infeasible: no weights within the constraints reach an expected return of ${c.targetReturn}` }
      : { matrix: 'covariance', constraints: 'constraints' };
  const qp = solveQuadraticProgram({ D, d, ...rows }, labels);
  return describeWeights(qp.x, c.covariance, c.expectedReturns, qp.iterations, true);
}
