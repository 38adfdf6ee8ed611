import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@rxtrade/core';
import { kolmogorovSurvival, ksTwoSample, populationStabilityIndex, psiBins } from './drift-statistics';
import { hashTrainingData } from './training-data-hash';

interface KsCase { name: string; n1: number; n2: number; statistic: number; pValue: number; a: number[]; b: number[] }
interface PsiCase { name: string; edges: number[]; expected: number[]; actual: number[]; psi: number; expectedSample: number[]; actualSample: number[] }
const reference = JSON.parse(readFileSync(new URL('./__fixtures__/drift-reference.json', import.meta.url), 'utf8')) as {
  ks: KsCase[];
  ksLarge: { n1: number; n2: number; statistic: number; limitingPValue: number; scipyAsympPValue: number };
  kolmogorovLimit: { z: number; sf: number }[];
  psi: PsiCase[];
  dataHash: { names: string[]; rows: { ts: number; values: (number | string)[] }[]; sha256: string };
};

const rel = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);

describe('ksTwoSample', () => {
  for (const c of reference.ks) {
    it(`agrees with scipy's ks_2samp: ${c.name}`, () => {
      const r = ksTwoSample(c.a, c.b);
      expect(r.method).toBe('exact');
      expect(rel(r.statistic, c.statistic)).toBeLessThan(1e-12);
      expect(rel(r.pValue, c.pValue)).toBeLessThan(1e-9);
      // The test is symmetric in its samples.
      expect(rel(ksTwoSample(c.b, c.a).pValue, c.pValue)).toBeLessThan(1e-9);
    });
  }

  it('uses the limiting distribution above 10,000 values, as scipy.stats.kstwobign gives it', () => {
    const a = Array.from({ length: reference.ksLarge.n1 }, (_, i) => ((i * 7919) % 10007) / 10007);
    const b = Array.from({ length: reference.ksLarge.n2 }, (_, j) => 0.05 + 0.9 * (((j * 104729) % 10009) / 10009));
    const r = ksTwoSample(a, b);
    expect(r.method).toBe('asymptotic');
    expect(rel(r.statistic, reference.ksLarge.statistic)).toBeLessThan(1e-12);
    expect(rel(r.pValue, reference.ksLarge.limitingPValue)).toBeLessThan(1e-9);
    // scipy's own 'asymp' keeps a finite-sample correction: a few percent apart here.
    expect(Math.abs(r.pValue - reference.ksLarge.scipyAsympPValue)).toBeLessThan(0.005);
  });

  it('computes the Kolmogorov survival function as scipy.stats.kstwobign.sf', () => {
    for (const { z, sf } of reference.kolmogorovLimit) expect(rel(kolmogorovSurvival(z), sf), `z = ${z}`).toBeLessThan(1e-9);
  });

  it('gives D = 0 and p = 1 for identical samples, and D = 1 for disjoint ones', () => {
    expect(ksTwoSample([1, 2, 3], [3, 2, 1])).toEqual({ statistic: 0, pValue: 1, method: 'exact' });
    const disjoint = ksTwoSample([1, 2, 3, 4], [5, 6, 7, 8]);
    expect(disjoint.statistic).toBe(1);
    // Exactly 2 of the C(8, 4) = 70 orderings separate the samples completely.
    expect(disjoint.pValue).toBeCloseTo(2 / 70, 15);
  });

  it('refuses empty samples and non-finite values, naming them', () => {
    expect(() => ksTwoSample([], [1])).toThrow(/a: must hold at least one value/);
    expect(() => ksTwoSample([1], [2, Number.NaN])).toThrow(ValidationError);
    expect(() => ksTwoSample([1], [2, Number.NaN])).toThrow(/b\[1\]: must be a finite number/);
  });
});

describe('populationStabilityIndex', () => {
  for (const c of reference.psi) {
    it(`agrees with a hand computation: ${c.name}`, () => {
      const bins = psiBins(c.expectedSample);
      Array.from(bins.edges).forEach((e, k) => expect(rel(e, c.edges[k]!) < 1e-12 || e === c.edges[k]).toBe(true));
      expect(Array.from(bins.expected)).toEqual(c.expected.map((x) => expect.closeTo(x, 15)));
      expect(Array.from(bins.proportions(c.actualSample))).toEqual(c.actual.map((x) => expect.closeTo(x, 15)));
      expect(rel(populationStabilityIndex(c.expectedSample, c.actualSample), c.psi)).toBeLessThan(1e-9);
    });
  }

  it('is 0 for the expected sample itself', () => {
    const x = Array.from({ length: 100 }, (_, i) => Math.sin(i));
    expect(populationStabilityIndex(x, x)).toBe(0);
  });

  it('refuses a bin count below 2 and a floor outside (0, 1)', () => {
    expect(() => psiBins([1, 2, 3], { bins: 1 })).toThrow(/bins: must be an integer >= 2/);
    expect(() => psiBins([1, 2, 3], { floor: 0 })).toThrow(/floor: must be in \(0, 1\)/);
  });
});

describe('hashTrainingData', () => {
  it("equals Python's sha256 of the documented canonical encoding (-0, NaN, non-ASCII names)", () => {
    const rows = reference.dataHash.rows.map((r) => ({ ts: r.ts, values: r.values.map((v) => (v === 'NaN' ? Number.NaN : v === '-0' ? -0 : (v as number))) }));
    expect(rows[2]!.values[1]).toBe(-0);
    expect(hashTrainingData(reference.dataHash.names, rows)).toBe(`sha256:${reference.dataHash.sha256}`);
    // A generator gives the same hash as an array.
    expect(hashTrainingData(reference.dataHash.names, (function* () { yield* rows; })())).toBe(`sha256:${reference.dataHash.sha256}`);
  });

  it('changes with any value, the order of rows, or a name', () => {
    const rows = [{ ts: 1, values: [0.5, 2] }, { ts: 2, values: [0.25, 3] }];
    const h = hashTrainingData(['a', 'b'], rows);
    expect(hashTrainingData(['a', 'b'], [rows[1]!, rows[0]!])).not.toBe(h);
    expect(hashTrainingData(['a', 'c'], rows)).not.toBe(h);
    expect(hashTrainingData(['a', 'b'], [rows[0]!, { ts: 2, values: [0.25, 3 + 1e-12] }])).not.toBe(h);
  });

  it('refuses a row whose width differs from the names', () => {
    expect(() => hashTrainingData(['a', 'b'], [{ ts: 1, values: [1] }])).toThrow(/rows\[0\]\.values: must hold 2 values/);
  });
});
