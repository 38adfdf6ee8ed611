import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { GaussianHmm } from './gaussian-hmm';
import { regime } from './regime';
import { RegimeFilter } from './regime-filter';

const hmm = new GaussianHmm({
  startProbabilities: [0.5, 0.3, 0.2],
  transitionMatrix: [
    [0.95, 0.04, 0.01],
    [0.05, 0.9, 0.05],
    [0.02, 0.08, 0.9],
  ],
  means: [0.08, 0, -0.3],
  variances: [0.4, 1.2, 6],
});
// Daily returns in percent with a crash in the middle: 120 calm days, 40 stormy ones, 60 calm again.
const returns = Array.from({ length: 220 }, (_, t) => (t >= 120 && t < 160 ? -0.3 + 2.5 * Math.sin(t * 1.7) : 0.08 + 0.6 * Math.cos(t * 2.3)));

describe('regime', () => {
  it('emits exactly the filtered probabilities of every prefix, one row per observation', async () => {
    const streamed = await lastValueFrom(from(returns).pipe(regime(hmm), toArray()));
    expect(streamed).toHaveLength(returns.length);
    const batch = hmm.filteredProbabilities(returns);
    expect(streamed.map((p) => Array.from(p))).toEqual(batch.map((p) => Array.from(p)));
    // Each row depends only on the prefix: the filter of the first t + 1 returns ends with row t.
    for (const t of [0, 1, 119, 120, 121, 159, 219]) {
      expect(Array.from(streamed[t]!)).toEqual(Array.from(hmm.filteredProbabilities(returns.slice(0, t + 1)).at(-1)!));
    }
  });

  it('differs from the smoothed probabilities, which look ahead', async () => {
    const streamed = await lastValueFrom(from(returns).pipe(regime(hmm), toArray()));
    const smoothed = hmm.smoothedProbabilities(returns);
    // Just before the crash the smoothed probabilities already see it coming; the streamed ones cannot.
    expect(smoothed[119]![2]!).toBeGreaterThan(streamed[119]![2]! + 0.01);
    let maxGap = 0;
    for (let t = 0; t < returns.length - 1; t++) for (let i = 0; i < 3; i++) maxGap = Math.max(maxGap, Math.abs(smoothed[t]![i]! - streamed[t]![i]!));
    expect(maxGap).toBeGreaterThan(0.1);
    // Changing the future leaves the streamed past unchanged.
    const future = [...returns.slice(0, 150), ...returns.slice(150).map((r) => -r * 3)];
    const other = await lastValueFrom(from(future).pipe(regime(hmm), toArray()));
    expect(other.slice(0, 150).map((p) => Array.from(p))).toEqual(streamed.slice(0, 150).map((p) => Array.from(p)));
  });

  it('starts afresh for each subscription and emits arrays that the caller may keep or change', async () => {
    const op = from(returns.slice(0, 30)).pipe(regime(hmm), toArray());
    const first = await lastValueFrom(op);
    first[0]![0] = 42;
    const second = await lastValueFrom(op);
    expect(second[0]![0]).not.toBe(42);
    expect(Array.from(second[29]!)).toEqual(Array.from(hmm.filteredProbabilities(returns.slice(0, 30)).at(-1)!));
  });

  it('streams rows of features through a multivariate model', async () => {
    const two = new GaussianHmm({
      startProbabilities: [0.5, 0.5],
      transitionMatrix: [[0.9, 0.1], [0.1, 0.9]],
      means: [[0, 1], [-1, 3]],
      covariances: [[[1, 0.3], [0.3, 1]], [[4, -1], [-1, 2]]],
      covarianceType: 'full',
    });
    const rows = returns.map((r, t) => Float64Array.of(r, Math.abs(r) + 0.5 + 0.1 * Math.cos(t)));
    const streamed = await lastValueFrom(from(rows).pipe(regime(two), toArray()));
    expect(streamed.map((p) => Array.from(p))).toEqual(two.filteredProbabilities(rows).map((p) => Array.from(p)));
  });

  it('errors the stream on an observation it cannot use, naming it', async () => {
    const subject = new Subject<number>();
    const seen: Float64Array[] = [];
    let failure: unknown;
    subject.pipe(regime(hmm)).subscribe({ next: (p) => seen.push(p), error: (e: unknown) => (failure = e) });
    subject.next(0.1);
    subject.next(Number.NaN);
    expect(seen).toHaveLength(1);
    expect(String(failure)).toMatch(/x: must be a finite number, got NaN/);
    expect(() => regime({} as GaussianHmm)).toThrow(/hmm: must be a GaussianHmm/);
  });
});

describe('RegimeFilter', () => {
  it('accumulates the log likelihood of what it has seen and resets', () => {
    const filter = new RegimeFilter(hmm);
    expect(filter.probabilities).toBeUndefined();
    for (const r of returns) filter.update(r);
    expect(filter.observations).toBe(returns.length);
    expect(filter.logLikelihood).toBeCloseTo(hmm.logLikelihood(returns), 10);
    filter.reset();
    expect(Array.from(filter.update(returns[0]!))).toEqual(Array.from(hmm.filteredProbabilities([returns[0]!])[0]!));
  });
});
