/**
 * Baum-Welch: expectation-maximisation for a Gaussian HMM (Rabiner 1989, section III.C; Bilmes 1998, "A
 * gentle tutorial of the EM algorithm", section 4). The E-step is the scaled forward-backward pass of
 * hmm-kernels.ts; the M-step sets each state's mean and (co)variance to the γ-weighted moments of the
 * observations and each transition row to the expected transition counts, normalised.
 *
 * Start probabilities: `'estimate'` takes γ₀. `'stationary'` ties them to the stationary distribution
 * π(A) of the transition matrix (statsmodels' Markov switching models start there). The expected
 * complete-data log likelihood is then Σ_i γ₀(i) log π_i(A) + Σ_ij N_ij log A_ij, which has no closed-form
 * maximiser; with dπᵀ = πᵀ dA Z, Z = (I - A + 1πᵀ)⁻¹ (Kemeny and Snell's fundamental matrix), its
 * gradient is ∂/∂A_ij = N_ij / A_ij + π_i (Z w)_j with w_m = γ₀(m) / π_m, and the Lagrange conditions of
 * the row constraints give the fixed point A_ij ∝ N_ij + A_ij π_i (Z w)_j, iterated to convergence (the
 * start term weighs one observation against T - 1 transitions, so a few rounds suffice). EM's fixed
 * points are then stationary points of the stationary-start likelihood.
 */
import { cholesky, solve, stationaryDistribution } from './linalg';
import { Emissions, forwardBackward, logDensityTable, type HmmParams } from './hmm-kernels';

/** What {@link baumWelch} needs besides the data. */
export interface BaumWelchSettings {
  readonly startMode: 'estimate' | 'stationary';
  readonly maxIterations: number;
  readonly tolerance: number;
}

/** What {@link baumWelch} returns. */
export interface BaumWelchOutcome {
  readonly params: HmmParams;
  readonly logLikelihood: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly history: number[];
}

/** Thrown by the M-step when a state's (co)variance is no longer positive (a state collapsed). */
export class CollapsedStateError extends Error {}

/** The Cholesky factors of full covariances, or `undefined` for diagonal ones. Throws when not PD. */
export function choleskyFactors(p: HmmParams): Float64Array | undefined {
  if (p.covarianceType !== 'full') return undefined;
  const d = p.d;
  const out = new Float64Array(p.k * d * d);
  for (let i = 0; i < p.k; i++) {
    const l = cholesky(p.cov, d, i * d * d);
    if (!l) throw new CollapsedStateError(`state ${i}: covariance is not positive definite`);
    out.set(l, i * d * d);
  }
  return out;
}

/** Runs EM from `initial` until the log likelihood gains less than `tolerance` in one iteration. */
export function baumWelch(x: Float64Array, t: number, initial: HmmParams, settings: BaumWelchSettings): BaumWelchOutcome {
  let params = initial;
  const history: number[] = [];
  let previous = -Infinity;
  for (let iteration = 0; ; iteration++) {
    const logb = logDensityTable(new Emissions(params, choleskyFactors(params)), x, t, params.d, params.k);
    const post = forwardBackward(params, logb, t, true, true);
    const ll = post.logLikelihood;
    history.push(ll);
    if (iteration > 0 && Math.abs(ll - previous) < settings.tolerance) {
      return { params, logLikelihood: ll, iterations: iteration, converged: true, history };
    }
    if (iteration >= settings.maxIterations) return { params, logLikelihood: ll, iterations: iteration, converged: false, history };
    previous = ll;
    params = maximise(params, x, t, post.smoothed!, post.transitions!, settings.startMode, iteration + 1);
  }
}

