import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GaussianHmm } from './gaussian-hmm';
import type { GaussianHmmConfig } from './gaussian-hmm-config';

// Made by packages/ml/scripts/hmm-reference.py from S&P 500 daily returns (statsmodels 0.13 and an
// independent numpy/scipy forward-backward); see the script for what each entry is.
interface Fixed {
  name: string;
  model: GaussianHmmConfig;
  logLikelihood: number;
  rows: number[];
  filtered: number[][];
  smoothed: number[][];
  viterbi: { path: number[]; logProbability: number };
}
interface Fixture {
  provenance: string;
  returns: number[];
  ranges: number[];
  statsmodelsFixed: Fixed[];
  statsmodelsEmStep: { model: GaussianHmmConfig; means: number[]; variances: number[] };
  statsmodelsMle: { start: GaussianHmmConfig; estimate: GaussianHmmConfig; logLikelihood: number; scoreMaxAbs: number; emIterations: number }[];
  baumWelch: {
    start: GaussianHmmConfig;
    iterations: number;
    model: GaussianHmmConfig;
    history: number[];
    converged: { model: GaussianHmmConfig; logLikelihood: number; iterations: number; tolerance: number };
  };
  multivariate: Fixed[];
  baumWelchMultivariate: { name: string; start: GaussianHmmConfig; iterations: number; model: GaussianHmmConfig; history: number[] }[];
}

const fixture = JSON.parse(gunzipSync(readFileSync(new URL('./__fixtures__/hmm-reference.json.gz', import.meta.url))).toString('utf8')) as Fixture;
const returns = fixture.returns;
const features = returns.map((r, i) => [r, fixture.ranges[i]!]);

/** Every number of `actual` within `rel` of `expected`, relative to max(1, |expected|). */
function expectClose(actual: unknown, expected: unknown, rel: number, path = ''): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    const a = actual as number;
    expect(Math.abs(a - expected) / Math.max(1, Math.abs(expected)), `${path}: ${a} vs ${expected}`).toBeLessThanOrEqual(rel);
    return;
  }
  if (Array.isArray(expected) || ArrayBuffer.isView(expected)) {
    const e = Array.from(expected as ArrayLike<unknown>);
    const a = Array.from(actual as ArrayLike<unknown>);
    expect(a.length, path).toBe(e.length);
    e.forEach((v, i) => expectClose(a[i], v, rel, `${path}[${i}]`));
    return;
  }
  for (const [k, v] of Object.entries(expected as object)) if (typeof v !== 'string') expectClose((actual as Record<string, unknown>)[k], v, rel, `${path}.${k}`);
}

function maxAbsDiff(a: ArrayLike<number>[], b: number[][], rows: number[]): number {
  let m = 0;
  rows.forEach((t, r) => b[r]!.forEach((v, j) => (m = Math.max(m, Math.abs(a[t]![j]! - v)))));
  return m;
}

describe('GaussianHmm against statsmodels MarkovRegression (S&P 500 daily returns, 5,104)', () => {
  it('holds the data the script wrote', () => {
    expect(returns).toHaveLength(5104);
    expect(fixture.provenance).toMatch(/statsmodels 0\.13/);
  });

  for (const ref of fixture.statsmodelsFixed) {
    it(`gives statsmodels' log likelihood, filtered and smoothed probabilities to 1e-9 for fixed parameters (${ref.name}, stationary start)`, () => {
      const hmm = new GaussianHmm(ref.model);
      // statsmodels starts from the stationary distribution: so does the fixture's model.
      expectClose(hmm.stationaryProbabilities(), ref.model.startProbabilities, 1e-12);
      expect(Math.abs(hmm.logLikelihood(returns) - ref.logLikelihood) / Math.abs(ref.logLikelihood)).toBeLessThan(1e-9);
      expect(maxAbsDiff(hmm.filteredProbabilities(returns), ref.filtered, ref.rows)).toBeLessThan(1e-9);
      expect(maxAbsDiff(hmm.smoothedProbabilities(returns), ref.smoothed, ref.rows)).toBeLessThan(1e-9);
    });

    it(`finds the numpy Viterbi path and its log probability (${ref.name})`, () => {
      const { path, logProbability } = new GaussianHmm(ref.model).viterbi(returns);
      expect(Array.from(path)).toEqual(ref.viterbi.path);
      expect(Math.abs(logProbability - ref.viterbi.logProbability) / Math.abs(ref.viterbi.logProbability)).toBeLessThan(1e-9);
      expect(new Set(path).size).toBe(new GaussianHmm(ref.model).states); // every regime shows up in 20 years
    });
  }

  it("updates means and variances as statsmodels' EM iteration does (to 1e-9)", () => {
    const step = fixture.statsmodelsEmStep;
    const { model, iterations } = GaussianHmm.fit(returns, { initial: step.model, startProbabilities: 'stationary', maxIterations: 1, tolerance: 0 });
    expect(iterations).toBe(1);
    const json = model.toJSON();
    expectClose(json.means, step.means, 1e-9);
    expectClose(json.variances, step.variances, 1e-9);
  });

  it("reaches statsmodels' maximum likelihood estimate from the same start (EM with a stationary start vs fit(em_iter=50) and BFGS), to 1e-6", () => {
    const ref = fixture.statsmodelsMle[0]!;
    expect(ref.scoreMaxAbs).toBeLessThan(1e-5); // statsmodels' optimum is one: its exact score vanishes there
    const fit = GaussianHmm.fit(returns, { initial: ref.start, startProbabilities: 'stationary', tolerance: 1e-11, maxIterations: 5000 });
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.logLikelihood - ref.logLikelihood) / Math.abs(ref.logLikelihood)).toBeLessThan(1e-9);
    expectClose(fit.model.toJSON(), ref.estimate, 1e-6);
    // The log likelihood with the stationary start at our estimate is at least statsmodels' maximum.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(ref.logLikelihood - 1e-7);
  });
});

