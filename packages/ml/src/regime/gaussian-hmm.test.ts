import { describe, expect, it } from 'vitest';
import { looseObjectPaths, ValidationError } from '@rxtrade/core';
import { GaussianHmm } from './gaussian-hmm';
import { GaussianHmmConfigSchema, GaussianHmmFitOptionsSchema, type GaussianHmmConfig } from './gaussian-hmm-config';

const twoStates: GaussianHmmConfig = {
  startProbabilities: [0.6, 0.4],
  transitionMatrix: [
    [0.9, 0.1],
    [0.2, 0.8],
  ],
  means: [0, 3],
  variances: [1, 4],
};

/** A two-regime series drawn from a fixed generator (calm around 0, stormy around -1 with 3x the spread). */
function simulate(n: number, seed = 1): { x: number[]; states: number[] } {
  let s = seed >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const x: number[] = [];
  const states: number[] = [];
  let state = 0;
  for (let t = 0; t < n; t++) {
    if (u() < (state === 0 ? 0.02 : 0.05)) state = 1 - state;
    states.push(state);
    x.push(state === 0 ? 0.5 + normal() : -1 + 3 * normal());
  }
  return { x, states };
}

/** Brute force: p(x) as the sum over every state path of the joint probability. */
function bruteForceLikelihood(c: GaussianHmmConfig, x: number[]): number {
  const k = c.startProbabilities.length;
  const pdf = (v: number, i: number): number => {
    const m = (c.means as number[])[i]!;
    const s2 = c.variances![i]!;
    return Math.exp(-((v - m) ** 2) / (2 * s2)) / Math.sqrt(2 * Math.PI * s2);
  };
  let total = 0;
  const paths = k ** x.length;
  for (let p = 0; p < paths; p++) {
    let code = p;
    let prob = 1;
    let prev = -1;
    for (let t = 0; t < x.length; t++) {
      const s = code % k;
      code = Math.floor(code / k);
      prob *= (t === 0 ? c.startProbabilities[s]! : c.transitionMatrix[prev]![s]!) * pdf(x[t]!, s);
      prev = s;
    }
    total += prob;
  }
  return Math.log(total);
}

