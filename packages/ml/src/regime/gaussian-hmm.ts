/**
 * `GaussianHmm`: a hidden Markov model with Gaussian emissions, univariate or multivariate (diagonal or
 * full covariances). A hidden state S_t follows a Markov chain (start probabilities, transition matrix);
 * the observation x_t given S_t = i is N(μ_i, Σ_i). Inference (Rabiner 1989): the log likelihood, the
 * filtered probabilities P(S_t | x_0..t), the smoothed probabilities P(S_t | x_0..T-1), the Viterbi path;
 * and Baum-Welch estimation ({@link GaussianHmm.fit}).
 *
 * In a pipeline use the filtered probabilities ({@link regime}): the smoothed ones at t use observations
 * after t.
 */
import { parseWith, ValidationError } from '@rxtrade/core';
import { baumWelch, choleskyFactors, CollapsedStateError } from './baum-welch';
import { GaussianHmmConfigSchema, GaussianHmmFitOptionsSchema, type CovarianceType, type GaussianHmmConfig, type GaussianHmmFitOptions } from './gaussian-hmm-config';
import { Emissions, forwardBackward, logDensityTable, viterbiPath, type HmmParams } from './hmm-kernels';
import { initialParams } from './initial-params';
import { stationaryDistribution } from './linalg';

/**
 * Observations: for a univariate model an array of numbers; for a model of d features an array of rows
 * (each of d numbers) or one flat row-major array of T·d numbers (a `Float64Array` of features).
 *
 * @example
 * ```ts
 * const returns: HmmObservations = [0.1, -0.4, 0.2];
 * const rows: HmmObservations = [[0.1, 1.2], [-0.4, 2.5]];
 * ```
 */
export type HmmObservations = ArrayLike<number> | readonly ArrayLike<number>[];

/**
 * The most likely state path of {@link GaussianHmm.viterbi}.
 *
 * @example
 * ```ts
 * const { path, logProbability }: ViterbiResult = hmm.viterbi(returns);
 * ```
 */
export interface ViterbiResult {
  /** The state at each observation. */
  readonly path: Int32Array;
  /** log P(path, x) under the model. */
  readonly logProbability: number;
}

/**
 * What {@link GaussianHmm.fit} returns.
 *
 * @example
 * ```ts
 * const { model, logLikelihood, iterations, converged }: GaussianHmmFit = GaussianHmm.fit(returns, { states: 2 });
 * ```
 */
export interface GaussianHmmFit {
  /** The estimated model. */
  readonly model: GaussianHmm;
  /** The log likelihood of `x` under `model`. */
  readonly logLikelihood: number;
  /** Number of M-steps run. */
  readonly iterations: number;
  /** Whether the last iteration gained less than `tolerance` (else `maxIterations` stopped it). */
  readonly converged: boolean;
  /** The log likelihood before each M-step and of the final model (non-decreasing: EM's guarantee). */
  readonly history: readonly number[];
}

/**
 * A Gaussian hidden Markov model.
 *
 * @example
 * ```ts
 * const hmm = new GaussianHmm({
 *   startProbabilities: [0.5, 0.5],
 *   transitionMatrix: [[0.98, 0.02], [0.05, 0.95]],
 *   means: [0.05, -0.1],
 *   variances: [0.5, 4],
 * });
 * hmm.logLikelihood([0.3, -2.5, 1.9]);
 * hmm.filteredProbabilities([0.3, -2.5, 1.9]); // one Float64Array of 2 probabilities per return
 * ```
 */
export class GaussianHmm {
  /** Number of hidden states. */
  readonly states: number;
  /** Number of features of an observation (1 for a univariate model). */
  readonly dimension: number;
  /** `'univariate'`, or the covariance form of a multivariate model. */
  readonly covarianceType: 'univariate' | CovarianceType;
  /** @internal */
  readonly params: HmmParams;
  /** @internal */
  readonly emissions: Emissions;

  constructor(config: GaussianHmmConfig) {
    const params = paramsFromConfig(parseWith(GaussianHmmConfigSchema, config, 'GaussianHmm'));
    this.params = params.params;
    this.states = this.params.k;
    this.dimension = this.params.d;
    this.covarianceType = params.univariate ? 'univariate' : this.params.covarianceType;
    this.emissions = new Emissions(this.params, choleskyFactors(this.params));
  }

