import { describe, expect, it } from 'vitest';
import { googCloses } from '../__fixtures__/goog';
import { annualizedReturn } from './annualized-return';
import { calmarRatio } from './calmar-ratio';
import { maxDrawdown } from './max-drawdown';
import { simpleReturns } from './simple-returns';

const relativeError = (actual: number, expected: number): number => Math.abs(actual / expected - 1);

describe('calmarRatio', () => {
  it('matches R PerformanceAnalytics CalmarRatio on GOOG daily returns (scale 252)', () => {
    const returns = simpleReturns(googCloses());
    expect(relativeError(calmarRatio(returns, 252), 0.652041657778625)).toBeLessThan(1e-9);
  });

  it('is the annualized return over the maximum drawdown of the returns', () => {
    const r = [0.1, -0.2, 0.05, 0.03];
    expect(calmarRatio(r, 12)).toBeCloseTo(annualizedReturn(r, 12) / maxDrawdown(r, { input: 'returns' }), 14);
    expect(maxDrawdown(r, { input: 'returns' })).toBeCloseTo(0.2, 15);
  });
});
