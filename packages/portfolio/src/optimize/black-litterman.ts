/**
 * Black-Litterman posterior returns (He & Litterman, "The intuition behind Black-Litterman model
 * portfolios", Goldman Sachs, 1999). The prior is the market-implied equilibrium `pi = delta Sigma
 * w_mkt` (or given returns); k views say `P mu = Q + e`, `e ~ N(0, Omega)`. Then
 *   posterior mean        mu_BL = pi + tau Sigma P' (P tau Sigma P' + Omega)^-1 (Q - P pi)
 *   posterior covariance  Sigma_BL = Sigma + tau Sigma - tau Sigma P' (P tau Sigma P' + Omega)^-1 P tau Sigma
 *   unconstrained optimum w_BL = (delta Sigma_BL)^-1 mu_BL.
 * Omega is, by default, He & Litterman's `diag(P tau Sigma P')`. With `confidences` (0 < c <= 1,
 * one per view) it is Idzorek's confidence mapping in the closed form used by PyPortfolioOpt
 * (`omega_k = tau (1 - c_k) / c_k * p_k Sigma p_k'`; c = 1 makes a view certain). An explicit
 * `omega` (diagonal vector or k x k matrix) can be given instead.
 */
import { parseWith, ValidationError } from '@rxtrade/core';
import { LuDecomposition, Matrix, solve } from 'ml-matrix';
import { z } from 'zod';
import { checkLength, CovarianceMatrixSchema, MatrixSchema, VectorSchema } from './optimizer-inputs';

/**
 * Schema of {@link BlackLittermanConfig}: `priorReturns`, or `marketWeights` (with `riskAversion`).
 *
 * @example
 * ```ts
 * parseWith(BlackLittermanConfigSchema, { covariance, marketWeights, views: { P: [[1, -1, 0]], Q: [0.02] } }).tau // 0.05
 * ```
 */
