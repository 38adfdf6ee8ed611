import { describe, expect, it } from 'vitest';
import { ValidationError } from '@rxtrade/core';
import { discreteValues, paramsKey, parseParameterSpace } from './parameter-space';

describe('parameter space', () => {
  it('enumerates stepped, integer and choice parameters', () => {
    const space = parseParameterSpace({ a: { min: 20, max: 200, step: 20 }, b: { min: 4.5, max: 8, integer: true }, c: { choices: ['x', 'y'] } });
    expect(discreteValues(space.a!)).toEqual([20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
    expect(discreteValues(space.b!)).toEqual([5, 6, 7, 8]);
    expect(discreteValues(space.c!)).toEqual(['x', 'y']);
  });

  it('computes fractional steps from the index, without drift', () => {
    const space = parseParameterSpace({ stop: { min: 0.1, max: 0.5, step: 0.1 } });
    expect(discreteValues(space.stop!)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
  });

  it('treats a range without step as continuous', () => {
    expect(discreteValues(parseParameterSpace({ x: { min: 0, max: 1 } }).x!)).toBeUndefined();
  });

  it('names the bad field of a bad space', () => {
    const bad = (input: unknown): ValidationError => {
      try {
        parseParameterSpace(input);
      } catch (e) {
        return e as ValidationError;
      }
      throw new Error('no error');
    };
    expect(bad({ fast: { min: 10, max: 5 } }).message).toMatch(/space\.fast\.max: max must be >= min/);
    expect(bad({ fast: { min: 1, max: 5, step: 0.5, integer: true } }).field).toBe('space.fast.step');
    expect(bad({ fast: { min: 1, max: 5, stepp: 1 } })).toBeInstanceOf(ValidationError);
    expect(bad({}).message).toMatch(/at least one parameter/);
    expect(bad({ mode: { choices: [] } }).field).toBe('space.mode.choices');
  });

  it('gives the same key to the same parameters in any key order', () => {
    expect(paramsKey({ slow: 30, fast: 10, opt: { b: 1, a: 2 } })).toBe(paramsKey({ fast: 10, opt: { a: 2, b: 1 }, slow: 30 }));
    expect(paramsKey({ fast: 10 })).not.toBe(paramsKey({ fast: 11 }));
  });
});