  /**
   * Estimates a model by Baum-Welch (EM) from `initial` or from a seeded k-means++ start.
   *
   * @param x the observations (see {@link HmmObservations}; flat arrays are univariate unless `initial`
   * has more features).
   * @example
   * ```ts
   * const { model, converged } = GaussianHmm.fit(returns, { states: 2, seed: 1 });
   * model.viterbi(returns).path; // the regime of each day
   * ```
   */
  static fit(x: HmmObservations, options: GaussianHmmFitOptions): GaussianHmmFit {
    const o = parseWith(GaussianHmmFitOptionsSchema, options, 'options');
    let start: GaussianHmm | undefined;
    if (o.initial !== undefined) {
      start = o.initial instanceof GaussianHmm ? o.initial : new GaussianHmm(parseWith(GaussianHmmConfigSchema, o.initial, 'options.initial'));
      if (o.states !== undefined && o.states !== start.states) throw issue(['options', 'states'], `is ${o.states} but options.initial has ${start.states} states`);
      if (o.seed !== undefined) throw issue(['options', 'seed'], 'seeds the k-means++ start, so it cannot go with options.initial');
      if (o.covarianceType !== undefined && o.covarianceType !== start.params.covarianceType) throw issue(['options', 'covarianceType'], `is '${o.covarianceType}' but options.initial's is '${start.covarianceType}'`);
    } else if (o.states === undefined) {
      throw issue(['options', 'states'], 'required without options.initial');
    }
    const d = start?.dimension ?? dimensionOf(x);
    const { data, t } = observationMatrix(x, d);
    let init = start?.params ?? initialParams(data, t, d, o.states!, o.covarianceType ?? 'full', o.seed ?? 0);
    if (o.startProbabilities === 'stationary') {
      const pi = stationaryDistribution(init.trans, init.k);
      if (!pi) throw issue(['options', 'initial', 'transitionMatrix'], "has no unique stationary distribution, which startProbabilities: 'stationary' needs");
      init = { ...init, start: pi };
    }
    let outcome;
    try {
      outcome = baumWelch(data, t, init, { startMode: o.startProbabilities, maxIterations: o.maxIterations, tolerance: o.tolerance });
    } catch (e) {
      if (e instanceof CollapsedStateError) throw issue(['x'], `Baum-Welch cannot continue: ${e.message}; try other initial parameters or fewer states`);
      throw e;
    }
    const univariate = start ? start.covarianceType === 'univariate' : d === 1 && o.covarianceType === undefined;
    return {
      model: new GaussianHmm(configFromParams(outcome.params, univariate)),
      logLikelihood: outcome.logLikelihood,
      iterations: outcome.iterations,
      converged: outcome.converged,
      history: outcome.history,
    };
  }

  /**
   * log p(x) under the model.
   *
   * @example
   * ```ts
   * hmm.logLikelihood([0.3, -2.5, 1.9]);
   * ```
   */
  logLikelihood(x: HmmObservations): number {
    const { data, t } = observationMatrix(x, this.dimension);
    return forwardBackward(this.params, this.table(data, t), t, false, false).logLikelihood;
  }

  /**
   * P(S_t = i | x_0..t): for each observation, the state probabilities given it and the observations
   * before it. What a live system can know at t; {@link regime} streams the same numbers.
   *
   * @example
   * ```ts
   * hmm.filteredProbabilities(returns).at(-1); // Float64Array [P(calm), P(stormy)] today
   * ```
   */
  filteredProbabilities(x: HmmObservations): Float64Array[] {
    const { data, t } = observationMatrix(x, this.dimension);
    return rows(forwardBackward(this.params, this.table(data, t), t, false, false).filtered, t, this.states);
  }

  /**
   * P(S_t = i | x_0..T-1): for each observation, the state probabilities given the whole series,
   * including observations after it. For analysis only: they look ahead.
   *
   * @example
   * ```ts
   * hmm.smoothedProbabilities(returns)[0]; // Float64Array of one probability per state
   * ```
   */
  smoothedProbabilities(x: HmmObservations): Float64Array[] {
    const { data, t } = observationMatrix(x, this.dimension);
    return rows(forwardBackward(this.params, this.table(data, t), t, true, false).smoothed!, t, this.states);
  }

  /**
   * The most likely sequence of states given the whole series (Viterbi's algorithm, in log space).
   *
   * @example
   * ```ts
   * const { path } = hmm.viterbi(returns); // Int32Array of state indices
   * ```
   */
  viterbi(x: HmmObservations): ViterbiResult {
    const { data, t } = observationMatrix(x, this.dimension);
    return viterbiPath(this.params, this.table(data, t), t);
  }

  /**
   * The stationary distribution of the transition matrix (πᵀA = πᵀ): the long-run share of time in
   * each state. Use it as `startProbabilities` to compare with statsmodels' Markov switching models.
   *
   * @example
   * ```ts
   * new GaussianHmm({ ...hmm.toJSON(), startProbabilities: [...hmm.stationaryProbabilities()] });
   * ```
   */
  stationaryProbabilities(): Float64Array {
    const pi = stationaryDistribution(this.params.trans, this.states);
    if (!pi) throw new ValidationError([{ path: ['transitionMatrix'], message: 'has no unique stationary distribution (more than one closed class of states)' }]);
    return pi;
  }

