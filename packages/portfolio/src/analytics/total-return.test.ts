import { ValidationError } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { googCloses } from '../__fixtures__/goog';
import { simpleReturns } from './simple-returns';
import { totalReturn } from './total-return';

describe('totalReturn', () => {
  it('is last over first minus one, whatever happens between', () => {
    expect(totalReturn([100_000, 95_000, 120_000])).toBeCloseTo(0.2, 15);
    expect(totalReturn([50])).toBe(0);
  });

  it('equals the compounded simple returns of the same series', () => {
    const closes = googCloses();
    let wealth = 1;
    for (const r of simpleReturns(closes)) wealth *= 1 + r;
    expect(totalReturn(closes)).toBeCloseTo(wealth - 1, 10);
    expect(totalReturn(closes)).toBeCloseTo(closes[closes.length - 1]! / 100.34 - 1, 12);
  });

  it('rejects an empty series and a zero first value', () => {
    expect(() => totalReturn([])).toThrow(ValidationError);
    expect(() => totalReturn([0, 1])).toThrow(/values\[0\]/);
  });
});