function maximise(p: HmmParams, x: Float64Array, t: number, gamma: Float64Array, counts: Float64Array, startMode: 'estimate' | 'stationary', iteration: number): HmmParams {
  const { k, d } = p;
  const weight = new Float64Array(k);
  for (let s = 0; s < t; s++) for (let i = 0; i < k; i++) weight[i]! += gamma[s * k + i]!;
  const means = new Float64Array(k * d);
  for (let s = 0; s < t; s++) {
    for (let i = 0; i < k; i++) {
      const g = gamma[s * k + i]!;
      for (let a = 0; a < d; a++) means[i * d + a]! += g * x[s * d + a]!;
    }
  }
  for (let i = 0; i < k; i++) {
    if (!(weight[i]! > 0)) throw new CollapsedStateError(`iteration ${iteration}: state ${i} has no weight left (no observation is likely in it)`);
    for (let a = 0; a < d; a++) means[i * d + a]! /= weight[i]!;
  }
  const full = p.covarianceType === 'full';
  const cov = new Float64Array(full ? k * d * d : k * d);
  const r = new Float64Array(d);
  for (let s = 0; s < t; s++) {
    for (let i = 0; i < k; i++) {
      const g = gamma[s * k + i]!;
      for (let a = 0; a < d; a++) r[a] = x[s * d + a]! - means[i * d + a]!;
      if (full) {
        const base = i * d * d;
        for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) cov[base + a * d + b]! += g * r[a]! * r[b]!;
      } else {
        for (let a = 0; a < d; a++) cov[i * d + a]! += g * r[a]! * r[a]!;
      }
    }
  }
  for (let i = 0; i < k; i++) {
    if (full) {
      const base = i * d * d;
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          const v = cov[base + a * d + b]! / weight[i]!;
          cov[base + a * d + b] = v;
          cov[base + b * d + a] = v;
        }
      }
    } else {
      for (let a = 0; a < d; a++) {
        cov[i * d + a]! /= weight[i]!;
        if (!(cov[i * d + a]! > 0)) throw new CollapsedStateError(`iteration ${iteration}: state ${i}'s variance of feature ${a} fell to ${cov[i * d + a]}`);
      }
    }
  }
  let trans: Float64Array = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    let row = 0;
    for (let j = 0; j < k; j++) row += counts[i * k + j]!;
    for (let j = 0; j < k; j++) trans[i * k + j] = row > 0 ? counts[i * k + j]! / row : p.trans[i * k + j]!;
  }
  let start: Float64Array;
  if (startMode === 'estimate') {
    // γ₀ sums to 1 only up to rounding; a probability just over 1 would not be one.
    start = gamma.slice(0, k);
    let sum = 0;
    for (let i = 0; i < k; i++) sum += start[i]!;
    for (let i = 0; i < k; i++) start[i]! /= sum;
  } else {
    trans = stationaryTransitions(trans, counts, gamma.subarray(0, k), k, iteration);
    start = stationaryOrThrow(trans, k, iteration);
  }
  const next: HmmParams = { k, d, covarianceType: p.covarianceType, start, trans, means, cov };
  if (full) {
    try {
      choleskyFactors(next);
    } catch (e) {
      throw new CollapsedStateError(`iteration ${iteration}: ${(e as Error).message}`);
    }
  }
  return next;
}

function stationaryOrThrow(trans: Float64Array, k: number, iteration: number): Float64Array {
  const pi = stationaryDistribution(trans, k);
  if (!pi) throw new CollapsedStateError(`iteration ${iteration}: the transition matrix has no unique stationary distribution (more than one closed class of states)`);
  return pi;
}

/** The M-step of the transition matrix under a stationary start (see the header). */
function stationaryTransitions(a0: Float64Array, counts: Float64Array, g0: Float64Array, k: number, iteration: number): Float64Array {
  let a = a0;
  const m = new Float64Array(k * k);
  const w = new Float64Array(k);
  for (let round = 0; round < 100; round++) {
    const pi = stationaryOrThrow(a, k, iteration);
    // Z = (I - A + 1 πᵀ)⁻¹; u = Z w.
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) m[i * k + j] = (i === j ? 1 : 0) - a[i * k + j]! + pi[j]!;
    for (let i = 0; i < k; i++) w[i] = pi[i]! > 0 ? g0[i]! / pi[i]! : 0;
    const u = solve(m, w, k);
    if (!u) throw new CollapsedStateError(`iteration ${iteration}: the fundamental matrix of the transition matrix is singular`);
    const next = new Float64Array(k * k);
    let change = 0;
    for (let i = 0; i < k; i++) {
      let row = 0;
      for (let j = 0; j < k; j++) {
        const v = Math.max(0, counts[i * k + j]! + a[i * k + j]! * pi[i]! * u[j]!);
        next[i * k + j] = v;
        row += v;
      }
      for (let j = 0; j < k; j++) {
        next[i * k + j] = row > 0 ? next[i * k + j]! / row : a[i * k + j]!;
        change = Math.max(change, Math.abs(next[i * k + j]! - a[i * k + j]!));
      }
    }
    a = next;
    if (change < 1e-15) break;
  }
  return a;
}