describe('GaussianHmm.fit (Baum-Welch) against a numpy implementation', () => {
  it('matches 25 univariate EM iterations step for step (1e-9) and never lowers the log likelihood', () => {
    const bw = fixture.baumWelch;
    const fit = GaussianHmm.fit(returns, { initial: bw.start, maxIterations: bw.iterations, tolerance: 0 });
    expect(fit.iterations).toBe(25);
    expect(fit.converged).toBe(false);
    expectClose(fit.history, bw.history, 1e-9);
    expectClose(fit.model.toJSON(), bw.model, 1e-9);
    for (let i = 1; i < fit.history.length; i++) expect(fit.history[i]!).toBeGreaterThanOrEqual(fit.history[i - 1]! - 1e-9);
  });

  it('converges to the same estimate as numpy (1e-6)', () => {
    const bw = fixture.baumWelch;
    const fit = GaussianHmm.fit(returns, { initial: bw.start, tolerance: bw.converged.tolerance });
    expect(fit.converged).toBe(true);
    // A gain below 1e-10 on |log L| ≈ 7215 is at rounding level, so where each stops may differ by a few.
    expect(Math.abs(fit.iterations - bw.converged.iterations)).toBeLessThanOrEqual(5);
    expect(Math.abs(fit.logLikelihood - bw.converged.logLikelihood) / Math.abs(bw.converged.logLikelihood)).toBeLessThan(1e-9);
    expectClose(fit.model.toJSON(), bw.converged.model, 1e-6);
  });

  for (const ref of fixture.baumWelchMultivariate) {
    it(`matches ${ref.iterations} EM iterations of a two-feature model with ${ref.name} covariances (1e-9)`, () => {
      const fit = GaussianHmm.fit(features, { initial: ref.start, maxIterations: ref.iterations, tolerance: 0 });
      expectClose(fit.history, ref.history, 1e-9);
      expectClose(fit.model.toJSON(), ref.model, 1e-9);
    });
  }
});

describe('multivariate GaussianHmm against a numpy/scipy forward-backward (returns and daily ranges)', () => {
  for (const ref of fixture.multivariate) {
    it(`gives the log likelihood, filtered and smoothed probabilities and Viterbi path (${ref.name} covariances)`, () => {
      const hmm = new GaussianHmm(ref.model);
      expect(Math.abs(hmm.logLikelihood(features) - ref.logLikelihood) / Math.abs(ref.logLikelihood)).toBeLessThan(1e-9);
      expect(maxAbsDiff(hmm.filteredProbabilities(features), ref.filtered, ref.rows)).toBeLessThan(1e-9);
      expect(maxAbsDiff(hmm.smoothedProbabilities(features), ref.smoothed, ref.rows)).toBeLessThan(1e-9);
      const v = hmm.viterbi(features);
      expect(Array.from(v.path)).toEqual(ref.viterbi.path);
      expect(Math.abs(v.logProbability - ref.viterbi.logProbability) / Math.abs(ref.viterbi.logProbability)).toBeLessThan(1e-9);
      // A flat row-major Float64Array is the same input as rows.
      expect(hmm.logLikelihood(Float64Array.from(features.flat()))).toBe(hmm.logLikelihood(features));
    });
  }
});
