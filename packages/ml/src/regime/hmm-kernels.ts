/**
 * The numeric core of {@link GaussianHmm}: Gaussian log densities, the scaled forward-backward recursions
 * (Rabiner 1989, "A tutorial on hidden Markov models", section V.A) and Viterbi's algorithm in log space.
 *
 * Scaling: at step t the emission densities are divided by their largest value among the states that the
 * prediction reaches (exp(log b - m_t)), and the forward variables are normalised to sum to 1 by c_t, so
 * nothing under- or overflows however long the series or however extreme an observation; the log
 * likelihood is Σ (log c_t + m_t). The normalised forward variables are the filtered probabilities
 * P(S_t | x_0..t); smoothed ones are their products with the scaled backward variables.
 */

/** A model's parameters in flat row-major arrays (k states, d features). */
export interface HmmParams {
  readonly k: number;
  readonly d: number;
  readonly covarianceType: 'diag' | 'full';
  readonly start: Float64Array;
  /** k x k, row i = P(next | i). */
  readonly trans: Float64Array;
  /** k x d. */
  readonly means: Float64Array;
  /** 'diag': k x d variances; 'full': k x d x d covariances. */
  readonly cov: Float64Array;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** Per-state constants of the Gaussian log densities. */
export class Emissions {
  private readonly k: number;
  private readonly d: number;
  private readonly full: boolean;
  private readonly means: Float64Array;
  /** diag: variances; full: Cholesky factors (lower, k x d x d). */
  private readonly scale: Float64Array;
  private readonly logNorm: Float64Array;
  private readonly z: Float64Array;

  /** @param chol the Cholesky factors of full covariances, already computed and checked. */
  constructor(p: HmmParams, chol?: Float64Array) {
    this.k = p.k;
    this.d = p.d;
    this.full = p.covarianceType === 'full';
    this.means = p.means;
    this.logNorm = new Float64Array(p.k);
    this.z = new Float64Array(p.d);
    const d = p.d;
    if (this.full) {
      if (!chol) throw new Error('Emissions: full covariances need their Cholesky factors');
      this.scale = chol;
      for (let i = 0; i < p.k; i++) {
        let logDet = 0;
        for (let a = 0; a < d; a++) logDet += 2 * Math.log(chol[i * d * d + a * d + a]!);
        this.logNorm[i] = -0.5 * (d * LOG_2PI + logDet);
      }
    } else {
      this.scale = p.cov;
      for (let i = 0; i < p.k; i++) {
        let logDet = 0;
        for (let a = 0; a < d; a++) logDet += Math.log(p.cov[i * d + a]!);
        this.logNorm[i] = -0.5 * (d * LOG_2PI + logDet);
      }
    }
  }

