/**
 * Minimum-variance portfolio (Markowitz 1952): minimise `w' Sigma w` subject to a budget, weight
 * bounds and group limits, optionally plus a quadratic transaction-cost penalty
 * `sum_i k_i (w_i - w0_i)^2`. Solved exactly by the Goldfarb-Idnani active-set method (R quadprog's).
 */
import { parseWith } from '@rxtrade/core';
import { z } from 'zod';
import { checkConstraints, checkLength, CovarianceMatrixSchema, TransactionCostPenaltySchema, VectorSchema, WeightConstraintFields } from './optimizer-inputs';
import { addTransactionCost, describeWeights, toWeightConstraints, weightConstraintRows, type PortfolioOptimum } from './portfolio-optimum';
import { solveQuadraticProgram } from './solve-quadratic-program';

/**
 * Schema of {@link MinVarianceConfig}.
 *
 * @example
 * ```ts
 * parseWith(MinVarianceConfigSchema, { covariance: [[0.04, 0], [0, 0.09]] }).budget // 1
 * ```
 */
export const MinVarianceConfigSchema = z
  .strictObject({
    /** Covariance matrix of the asset returns (symmetric positive definite). */
    covariance: CovarianceMatrixSchema,
    /** Expected returns, used only to report `expectedReturn`. */
    expectedReturns: VectorSchema.optional(),
    ...WeightConstraintFields,
    /** Optional quadratic penalty on the change from the current weights. */
    transactionCost: TransactionCostPenaltySchema.optional(),
  })
  .superRefine((c, ctx) => {
    const n = c.covariance.length;
    checkConstraints(ctx, c, n);
    checkLength(ctx, c.expectedReturns, n, ['expectedReturns']);
    checkLength(ctx, c.transactionCost?.previousWeights, n, ['transactionCost', 'previousWeights']);
    checkLength(ctx, c.transactionCost?.penalty, n, ['transactionCost', 'penalty']);
  });
/**
 * Options of {@link minVariance}.
 *
 * @example
 * ```ts
 * const config: MinVarianceConfig = { covariance, lower: 0, upper: 0.4, groups: [{ assets: [0, 1], max: 0.5 }] };
 * ```
 */
export type MinVarianceConfig = z.input<typeof MinVarianceConfigSchema>;

/**
 * Minimum-variance weights under a budget (default: sum to 1), bounds (default: 0 to 1), group
 * limits and an optional transaction-cost penalty, solved exactly by quadratic programming.
 *
 * @throws ValidationError naming the field when the input is malformed, the covariance is not
 * positive definite or the constraints are infeasible.
 * @example
 * ```ts
 * const { weights, volatility } = minVariance({ covariance: sampleCovariance(returns), lower: 0, upper: 0.4 });
 * ```
 */
export function minVariance(config: MinVarianceConfig): PortfolioOptimum {
  const c = parseWith(MinVarianceConfigSchema, config);
  const n = c.covariance.length;
  const D = c.covariance.map((row) => row.map((v) => 2 * v));
  const d = new Float64Array(n);
  if (c.transactionCost) addTransactionCost(D, d, c.transactionCost.previousWeights, c.transactionCost.penalty);
  const rows = weightConstraintRows(toWeightConstraints(c, n), n);
  const qp = solveQuadraticProgram({ D, d, ...rows }, { matrix: 'covariance', constraints: 'constraints' });
  return describeWeights(qp.x, c.covariance, c.expectedReturns, qp.iterations, true);
}
