/** Test-only loader of edhec.csv (see README.md beside it for provenance). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '@rxtrade/core';
import { expect } from 'vitest';

/** The EDHEC monthly returns: dates, index names and one Float64Array per index (293 months, 13 indices). */
export function edhecReturns(): { dates: string[]; names: string[]; columns: Float64Array[] } {
  const text = readFileSync(fileURLToPath(new URL('./edhec.csv', import.meta.url)), 'utf8');
  const lines = text.trim().split('\n');
  const names = lines[0]!.split(',').slice(1).map((s) => s.replace(/"/g, ''));
  const rows = lines.slice(1).map((l) => l.split(','));
  const dates = rows.map((r) => r[0]!.replace(/"/g, ''));
  const columns = names.map((_, j) => Float64Array.from(rows, (r) => Number(r[j + 1])));
  return { dates, names, columns };
}

/** Reference values computed in R by scripts/benchmark-measures-reference.R. */
export function benchmarkReference(): {
  n: number;
  riskFree: number;
  beta: number;
  alpha: number;
  betaNoRf: number;
  alphaNoRf: number;
  trackingError: number;
  activePremium: number;
  informationRatio: number;
  equalWeightContributionTotals: number[];
  equalWeightCumulativeReturn: number;
} {
  return JSON.parse(readFileSync(fileURLToPath(new URL('./benchmark-measures-reference.json', import.meta.url)), 'utf8'));
}

/**
 * The pair the benchmark measures are checked on: Convertible Arbitrage (`ra`) against Long/Short
 * Equity (`rb`), with the R reference values, a relative-error helper and `fieldOf`, which returns the
 * field a ValidationError names.
 */
export function benchmarkCase(): {
  ref: ReturnType<typeof benchmarkReference>;
  ra: Float64Array;
  rb: Float64Array;
  rel: (a: number, b: number) => number;
  fieldOf: (f: () => unknown) => string;
} {
  const { names, columns } = edhecReturns();
  return {
    ref: benchmarkReference(),
    ra: columns[names.indexOf('Convertible Arbitrage')]!,
    rb: columns[names.indexOf('Long/Short Equity')]!,
    rel: (a, b) => Math.abs(a / b - 1),
    fieldOf: (f) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).field;
      }
      return 'no error';
    },
  };
}
