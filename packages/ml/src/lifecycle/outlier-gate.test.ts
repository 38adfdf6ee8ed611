import { readFileSync } from 'node:fs';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fitOutlierDetector, OutlierDetector, outlierGate, type OutlierWithheld } from './outlier-gate';

const reference = JSON.parse(readFileSync(new URL('./__fixtures__/drift-reference.json', import.meta.url), 'utf8')).mahalanobis as {
  reference: number[][];
  probes: number[][];
  distances: number[];
};

describe('fitOutlierDetector', () => {
  it("gives scipy's Mahalanobis distances (numpy.cov, its inverse, scipy.spatial.distance.mahalanobis)", () => {
    const detector = fitOutlierDetector(reference.reference, { method: 'mahalanobis', maxDistance: 4 });
    reference.probes.forEach((p, i) => {
      const { score, outlier } = detector.check(p);
      expect(Math.abs(score - reference.distances[i]!) / reference.distances[i]!).toBeLessThan(1e-9);
      expect(outlier).toBe(reference.distances[i]! > 4);
    });
    // Survives JSON.
    const again = OutlierDetector.fromJSON(JSON.parse(JSON.stringify(detector)));
    expect(again.check(reference.probes[1]!)).toEqual(detector.check(reference.probes[1]!));
  });

  it('flags a feature beyond k population standard deviations, naming it', () => {
    const rows = [[1, 10], [2, 20], [3, 30], [4, 40]]; // means 2.5 and 25, sds sqrt(1.25) and sqrt(125)
    const detector = fitOutlierDetector(rows, { method: 'zscore', k: 3 });
    expect(detector.check([2.5, 25 + 3 * Math.sqrt(125) * 0.999])).toMatchObject({ outlier: false, feature: 1 });
    const far = detector.check([2.5 + 3.5 * Math.sqrt(1.25), 25]);
    expect(far.outlier).toBe(true);
    expect(far.feature).toBe(0);
    expect(far.score).toBeCloseTo(3.5, 12);
    expect(detector.check([Number.NaN, 25])).toMatchObject({ outlier: true, feature: 0 });
  });

  it('flags values outside the training quantiles', () => {
    const rows = Array.from({ length: 101 }, (_, i) => [i, -i]);
    const detector = fitOutlierDetector(rows, { method: 'quantiles', lower: 0.05, upper: 0.95 });
    expect(detector.check([50, -50]).outlier).toBe(false);
    expect(detector.check([5, -50]).outlier).toBe(false); // the 5% quantile itself
    const low = detector.check([0, -50]);
    expect(low).toEqual({ outlier: true, score: 5 / 90, feature: 0 });
    expect(detector.check([50, -99]).feature).toBe(1);
  });

  it('refuses too few rows, a singular covariance and bad rules', () => {
    expect(() => fitOutlierDetector([[1, 2]], { method: 'zscore', k: 3 })).toThrow(/rows: needs at least 2 rows/);
    expect(() => fitOutlierDetector([[1, 2], [2, 4], [3, 6]], { method: 'mahalanobis', maxDistance: 3 })).toThrow(/covariance is singular/);
    expect(() => fitOutlierDetector([[1], [2]], { method: 'zscore', k: 3, kk: 1 } as never)).toThrow(/rule\.kk: unknown option/);
    expect(() => fitOutlierDetector([[1], [2]], { method: 'quantiles', lower: 0.9, upper: 0.1 })).toThrow(/rule\.upper: must be above lower/);
    expect(() => fitOutlierDetector([[1], [2, 3]], { method: 'zscore', k: 3 })).toThrow(/rows\[1\]: must hold 1 values/);
  });
});

describe('outlierGate', () => {
  it('withholds inputs unlike the training data and lets the others through', async () => {
    const detector = fitOutlierDetector(reference.reference, { method: 'mahalanobis', maxDistance: 4 });
    const items = reference.probes.map((values, ts) => ({ ts, values }));
    const withheld: OutlierWithheld<(typeof items)[number]>[] = [];
    const passed = await lastValueFrom(from(items).pipe(outlierGate({ detector, onWithheld: (w) => withheld.push(w) }), toArray()));
    expect(passed.map((i) => i.ts)).toEqual([0, 3]);
    expect(withheld.map((w) => [w.item.ts, w.check.score])).toEqual([
      [1, detector.check(items[1]!.values).score],
      [2, detector.check(items[2]!.values).score],
    ]);
    expect(() => outlierGate({ detector: {} as never })).toThrow(/outlierGate\.detector: must be an OutlierDetector/);
  });
});
