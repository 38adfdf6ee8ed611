import { ValidationError } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { annualizedReturn } from './annualized-return';

describe('annualizedReturn', () => {
  it('compounds geometrically: prod(1 + r) ^ (scale / n) - 1', () => {
    expect(annualizedReturn([0.01, 0.02, -0.005], 12)).toBeCloseTo((1.01 * 1.02 * 0.995) ** 4 - 1, 14);
  });

  it('returns the per-period rate compounded over a year for a constant return', () => {
    const monthly = new Array<number>(24).fill(0.01);
    expect(annualizedReturn(monthly, 12)).toBeCloseTo(1.01 ** 12 - 1, 13);
  });

  it('is NaN for an empty series', () => {
    expect(annualizedReturn([], 252)).toBeNaN();
  });

  it('rejects a non-positive periodsPerYear, naming it', () => {
    expect(() => annualizedReturn([0.01], 0)).toThrow(ValidationError);
    expect(() => annualizedReturn([0.01], -12)).toThrow(/periodsPerYear/);
  });
});
