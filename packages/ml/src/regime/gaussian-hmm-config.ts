/**
 * Schemas of a Gaussian hidden Markov model's parameters and of its fit options. Shapes are checked
 * together (every state has a start probability, a transition row, a mean and a (co)variance) and the
 * numbers are checked for what the model needs: probabilities in [0, 1] whose rows sum to 1 within
 * 1e-9, positive variances, symmetric positive-definite covariance matrices. Every error names the field.
 */
import { z } from 'zod';
import { cholesky } from './linalg';

/** How far a probability vector's sum may be from 1. */
export const PROBABILITY_SUM_TOLERANCE = 1e-9;

/**
 * The covariance forms of a multivariate {@link GaussianHmmConfig}: `'diag'` (one variance per feature
 * and state) or `'full'` (one covariance matrix per state).
 *
 * @example
 * ```ts
 * const type: CovarianceType = CovarianceType.full;
 * ```
 */
export const CovarianceType = { diag: 'diag', full: 'full' } as const;
/** One of {@link CovarianceType}'s values. */
export type CovarianceType = (typeof CovarianceType)[keyof typeof CovarianceType];

const probability = z.number().min(0, 'must be a probability in [0, 1]').max(1, 'must be a probability in [0, 1]');
const finite = z.number();

function checkSumsToOne(values: readonly number[], path: (string | number)[], ctx: z.RefinementCtx): void {
  let sum = 0;
  for (const v of values) sum += v;
  if (Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) ctx.addIssue({ code: 'custom', path, message: `must sum to 1 (within ${PROBABILITY_SUM_TOLERANCE}), sums to ${sum}` });
}

/**
 * Schema of {@link GaussianHmmConfig}.
 *
 * @example
 * ```ts
 * parseWith(GaussianHmmConfigSchema, { startProbabilities: [1], transitionMatrix: [[1]], means: [0], variances: [1] }, 'GaussianHmm');
 * ```
 */
export const GaussianHmmConfigSchema = z
  .strictObject({
    /** P(first state = i). */
    startProbabilities: z.array(probability).min(1, 'must hold one probability per state'),
    /** Row-stochastic: `transitionMatrix[i][j]` = P(next state = j | state = i). */
    transitionMatrix: z.array(z.array(probability)),
    /** Univariate: one mean per state. Multivariate: one row of feature means per state. */
    means: z.union([z.array(finite), z.array(z.array(finite))]),
    /** Univariate: one variance per state. */
    variances: z.array(z.number().positive('must be positive')).optional(),
    /** Multivariate: per state, the feature variances (`'diag'`) or the covariance matrix (`'full'`). */
    covariances: z.union([z.array(z.array(finite)), z.array(z.array(z.array(finite)))]).optional(),
    /** Multivariate: the form of `covariances`. */
    covarianceType: z.enum(['diag', 'full']).optional(),
  })
  .superRefine((c, ctx) => {
    const k = c.startProbabilities.length;
    checkSumsToOne(c.startProbabilities, ['startProbabilities'], ctx);
    if (c.transitionMatrix.length !== k) ctx.addIssue({ code: 'custom', path: ['transitionMatrix'], message: `must have one row per state (${k}), has ${c.transitionMatrix.length}` });
    c.transitionMatrix.forEach((row, i) => {
      if (row.length !== k) ctx.addIssue({ code: 'custom', path: ['transitionMatrix', i], message: `must have one probability per state (${k}), has ${row.length}` });
      else checkSumsToOne(row, ['transitionMatrix', i], ctx);
    });
    if (c.means.length !== k) ctx.addIssue({ code: 'custom', path: ['means'], message: `must have one entry per state (${k}), has ${c.means.length}` });
    const univariate = c.means.every((m) => typeof m === 'number');
    if (univariate) {
      if (c.covariances !== undefined || c.covarianceType !== undefined) {
        ctx.addIssue({ code: 'custom', path: [c.covariances !== undefined ? 'covariances' : 'covarianceType'], message: 'belongs to a multivariate model (means as one row per state); a univariate model takes variances' });
      }
      if (c.variances === undefined) ctx.addIssue({ code: 'custom', path: ['variances'], message: 'required: one variance per state' });
      else if (c.variances.length !== k) ctx.addIssue({ code: 'custom', path: ['variances'], message: `must have one variance per state (${k}), has ${c.variances.length}` });
      return;
    }
    if (!c.means.every((m) => Array.isArray(m))) {
      ctx.addIssue({ code: 'custom', path: ['means'], message: 'must be all numbers (univariate) or all rows (multivariate)' });
      return;
    }
    const means = c.means as number[][];
    const d = means[0]?.length ?? 0;
    if (d === 0) ctx.addIssue({ code: 'custom', path: ['means', 0], message: 'must hold at least one feature' });
    means.forEach((row, i) => {
      if (row.length !== d) ctx.addIssue({ code: 'custom', path: ['means', i], message: `must have ${d} features like means[0], has ${row.length}` });
    });
    if (c.variances !== undefined) ctx.addIssue({ code: 'custom', path: ['variances'], message: 'belongs to a univariate model; a multivariate model takes covariances and covarianceType' });
    if (c.covarianceType === undefined) ctx.addIssue({ code: 'custom', path: ['covarianceType'], message: "required for a multivariate model: 'diag' or 'full'" });
    if (c.covariances === undefined) {
      ctx.addIssue({ code: 'custom', path: ['covariances'], message: 'required for a multivariate model: one entry per state' });
      return;
    }
    if (c.covariances.length !== k) ctx.addIssue({ code: 'custom', path: ['covariances'], message: `must have one entry per state (${k}), has ${c.covariances.length}` });
    c.covariances.forEach((cov, i) => {
      const path = ['covariances', i];
      if (c.covarianceType === 'diag') {
        if (!cov.every((v) => typeof v === 'number')) return ctx.addIssue({ code: 'custom', path, message: "must be one variance per feature (covarianceType 'diag')" });
        const vars = cov as number[];
        if (vars.length !== d) return ctx.addIssue({ code: 'custom', path, message: `must have one variance per feature (${d}), has ${vars.length}` });
        vars.forEach((v, j) => {
          if (!(v > 0)) ctx.addIssue({ code: 'custom', path: [...path, j], message: `must be a positive variance, got ${v}` });
        });
      } else if (c.covarianceType === 'full') {
        if (!cov.every((r) => Array.isArray(r))) return ctx.addIssue({ code: 'custom', path, message: "must be a matrix (rows of numbers) (covarianceType 'full')" });
        const m = cov as number[][];
        if (m.length !== d || m.some((r) => r.length !== d)) return ctx.addIssue({ code: 'custom', path, message: `must be a ${d} x ${d} matrix` });
        for (let a = 0; a < d; a++) {
          for (let b = a + 1; b < d; b++) {
            const x = m[a]![b]!;
            const y = m[b]![a]!;
            if (Math.abs(x - y) > 1e-12 * Math.max(1, Math.abs(x), Math.abs(y))) {
              return ctx.addIssue({ code: 'custom', path: [...path, a, b], message: `must be symmetric: ${x} here, ${y} at [${b}][${a}]` });
            }
          }
        }
        if (!cholesky(m.flat(), d)) ctx.addIssue({ code: 'custom', path, message: 'must be positive definite' });
      }
    });
  });

