import { ValidationError } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { googCloses } from '../__fixtures__/goog';
import { maxDrawdown } from './max-drawdown';
import { simpleReturns } from './simple-returns';

const relativeError = (actual: number, expected: number): number => Math.abs(actual / expected - 1);

describe('maxDrawdown', () => {
  it('matches R PerformanceAnalytics maxDrawdown on GOOG daily returns', () => {
    const returns = simpleReturns(googCloses());
    expect(relativeError(maxDrawdown(returns, { input: 'returns' }), 0.556505210369512)).toBeLessThan(1e-9);
  });

  it('gives the same figure on the equity (price) series as on its returns', () => {
    const closes = googCloses();
    expect(relativeError(maxDrawdown(closes), 0.556505210369512)).toBeLessThan(1e-9);
    expect(relativeError(maxDrawdown(closes, { input: 'equity' }), maxDrawdown(simpleReturns(closes), { input: 'returns' }))).toBeLessThan(1e-12);
  });

  it('reports the largest fall from a running peak as a positive fraction', () => {
    expect(maxDrawdown([100, 120, 90, 130, 104])).toBeCloseTo(0.25, 15);
    expect(maxDrawdown(Float64Array.of(100, 101, 102))).toBe(0);
    expect(maxDrawdown([])).toBe(0);
  });

  it('counts the starting wealth of 1 as a peak on returns, as PerformanceAnalytics does', () => {
    expect(maxDrawdown([-0.1, 0.05], { input: 'returns' })).toBeCloseTo(0.1, 15);
  });

  it('rejects an equity series that does not start above zero, pointing at the returns option', () => {
    expect(() => maxDrawdown([-0.01, 0.02])).toThrow(ValidationError);
    expect(() => maxDrawdown([0, 1])).toThrow(/input: 'returns'/);
  });

  it('rejects an unknown input kind', () => {
    expect(() => maxDrawdown([1, 2], { input: 'prices' as never })).toThrow(/input/);
  });
});