export const BlackLittermanConfigSchema = z
  .strictObject({
    /** Covariance matrix of the asset returns (symmetric positive definite). */
    covariance: CovarianceMatrixSchema,
    /** Market-capitalisation weights; the prior is `riskAversion * Sigma * marketWeights`. */
    marketWeights: VectorSchema.optional(),
    /** Prior expected returns, used instead of the market-implied ones. */
    priorReturns: VectorSchema.optional(),
    /** delta, the market's risk aversion; default 2.5 (He & Litterman). */
    riskAversion: z.number().positive().default(2.5),
    /** Scale of the uncertainty of the prior; default 0.05. */
    tau: z.number().positive().default(0.05),
    views: z.strictObject({
      /** Pick matrix, one row per view, one column per asset. */
      P: MatrixSchema,
      /** The view returns, one per row of P. */
      Q: VectorSchema,
    }),
    /** Idzorek confidence of each view in (0, 1]; sets Omega. */
    confidences: VectorSchema.optional(),
    /** Explicit view uncertainty: a diagonal (vector) or a k x k covariance. */
    omega: z.union([VectorSchema, MatrixSchema]).optional(),
  })
  .superRefine((c, ctx) => {
    const n = c.covariance.length;
    const k = c.views.P.length;
    if ((c.marketWeights === undefined) === (c.priorReturns === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of marketWeights and priorReturns', path: ['marketWeights'] });
    }
    if (c.confidences !== undefined && c.omega !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give at most one of confidences and omega', path: ['omega'] });
    }
    checkLength(ctx, c.marketWeights, n, ['marketWeights']);
    checkLength(ctx, c.priorReturns, n, ['priorReturns']);
    c.views.P.forEach((row, i) => {
      if (row.length !== n) ctx.addIssue({ code: 'custom', message: `must have one column per asset (${n})`, path: ['views', 'P', i] });
    });
    if (c.views.Q.length !== k) ctx.addIssue({ code: 'custom', message: `must have one entry per view (${k})`, path: ['views', 'Q'] });
    if (c.confidences) {
      if (c.confidences.length !== k) ctx.addIssue({ code: 'custom', message: `must have one entry per view (${k})`, path: ['confidences'] });
      c.confidences.forEach((v, i) => {
        if (!(v > 0 && v <= 1)) ctx.addIssue({ code: 'custom', message: 'must be in (0, 1]', path: ['confidences', i] });
      });
    }
    if (c.omega) {
      const omega = c.omega;
      if (omega instanceof Float64Array) {
        if (omega.length !== k) ctx.addIssue({ code: 'custom', message: `must have one entry per view (${k})`, path: ['omega'] });
        if (omega.some((v) => v < 0)) ctx.addIssue({ code: 'custom', message: 'view variances must be >= 0', path: ['omega'] });
      } else if (omega.length !== k || omega.some((row) => row.length !== k)) {
        ctx.addIssue({ code: 'custom', message: `must be ${k} x ${k}`, path: ['omega'] });
      }
    }
  });
/**
 * Options of {@link blackLitterman}.
 *
 * @example
 * ```ts
 * const config: BlackLittermanConfig = {
 *   covariance, marketWeights, views: { P: [[1, 0, -1]], Q: [0.002] }, confidences: [0.6],
 * };
 * ```
 */
export type BlackLittermanConfig = z.input<typeof BlackLittermanConfigSchema>;

/**
 * The Black-Litterman posterior.
 *
 * @example
 * ```ts
 * const post = blackLitterman(config);
 * maxSharpe({ covariance: post.posteriorCovariance, expectedReturns: post.posteriorReturns, upper: 0.3 });
 * ```
 */
export interface BlackLittermanPosterior {
  /** The prior (market-implied or given) expected returns, pi. */
  readonly priorReturns: Float64Array;
  /** Posterior expected returns, mu_BL. */
  readonly posteriorReturns: Float64Array;
  /** Posterior covariance of returns, Sigma_BL (Sigma plus the posterior uncertainty of the mean). */
  readonly posteriorCovariance: Float64Array[];
  /** The Omega used, k x k. */
  readonly omega: Float64Array[];
  /** Unconstrained optimal weights `(delta Sigma_BL)^-1 mu_BL` (He & Litterman); they need not sum to 1. */
  readonly weights: Float64Array;
}

/**
 * Black-Litterman posterior expected returns and covariance from a prior and views.
 *
 * @throws ValidationError for malformed input.
 * @example
 * ```ts
 * const { posteriorReturns } = blackLitterman({
 *   covariance, marketWeights: [0.5, 0.3, 0.2],
 *   views: { P: [[1, -1, 0]], Q: [0.01] }, // asset 0 outperforms asset 1 by 1%
 * });
 * ```
 */
export function blackLitterman(config: BlackLittermanConfig): BlackLittermanPosterior {
  const c = parseWith(BlackLittermanConfigSchema, config);
  const n = c.covariance.length;
  const sigma = new Matrix(c.covariance.map((r) => Array.from(r)));
  const P = new Matrix(c.views.P.map((r) => Array.from(r)));
  const Q = Matrix.columnVector(Array.from(c.views.Q));
  const prior = c.priorReturns
    ? Matrix.columnVector(Array.from(c.priorReturns))
    : sigma.mmul(Matrix.columnVector(Array.from(c.marketWeights!))).mul(c.riskAversion);
  const tauSigma = sigma.clone().mul(c.tau); // ml-matrix's mul/add/sub work in place: clone first
  const tauSigmaPt = tauSigma.mmul(P.transpose()); // n x k
  const viewCov = P.mmul(tauSigmaPt); // P tau Sigma P', k x k
  const k = P.rows;
  let omega: Matrix;
  if (c.omega instanceof Float64Array) omega = Matrix.diag(Array.from(c.omega));
  else if (c.omega) omega = new Matrix(c.omega.map((r) => Array.from(r)));
  else if (c.confidences) omega = Matrix.diag(Array.from(c.confidences, (conf, i) => ((1 - conf) / conf) * viewCov.get(i, i)));
  else omega = Matrix.diag(Array.from({ length: k }, (_, i) => viewCov.get(i, i)));
  const middle = viewCov.clone().add(omega); // P tau Sigma P' + Omega
  const middleLu = new LuDecomposition(middle);
  if (middleLu.isSingular()) {
    throw new ValidationError([{ path: ['views', 'P'], message: "P tau Sigma P' + Omega is singular: the views are linearly dependent and certain" }]);
  }
  const surprise = Q.clone().sub(P.mmul(prior));
  const posteriorReturns = prior.clone().add(tauSigmaPt.mmul(middleLu.solve(surprise)));
  const posteriorCovariance = sigma.clone().add(tauSigma).sub(tauSigmaPt.mmul(middleLu.solve(tauSigmaPt.transpose())));
  // Symmetrise away rounding so that the result passes CovarianceMatrixSchema downstream.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = (posteriorCovariance.get(i, j) + posteriorCovariance.get(j, i)) / 2;
      posteriorCovariance.set(i, j, v);
      posteriorCovariance.set(j, i, v);
    }
  }
  const weights = solve(posteriorCovariance.clone().mul(c.riskAversion), posteriorReturns);
  return {
    priorReturns: Float64Array.from(prior.getColumn(0)),
    posteriorReturns: Float64Array.from(posteriorReturns.getColumn(0)),
    posteriorCovariance: posteriorCovariance.to2DArray().map((r) => Float64Array.from(r)),
    omega: omega.to2DArray().map((r) => Float64Array.from(r)),
    weights: Float64Array.from(weights.getColumn(0)),
  };
}