/**
 * Parameters of a {@link GaussianHmm}: univariate (`means` and `variances`, one number per state) or
 * multivariate (`means` as one row per state, `covariances` and `covarianceType`).
 *
 * @example
 * ```ts
 * const calmAndStormy: GaussianHmmConfig = {
 *   startProbabilities: [0.5, 0.5],
 *   transitionMatrix: [[0.98, 0.02], [0.05, 0.95]],
 *   means: [0.05, -0.1],
 *   variances: [0.5, 4],
 * };
 * ```
 */
export type GaussianHmmConfig = z.input<typeof GaussianHmmConfigSchema>;

/**
 * Schema of {@link GaussianHmmFitOptions} (without `initial`, which is checked as a model).
 *
 * @example
 * ```ts
 * parseWith(GaussianHmmFitOptionsSchema, { states: 2, seed: 7 }, 'options');
 * ```
 */
export const GaussianHmmFitOptionsSchema = z.strictObject({
  /** Number of hidden states; taken from `initial` when that is given. */
  states: z.number().int().positive().optional(),
  /** Starting parameters: a model or its config. Without it, k-means++ (seeded) picks the means. */
  initial: z.unknown().optional(),
  /** How the start probabilities are chosen at each M-step. */
  startProbabilities: z.enum(['estimate', 'stationary']).default('estimate'),
  /** Covariance form of a multivariate model started without `initial`. */
  covarianceType: z.enum(['diag', 'full']).optional(),
  /** The most EM iterations (M-steps) to run. */
  maxIterations: z.number().int().nonnegative().default(1000),
  /** Stop when one iteration raises the log likelihood by less than this. */
  tolerance: z.number().nonnegative().default(1e-8),
  /** Seed of the k-means++ initialisation (used only without `initial`). */
  seed: z.number().int().optional(),
});

/**
 * Options of {@link GaussianHmm.fit}.
 *
 * - `states`: number of hidden states (or take it from `initial`).
 * - `initial`: starting parameters, a {@link GaussianHmm} or its config; without it the means come from
 *   k-means++ seeded by `seed` (default 0), every state starts with the data's (co)variance, the start
 *   probabilities are uniform and each state persists with probability 0.9.
 * - `startProbabilities`: `'estimate'` (default: Baum-Welch's γ₀) or `'stationary'` (the stationary
 *   distribution of the transition matrix, as in statsmodels' Markov switching models; the M-step then
 *   maximises the expected log likelihood with that constraint, so EM converges to a maximum of the
 *   likelihood with the stationary start).
 * - `covarianceType`: `'full'` (default) or `'diag'` for a multivariate model started without `initial`.
 * - `maxIterations` (default 1000) and `tolerance` (default 1e-8): EM stops when an iteration raises the
 *   log likelihood by less than `tolerance`, or after `maxIterations` M-steps.
 *
 * @example
 * ```ts
 * const options: GaussianHmmFitOptions = { states: 2, seed: 1, tolerance: 1e-9 };
 * ```
 */
export type GaussianHmmFitOptions = Omit<z.input<typeof GaussianHmmFitOptionsSchema>, 'initial'> & {
  readonly initial?: GaussianHmmConfig | { toJSON(): GaussianHmmConfig };
};