describe('GaussianHmm', () => {
  it('computes the log likelihood that a sum over every state path gives', () => {
    const x = [0.3, 2.5, -1, 4, 3.5, 0.1];
    expect(new GaussianHmm(twoStates).logLikelihood(x)).toBeCloseTo(bruteForceLikelihood(twoStates, x), 12);
  });

  it('gives rows of probabilities that sum to 1, the last filtered row equal to the last smoothed row', () => {
    const hmm = new GaussianHmm(twoStates);
    const { x } = simulate(200);
    const filtered = hmm.filteredProbabilities(x);
    const smoothed = hmm.smoothedProbabilities(x);
    expect(filtered).toHaveLength(200);
    for (const row of [...filtered, ...smoothed]) expect(row[0]! + row[1]!).toBeCloseTo(1, 14);
    expect(Array.from(smoothed[199]!)).toEqual(Array.from(filtered[199]!));
    expect(Array.from(smoothed[100]!)).not.toEqual(Array.from(filtered[100]!));
  });

  it('stays finite on a series far outside every state (no underflow: scaled recursions)', () => {
    const hmm = new GaussianHmm(twoStates);
    const x = [0, 1e3, -1e3, 0, 50];
    expect(Number.isFinite(hmm.logLikelihood(x))).toBe(true);
    for (const row of hmm.smoothedProbabilities(x)) expect(row.every((p) => Number.isFinite(p) && p >= 0 && p <= 1)).toBe(true);
  });

  it('round-trips through toJSON and JSON', () => {
    const hmm = new GaussianHmm(twoStates);
    const copy = new GaussianHmm(JSON.parse(JSON.stringify(hmm)) as GaussianHmmConfig);
    expect(copy.toJSON()).toEqual(twoStates);
    expect(copy.covarianceType).toBe('univariate');
    const full = new GaussianHmm({ startProbabilities: [1], transitionMatrix: [[1]], means: [[0, 1]], covariances: [[[2, 0.5], [0.5, 1]]], covarianceType: 'full' });
    expect(new GaussianHmm(full.toJSON()).toJSON()).toEqual(full.toJSON());
    expect(full.dimension).toBe(2);
  });

  it('gives a stationary distribution that the transition matrix leaves unchanged', () => {
    const pi = new GaussianHmm(twoStates).stationaryProbabilities();
    expect(pi[0]).toBeCloseTo(2 / 3, 15);
    expect(pi[0]! * 0.9 + pi[1]! * 0.2).toBeCloseTo(pi[0]!, 15);
  });

  describe('refuses bad parameters, naming the field', () => {
    const bad: [string, Partial<GaussianHmmConfig> & Record<string, unknown>, RegExp][] = [
      ['start probabilities that do not sum to 1', { startProbabilities: [0.6, 0.5] }, /GaussianHmm\.startProbabilities: must sum to 1 \(within 1e-9\)/],
      ['a transition row that does not sum to 1', { transitionMatrix: [[0.9, 0.1], [0.2, 0.7]] }, /GaussianHmm\.transitionMatrix\[1\]: must sum to 1/],
      ['a negative probability', { transitionMatrix: [[1.1, -0.1], [0.2, 0.8]] }, /GaussianHmm\.transitionMatrix\[0\]\[0\]: must be a probability/],
      ['a zero variance', { variances: [1, 0] }, /GaussianHmm\.variances\[1\]: must be positive/],
      ['a missing mean', { means: [0] }, /GaussianHmm\.means: must have one entry per state \(2\), has 1/],
      ['an unknown key', { variance: [1, 2] }, /GaussianHmm\.variance: unknown option; did you mean "variances"\?/],
      ['covariances on a univariate model', { covariances: [[1], [1]] }, /GaussianHmm\.covariances: belongs to a multivariate model/],
      ['a NaN mean', { means: [Number.NaN, 0] }, /GaussianHmm\.means/],
    ];
    for (const [what, patch, message] of bad) {
      it(what, () => {
        const config = { ...twoStates, ...patch } as GaussianHmmConfig;
        expect(() => new GaussianHmm(config)).toThrow(ValidationError);
        expect(() => new GaussianHmm(config)).toThrow(message);
      });
    }
    const multi = { startProbabilities: [1], transitionMatrix: [[1]], means: [[0, 0]] };
    it('a covariance matrix that is not positive definite', () => {
      expect(() => new GaussianHmm({ ...multi, covariances: [[[1, 2], [2, 1]]], covarianceType: 'full' })).toThrow(/GaussianHmm\.covariances\[0\]: must be positive definite/);
    });
    it('a covariance matrix that is not symmetric', () => {
      expect(() => new GaussianHmm({ ...multi, covariances: [[[1, 0.2], [0.1, 1]]], covarianceType: 'full' })).toThrow(/GaussianHmm\.covariances\[0\]\[0\]\[1\]: must be symmetric/);
    });
    it('a diagonal covariance with a zero variance, and a missing covariance type', () => {
      expect(() => new GaussianHmm({ ...multi, covariances: [[1, 0]], covarianceType: 'diag' })).toThrow(/GaussianHmm\.covariances\[0\]\[1\]: must be a positive variance/);
      expect(() => new GaussianHmm({ ...multi, covariances: [[1, 1]] })).toThrow(/GaussianHmm\.covarianceType: required for a multivariate model/);
    });
  });

  it('refuses bad observations, naming the index', () => {
    const hmm = new GaussianHmm(twoStates);
    expect(() => hmm.logLikelihood([0.1, Number.NaN])).toThrow(/x\[1\]: must be a finite number, got NaN/);
    expect(() => hmm.logLikelihood([])).toThrow(/x: must hold at least one observation/);
    const two = new GaussianHmm({ startProbabilities: [1], transitionMatrix: [[1]], means: [[0, 0]], covariances: [[1, 1]], covarianceType: 'diag' });
    expect(() => two.logLikelihood([[1, 2], [3]])).toThrow(/x\[1\]: must be a row of 2 numbers/);
    expect(() => two.logLikelihood([1, 2, 3])).toThrow(/x: holds 3 numbers, not a whole number of observations of 2 features/);
  });

  it('keeps its schemas strict', () => {
    expect(looseObjectPaths(GaussianHmmConfigSchema)).toEqual([]);
    expect(looseObjectPaths(GaussianHmmFitOptionsSchema)).toEqual([]);
  });
});