  /** Writes log N(x; μ_i, Σ_i) for every state i into `out[outOff..]`; x is `x[off..off+d]`. */
  logDensities(x: ArrayLike<number>, off: number, out: Float64Array, outOff: number): void {
    const { k, d, means, scale, z } = this;
    for (let i = 0; i < k; i++) {
      let maha = 0;
      if (this.full) {
        const base = i * d * d;
        for (let a = 0; a < d; a++) {
          let s = x[off + a]! - means[i * d + a]!;
          for (let b = 0; b < a; b++) s -= scale[base + a * d + b]! * z[b]!;
          const za = s / scale[base + a * d + a]!;
          z[a] = za;
          maha += za * za;
        }
      } else {
        for (let a = 0; a < d; a++) {
          const r = x[off + a]! - means[i * d + a]!;
          maha += (r * r) / scale[i * d + a]!;
        }
      }
      out[outOff + i] = this.logNorm[i]! - 0.5 * maha;
    }
  }
}

/**
 * One step of the scaled forward recursion. Predicts from `prev[prevOff..]` (or takes the start
 * probabilities when `prev` is undefined), weighs by the densities, and writes the filtered
 * probabilities to `alpha[aOff..]` and the scaled densities to `b[aOff..]` (when given). Returns
 * `[log c_t + m_t]` in `out[0]` and c_t in `out[1]`.
 */
export function forwardStep(
  p: HmmParams,
  prev: Float64Array | undefined,
  prevOff: number,
  logb: Float64Array,
  lOff: number,
  alpha: Float64Array,
  aOff: number,
  b: Float64Array | undefined,
  pred: Float64Array,
  out: Float64Array,
): void {
  const { k, trans, start } = p;
  if (prev === undefined) {
    for (let j = 0; j < k; j++) pred[j] = start[j]!;
  } else {
    pred.fill(0);
    for (let i = 0; i < k; i++) {
      const w = prev[prevOff + i]!;
      if (w === 0) continue;
      for (let j = 0; j < k; j++) pred[j]! += w * trans[i * k + j]!;
    }
  }
  let m = -Infinity;
  for (let j = 0; j < k; j++) if (pred[j]! > 0 && logb[lOff + j]! > m) m = logb[lOff + j]!;
  let c = 0;
  for (let j = 0; j < k; j++) {
    const bj = pred[j]! > 0 ? Math.exp(logb[lOff + j]! - m) : 0;
    if (b) b[aOff + j] = bj;
    const a = pred[j]! * bj;
    alpha[aOff + j] = a;
    c += a;
  }
  for (let j = 0; j < k; j++) alpha[aOff + j]! /= c;
  out[0] = Math.log(c) + m;
  out[1] = c;
}

/** Result of {@link forwardBackward}. */
export interface Posterior {
  readonly logLikelihood: number;
  /** T x k filtered probabilities. */
  readonly filtered: Float64Array;
  /** T x k smoothed probabilities (only when asked for). */
  readonly smoothed?: Float64Array;
  /** k x k expected transition counts Σ_t P(S_t = i, S_t+1 = j | x) (only when asked for). */
  readonly transitions?: Float64Array;
}

/** Log densities of every observation and state: T x k. */
export function logDensityTable(em: Emissions, x: Float64Array, t: number, d: number, k: number): Float64Array {
  const logb = new Float64Array(t * k);
  for (let s = 0; s < t; s++) em.logDensities(x, s * d, logb, s * k);
  return logb;
}

/** The forward pass, and the backward pass when `smooth` is set. */
export function forwardBackward(p: HmmParams, logb: Float64Array, t: number, smooth: boolean, counts: boolean): Posterior {
  const { k, trans } = p;
  const alpha = new Float64Array(t * k);
  const b = smooth ? new Float64Array(t * k) : undefined;
  const c = new Float64Array(t);
  const pred = new Float64Array(k);
  const out = new Float64Array(2);
  let ll = 0;
  for (let s = 0; s < t; s++) {
    forwardStep(p, s === 0 ? undefined : alpha, (s - 1) * k, logb, s * k, alpha, s * k, b, pred, out);
    ll += out[0]!;
    c[s] = out[1]!;
  }
  if (!smooth || !b) return { logLikelihood: ll, filtered: alpha };
  const gamma = new Float64Array(t * k);
  const xi = counts ? new Float64Array(k * k) : undefined;
  let beta = new Float64Array(k).fill(1);
  let next = new Float64Array(k);
  const tmp = new Float64Array(k);
  for (let j = 0; j < k; j++) gamma[(t - 1) * k + j] = alpha[(t - 1) * k + j]!;
  for (let s = t - 2; s >= 0; s--) {
    const cs = c[s + 1]!;
    for (let j = 0; j < k; j++) tmp[j] = (b[(s + 1) * k + j]! * beta[j]!) / cs;
    for (let i = 0; i < k; i++) {
      let acc = 0;
      const ai = alpha[s * k + i]!;
      for (let j = 0; j < k; j++) {
        const v = trans[i * k + j]! * tmp[j]!;
        acc += v;
        if (xi) xi[i * k + j]! += ai * v;
      }
      next[i] = acc;
      gamma[s * k + i] = ai * acc;
    }
    const swap = beta;
    beta = next;
    next = swap;
  }
  return xi ? { logLikelihood: ll, filtered: alpha, smoothed: gamma, transitions: xi } : { logLikelihood: ll, filtered: alpha, smoothed: gamma };
}

/** The most likely state path (Viterbi) and its joint log probability with the observations. */
export function viterbiPath(p: HmmParams, logb: Float64Array, t: number): { path: Int32Array; logProbability: number } {
  const { k, start, trans } = p;
  const logA = trans.map(Math.log);
  let delta = new Float64Array(k);
  let next = new Float64Array(k);
  const back = new Int32Array(t * k);
  for (let j = 0; j < k; j++) delta[j] = Math.log(start[j]!) + logb[j]!;
  for (let s = 1; s < t; s++) {
    for (let j = 0; j < k; j++) {
      let best = -Infinity;
      let arg = 0;
      for (let i = 0; i < k; i++) {
        const v = delta[i]! + logA[i * k + j]!;
        if (v > best) {
          best = v;
          arg = i;
        }
      }
      next[j] = best + logb[s * k + j]!;
      back[s * k + j] = arg;
    }
    const swap = delta;
    delta = next;
    next = swap;
  }
  let last = 0;
  for (let j = 1; j < k; j++) if (delta[j]! > delta[last]!) last = j;
  const path = new Int32Array(t);
  path[t - 1] = last;
  for (let s = t - 1; s > 0; s--) path[s - 1] = back[s * k + path[s]!]!;
  return { path, logProbability: delta[last]! };
}
