import { ValidationError } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { googCloses } from '../__fixtures__/goog';
import { sharpeRatio } from './sharpe-ratio';
import { simpleReturns } from './simple-returns';

const relativeError = (actual: number, expected: number): number => Math.abs(actual / expected - 1);

describe('sharpeRatio', () => {
  it('matches R PerformanceAnalytics SharpeRatio.annualized on GOOG daily returns (scale 252, Rf 0)', () => {
    const returns = simpleReturns(googCloses());
    expect(relativeError(sharpeRatio(returns, { periodsPerYear: 252 }), 0.958237311700736)).toBeLessThan(1e-9);
  });

  it('divides the geometric annualized excess return by the annualized sd of the raw returns', () => {
    const r = [0.01, -0.02, 0.015, 0.005];
    const rf = 0.001;
    const n = r.length;
    const excessGrowth = r.reduce((w, x) => w * (1 + x - rf), 1);
    const m = r.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1));
    const expected = (excessGrowth ** (12 / n) - 1) / (sd * Math.sqrt(12));
    expect(sharpeRatio(r, { periodsPerYear: 12, riskFree: rf })).toBeCloseTo(expected, 13);
  });

  it('lowers the ratio when the risk-free rate rises', () => {
    const returns = simpleReturns(googCloses());
    expect(sharpeRatio(returns, { periodsPerYear: 252, riskFree: 0.0002 })).toBeLessThan(sharpeRatio(returns, { periodsPerYear: 252 }));
  });

  it('rejects a missing or non-positive periodsPerYear with a ValidationError naming it', () => {
    expect(() => sharpeRatio([0.01, 0.02], { periodsPerYear: 0 })).toThrow(ValidationError);
    try {
      sharpeRatio([0.01, 0.02], {} as never);
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).field).toBe('periodsPerYear');
    }
  });
});
