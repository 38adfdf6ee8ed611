import { describe, expect, it } from 'vitest';
import { googCloses } from '../__fixtures__/goog';
import { simpleReturns } from './simple-returns';
import { sortinoRatio } from './sortino-ratio';

const relativeError = (actual: number, expected: number): number => Math.abs(actual / expected - 1);

describe('sortinoRatio', () => {
  it('matches R PerformanceAnalytics SortinoRatio on GOOG daily returns (MAR 0)', () => {
    const returns = simpleReturns(googCloses());
    expect(relativeError(sortinoRatio(returns), 0.100292443144165)).toBeLessThan(1e-9);
    expect(relativeError(sortinoRatio(returns, { mar: 0 }), 0.100292443144165)).toBeLessThan(1e-9);
  });

  it('divides the downside squares by ALL observations, not only those below the MAR', () => {
    // mean 0.005; downside: (-0.02)^2 + (-0.01)^2 = 0.0005 over n = 4 -> sqrt(0.000125)
    const r = [0.03, -0.02, 0.02, -0.01];
    expect(sortinoRatio(r)).toBeCloseTo(0.005 / Math.sqrt(0.0005 / 4), 13);
  });

  it('measures returns and downside against the MAR', () => {
    const r = [0.03, -0.02, 0.02, -0.01];
    const mar = 0.01;
    // r - mar = 0.02, -0.03, 0.01, -0.02: mean -0.005, downside squares 0.0009 + 0.0004 over n = 4
    const downside = Math.sqrt((0.03 ** 2 + 0.02 ** 2) / 4);
    expect(sortinoRatio(r, { mar })).toBeCloseTo(-0.005 / downside, 13);
  });

  it('is NaN for no returns', () => {
    expect(sortinoRatio([])).toBeNaN();
  });
});
