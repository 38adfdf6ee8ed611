import { ValidationError } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { googCloses } from '../__fixtures__/goog';
import { simpleReturns } from './simple-returns';

describe('simpleReturns', () => {
  it('divides each value by the one before, minus one', () => {
    const r = simpleReturns([100, 110, 99]);
    expect(r).toBeInstanceOf(Float64Array);
    expect(r.length).toBe(2);
    expect(r[0]).toBeCloseTo(0.1, 15);
    expect(r[1]).toBeCloseTo(-0.1, 15);
  });

  it('gives one return fewer than values, and none for fewer than two values', () => {
    expect(simpleReturns(googCloses()).length).toBe(1046);
    expect(simpleReturns([5]).length).toBe(0);
    expect(simpleReturns([]).length).toBe(0);
  });

  it('rejects a zero value that a return would start from, naming its index', () => {
    expect(() => simpleReturns([1, 0, 2])).toThrow(ValidationError);
    expect(() => simpleReturns([1, 0, 2])).toThrow(/values\[1\]/);
  });

  it('rejects a non-finite value, naming its index', () => {
    expect(() => simpleReturns([1, NaN, 2])).toThrow(/values\[1\]: must be a finite number/);
  });
});