describe('GaussianHmm.fit', () => {
  it('recovers two simulated regimes from a seeded start, the same on every run', () => {
    const { x, states } = simulate(3000);
    const a = GaussianHmm.fit(x, { states: 2, seed: 3 });
    const b = GaussianHmm.fit(x, { states: 2, seed: 3 });
    expect(a.model.toJSON()).toEqual(b.model.toJSON());
    expect(a.converged).toBe(true);
    const { means, variances } = a.model.toJSON() as { means: number[]; variances: number[] };
    // States are labelled by the k-means start (lowest mean first): state 0 is the stormy one here.
    expect(means[0]).toBeCloseTo(-1, 0);
    expect(means[1]).toBeCloseTo(0.5, 1);
    expect(Math.sqrt(variances[0]!)).toBeCloseTo(3, 0);
    expect(Math.sqrt(variances[1]!)).toBeCloseTo(1, 1);
    const path = a.model.viterbi(x).path;
    const agree = states.filter((s, t) => s === 1 - path[t]!).length / x.length;
    expect(agree).toBeGreaterThan(0.9);
    for (let i = 1; i < a.history.length; i++) expect(a.history[i]!).toBeGreaterThanOrEqual(a.history[i - 1]! - 1e-9);
    expect(a.history.at(-1)).toBe(a.logLikelihood);
    expect(a.logLikelihood).toBeCloseTo(a.model.logLikelihood(x), 9);
  });

  it('fits multivariate models with full and diagonal covariances from a seeded start', () => {
    const { x } = simulate(1500, 9);
    const rows = x.map((v, t) => [v, Math.abs(v) + 0.1 * Math.sin(t)]);
    for (const covarianceType of ['full', 'diag'] as const) {
      const fit = GaussianHmm.fit(rows, { states: 2, covarianceType, seed: 1, maxIterations: 300, tolerance: 1e-6 });
      expect(fit.model.covarianceType).toBe(covarianceType);
      expect(fit.model.dimension).toBe(2);
      expect(fit.history.at(-1)! - fit.history[0]!).toBeGreaterThan(0);
    }
  });

  it('keeps the start at the stationary distribution when asked', () => {
    const { x } = simulate(1000);
    const { model } = GaussianHmm.fit(x, { states: 2, seed: 2, startProbabilities: 'stationary', tolerance: 1e-6 });
    expect(Array.from(model.stationaryProbabilities())).toEqual(model.toJSON().startProbabilities.map((p) => expect.closeTo(p, 12)));
  });

  it('stops at maxIterations and says it did not converge', () => {
    const { x } = simulate(500);
    const fit = GaussianHmm.fit(x, { states: 2, maxIterations: 3, tolerance: 0 });
    expect(fit.iterations).toBe(3);
    expect(fit.converged).toBe(false);
    expect(fit.history).toHaveLength(4);
  });

  it('refuses bad options, naming them', () => {
    const x = simulate(50).x;
    expect(() => GaussianHmm.fit(x, {} as never)).toThrow(/options\.states: required without options\.initial/);
    expect(() => GaussianHmm.fit(x, { states: 2, maxIteration: 3 } as never)).toThrow(/options\.maxIteration: unknown option; did you mean "maxIterations"\?/);
    expect(() => GaussianHmm.fit(x, { states: 3, initial: twoStates })).toThrow(/options\.states: is 3 but options\.initial has 2 states/);
    expect(() => GaussianHmm.fit(x, { initial: twoStates, seed: 1 })).toThrow(/options\.seed/);
    expect(() => GaussianHmm.fit(x, { initial: { ...twoStates, variances: [1, -1] } })).toThrow(/options\.initial\.variances\[1\]: must be positive/);
    expect(() => GaussianHmm.fit(x, { states: 0 })).toThrow(/options\.states/);
  });

  it('names the collapse of a state instead of returning NaN', () => {
    // Two identical observations and a state started on them: its variance falls to zero.
    const x = [5, 5, 0.1, -0.3, 0.2, 0.4, -0.1];
    const initial: GaussianHmmConfig = { startProbabilities: [0.5, 0.5], transitionMatrix: [[0.5, 0.5], [0.5, 0.5]], means: [5, 0], variances: [1e-6, 0.1] };
    expect(() => GaussianHmm.fit(x, { initial, maxIterations: 50 })).toThrow(/x: Baum-Welch cannot continue: iteration \d+: state 0's variance of feature 0 fell to 0/);
  });
});
