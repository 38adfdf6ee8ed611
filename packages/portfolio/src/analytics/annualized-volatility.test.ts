import { describe, expect, it } from 'vitest';
import { annualizedVolatility } from './annualized-volatility';

describe('annualizedVolatility', () => {
  it('is the sample standard deviation (n - 1) times sqrt(scale)', () => {
    // mean 0.02, squared deviations 0.0001 + 0 + 0.0001, / (3 - 1) = 0.0001, sd = 0.01
    expect(annualizedVolatility([0.01, 0.02, 0.03], 12)).toBeCloseTo(0.01 * Math.sqrt(12), 15);
  });

  it('is 0 for constant returns and NaN for fewer than two', () => {
    expect(annualizedVolatility([0.01, 0.01, 0.01], 252)).toBe(0);
    expect(annualizedVolatility([0.01], 252)).toBeNaN();
  });

  it('rejects a non-positive periodsPerYear', () => {
    expect(() => annualizedVolatility([0.01, 0.02], 0)).toThrow(/periodsPerYear/);
  });
});