  /**
   * The parameters as a {@link GaussianHmmConfig} (plain arrays, JSON-safe): `new GaussianHmm(m.toJSON())`
   * is the same model.
   *
   * @example
   * ```ts
   * const copy = new GaussianHmm(JSON.parse(JSON.stringify(hmm)));
   * ```
   */
  toJSON(): GaussianHmmConfig {
    return configFromParams(this.params, this.covarianceType === 'univariate');
  }

  private table(data: Float64Array, t: number): Float64Array {
    return logDensityTable(this.emissions, data, t, this.dimension, this.states);
  }
}

function issue(path: (string | number)[], message: string): ValidationError {
  return new ValidationError([{ path, message }]);
}

function rows(flat: Float64Array, t: number, k: number): Float64Array[] {
  const out: Float64Array[] = new Array<Float64Array>(t);
  for (let s = 0; s < t; s++) out[s] = flat.slice(s * k, (s + 1) * k);
  return out;
}

function dimensionOf(x: HmmObservations): number {
  if (x.length === 0) throw issue(['x'], 'must hold at least one observation');
  const first = x[0];
  if (typeof first === 'number') return 1;
  if (first === undefined || first === null || typeof first !== 'object' || typeof first.length !== 'number' || first.length === 0) throw issue(['x', 0], 'must be a number or a non-empty row of numbers');
  return first.length;
}

/**
 * Checks and copies observations into a flat T x d array.
 *
 * @internal
 */
export function observationMatrix(x: HmmObservations, d: number): { data: Float64Array; t: number } {
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number') throw issue(['x'], 'must be an array of observations');
  if (x.length === 0) throw issue(['x'], 'must hold at least one observation');
  if (typeof x[0] === 'number') {
    const flat = x as ArrayLike<number>;
    if (flat.length % d !== 0) throw issue(['x'], `holds ${flat.length} numbers, not a whole number of observations of ${d} features`);
    const data = new Float64Array(flat.length);
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw issue(['x', i], `must be a finite number, got ${String(v)}`);
      data[i] = v;
    }
    return { data, t: flat.length / d };
  }
  const rowsIn = x as readonly ArrayLike<number>[];
  const t = rowsIn.length;
  const data = new Float64Array(t * d);
  for (let s = 0; s < t; s++) {
    const row = rowsIn[s];
    if (row === undefined || row === null || typeof row !== 'object' || row.length !== d) throw issue(['x', s], `must be a row of ${d} numbers`);
    for (let a = 0; a < d; a++) {
      const v = row[a];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw issue(['x', s, a], `must be a finite number, got ${String(v)}`);
      data[s * d + a] = v;
    }
  }
  return { data, t };
}

function paramsFromConfig(c: ReturnType<typeof GaussianHmmConfigSchema.parse>): { params: HmmParams; univariate: boolean } {
  const k = c.startProbabilities.length;
  const start = Float64Array.from(c.startProbabilities);
  const trans = Float64Array.from(c.transitionMatrix.flat());
  if (c.variances !== undefined) {
    return { params: { k, d: 1, covarianceType: 'diag', start, trans, means: Float64Array.from(c.means as number[]), cov: Float64Array.from(c.variances) }, univariate: true };
  }
  const means = c.means as number[][];
  const d = means[0]!.length;
  const covarianceType = c.covarianceType!;
  const cov = Float64Array.from((c.covariances as unknown[]).flat(2) as number[]);
  return { params: { k, d, covarianceType, start, trans, means: Float64Array.from(means.flat()), cov }, univariate: false };
}

function configFromParams(p: HmmParams, univariate: boolean): GaussianHmmConfig {
  const { k, d } = p;
  const startProbabilities = Array.from(p.start);
  const transitionMatrix = Array.from({ length: k }, (_, i) => Array.from(p.trans.subarray(i * k, (i + 1) * k)));
  if (univariate) return { startProbabilities, transitionMatrix, means: Array.from(p.means), variances: Array.from(p.cov) };
  const means = Array.from({ length: k }, (_, i) => Array.from(p.means.subarray(i * d, (i + 1) * d)));
  const covariances =
    p.covarianceType === 'full'
      ? Array.from({ length: k }, (_, i) => Array.from({ length: d }, (_, a) => Array.from(p.cov.subarray(i * d * d + a * d, i * d * d + (a + 1) * d))))
      : Array.from({ length: k }, (_, i) => Array.from(p.cov.subarray(i * d, (i + 1) * d)));
  return { startProbabilities, transitionMatrix, means, covariances, covarianceType: p.covarianceType };
}
