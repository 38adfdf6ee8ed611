import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@rxtrade/core';
import { deflatedSharpeRatio, type DeflatedSharpeRatioConfig } from './deflated-sharpe-ratio';

/** Written by scripts/deflated-sharpe-reference.py with scipy.stats.norm (an independent implementation). */
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('./__fixtures__/deflated-sharpe.json', import.meta.url)), 'utf8')) as {
  cases: (DeflatedSharpeRatioConfig & { expected: { deflatedSharpe: number; expectedMaxSharpe: number; z: number } })[];
};
const rel = (a: number, b: number): number => (b === 0 ? Math.abs(a) : Math.abs(a / b - 1));

describe('deflatedSharpeRatio', () => {
  it('reproduces Bailey and Lopez de Prado\'s worked example (DSR 0.9004)', () => {
    const r = deflatedSharpeRatio({ sharpe: 2.5 / Math.sqrt(250), trials: 100, sharpeVariance: 0.5 / 250, observations: 1250, skewness: -3, kurtosis: 10 });
    expect(r.deflatedSharpe).toBeCloseTo(0.9004, 4);
    // The paper quotes SR0 annualized as about 1.79.
    expect(r.expectedMaxSharpe * Math.sqrt(250)).toBeCloseTo(1.7894, 3);
  });

  it.each(fixture.cases.map((c, i) => [i, c] as const))('agrees with scipy to 1e-12 relative (case %i)', (_, c) => {
    const { expected, ...input } = c;
    const r = deflatedSharpeRatio(input);
    expect(rel(r.deflatedSharpe, expected.deflatedSharpe)).toBeLessThan(1e-12);
    expect(rel(r.expectedMaxSharpe, expected.expectedMaxSharpe)).toBeLessThan(1e-12);
    expect(rel(r.z, expected.z)).toBeLessThan(1e-12);
  });

  it('deflates more as the number of trials grows', () => {
    const at = (trials: number): number => deflatedSharpeRatio({ sharpe: 0.1, trials, sharpeVariance: 0.001, observations: 1000 }).deflatedSharpe;
    expect(at(1)).toBeGreaterThan(at(10));
    expect(at(10)).toBeGreaterThan(at(1000));
  });

  it('rejects a bad input with a ValidationError naming it', () => {
    expect(() => deflatedSharpeRatio({ sharpe: 0.1, trials: 0, sharpeVariance: 0.001, observations: 1000 })).toThrow(ValidationError);
    try {
      deflatedSharpeRatio({ sharpe: 0.1, trials: 5, sharpeVariance: -1, observations: 1000 });
    } catch (e) {
      expect((e as ValidationError).field).toBe('deflatedSharpe.sharpeVariance');
    }
  });
});
