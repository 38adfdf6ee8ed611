/**
 * Risk budgeting and equal risk contribution (risk parity), long only and fully invested: weights
 * whose shares of portfolio variance `w_i (Sigma w)_i / w' Sigma w` equal given budgets `b_i`
 * (all `1/n` for risk parity). Solved by Spinu's convex formulation (F. Spinu, "An algorithm for
 * computing risk parity weights", 2013): minimise `1/2 x' Sigma x - sum_i b_i ln x_i` over x > 0 by
 * damped Newton steps (Nesterov's rule for self-concordant functions), then `w = x / sum(x)`. The
 * first-order condition `x_i (Sigma x)_i = b_i` is exactly the budget condition, and the problem
 * has a unique solution for any positive-definite Sigma.
 */
import { parseWith, ValidationError } from '@rxtrade/core';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { z } from 'zod';
import { checkLength, CovarianceMatrixSchema, VectorSchema } from './optimizer-inputs';
import { describeWeights, multiply, type PortfolioOptimum } from './portfolio-optimum';

/**
 * Schema of {@link RiskParityConfig}.
 *
 * @example
 * ```ts
 * parseWith(RiskParityConfigSchema, { covariance }).tolerance // 1e-10
 * ```
 */
export const RiskParityConfigSchema = z
  .strictObject({
    /** Covariance matrix of the asset returns (symmetric positive definite). */
    covariance: CovarianceMatrixSchema,
    /** Risk budgets, all > 0 (normalised to sum to 1); default equal (risk parity). */
    budgets: VectorSchema.optional(),
    /** Expected returns, used only to report `expectedReturn`. */
    expectedReturns: VectorSchema.optional(),
    /** Stop when every risk share is within this of its budget; default 1e-10. */
    tolerance: z.number().positive().default(1e-10),
    /** Newton steps allowed; default 100. */
    maxIterations: z.number().int().positive().default(100),
  })
  .superRefine((c, ctx) => {
    const n = c.covariance.length;
    checkLength(ctx, c.budgets, n, ['budgets']);
    checkLength(ctx, c.expectedReturns, n, ['expectedReturns']);
    c.budgets?.forEach((b, i) => {
      if (!(b > 0)) ctx.addIssue({ code: 'custom', message: 'every risk budget must be > 0', path: ['budgets', i] });
    });
  });
/**
 * Options of {@link riskParity}.
 *
 * @example
 * ```ts
 * const config: RiskParityConfig = { covariance, budgets: [0.5, 0.25, 0.25] };
 * ```
 */
export type RiskParityConfig = z.input<typeof RiskParityConfigSchema>;

/**
 * Risk-budgeting weights (equal risk contribution by default): long-only weights summing to 1 whose
 * variance shares equal the budgets. `converged` is false (and the last iterate returned) only if
 * `maxIterations` Newton steps did not reach `tolerance`.
 *
 * @throws ValidationError for malformed input or a covariance that is not positive definite.
 * @example
 * ```ts
 * const { weights, riskContributions } = riskParity({ covariance }); // riskContributions all 1/n
 * ```
 */
export function riskParity(config: RiskParityConfig): PortfolioOptimum {
  const c = parseWith(RiskParityConfigSchema, config);
  const sigma = c.covariance;
  const n = sigma.length;
  const budgets = c.budgets ? Float64Array.from(c.budgets) : new Float64Array(n).fill(1);
  const budgetSum = budgets.reduce((s, v) => s + v, 0);
  for (let i = 0; i < n; i++) budgets[i]! /= budgetSum;
  const sigmaMatrix = new Matrix(sigma.map((row) => Array.from(row)));
  if (!new CholeskyDecomposition(sigmaMatrix).isPositiveDefinite()) {
    throw new ValidationError([{ path: ['covariance'], message: 'must be positive definite' }]);
  }
  // Start from inverse-volatility weights scaled onto the budgets: x_i = b_i / sigma_i, then
  // rescaled so that x' Sigma x = 1 (the scale at which sum b_i = x' Sigma x holds at the optimum).
  let x = Float64Array.from(budgets, (b, i) => b / Math.sqrt(sigma[i]![i]!));
  const sx0 = multiply(sigma, x);
  const scale = 1 / Math.sqrt(x.reduce((s, v, i) => s + v * sx0[i]!, 0));
  x = x.map((v) => v * scale);
  let iterations = 0;
  let converged = false;
  for (; iterations <= c.maxIterations; iterations++) {
    const sx = multiply(sigma, x);
    let variance = 0;
    for (let i = 0; i < n; i++) variance += x[i]! * sx[i]!;
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs((x[i]! * sx[i]!) / variance - budgets[i]!));
    if (worst <= c.tolerance) {
      converged = true;
      break;
    }
    if (iterations === c.maxIterations) break;
    // Newton step on f(x) = 1/2 x'Sx - b' ln x: gradient Sx - b/x, Hessian S + diag(b / x^2).
    const hessian = sigmaMatrix.clone();
    const gradient = new Matrix(n, 1);
    for (let i = 0; i < n; i++) {
      hessian.set(i, i, hessian.get(i, i) + budgets[i]! / (x[i]! * x[i]!));
      gradient.set(i, 0, sx[i]! - budgets[i]! / x[i]!);
    }
    const step = new CholeskyDecomposition(hessian).solve(gradient);
    let decrement = 0; // Newton decrement squared: g' H^-1 g
    for (let i = 0; i < n; i++) decrement += gradient.get(i, 0) * step.get(i, 0);
    const lambda = Math.sqrt(Math.max(decrement, 0));
    // Damped step 1 / (1 + lambda) far from the optimum keeps x > 0 (self-concordance); full step near it.
    const t = lambda > 0.25 ? 1 / (1 + lambda) : 1;
    const next = Float64Array.from(x, (v, i) => v - t * step.get(i, 0));
    if (next.some((v) => !(v > 0))) {
      // A full step left the positive orthant: fall back to the damped step, which cannot.
      for (let i = 0; i < n; i++) next[i] = x[i]! - step.get(i, 0) / (1 + lambda);
    }
    x = next;
  }
  const total = x.reduce((s, v) => s + v, 0);
  const weights = Float64Array.from(x, (v) => v / total);
  return describeWeights(weights, sigma, c.expectedReturns, iterations, converged);
}
