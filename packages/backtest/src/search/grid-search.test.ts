import { describe, expect, it } from 'vitest';
import { ValidationError } from '@rxtrade/core';
import { gridSearch } from './grid-search';
import { parseParameterSpace } from './parameter-space';

describe('gridSearch', () => {
  it('lists the Cartesian product with the last parameter varying fastest', () => {
    expect(gridSearch(parseParameterSpace({ fast: { min: 5, max: 6, integer: true }, slow: { choices: [20, 40] } }))).toEqual([
      { fast: 5, slow: 20 },
      { fast: 5, slow: 40 },
      { fast: 6, slow: 20 },
      { fast: 6, slow: 40 },
    ]);
  });

  it('gives 200 distinct combinations for fast 5..24 x slow 20..200 step 20', () => {
    const grid = gridSearch(parseParameterSpace({ fast: { min: 5, max: 24, integer: true }, slow: { min: 20, max: 200, step: 20 } }));
    expect(grid).toHaveLength(200);
    expect(new Set(grid.map((p) => `${String(p.fast)}/${String(p.slow)}`)).size).toBe(200);
    expect(grid[0]).toEqual({ fast: 5, slow: 20 });
    expect(grid[199]).toEqual({ fast: 24, slow: 200 });
  });

  it('refuses a continuous range, naming the parameter', () => {
    expect(() => gridSearch(parseParameterSpace({ fast: { min: 5, max: 6, integer: true }, stop: { min: 0, max: 1 } }))).toThrow(ValidationError);
    expect(() => gridSearch(parseParameterSpace({ stop: { min: 0, max: 1 } }))).toThrow(/space\.stop: is a continuous range/);
  });

  it('refuses a grid of more than a million points', () => {
    const space = parseParameterSpace({ a: { min: 0, max: 999, integer: true }, b: { min: 0, max: 999, integer: true }, c: { choices: [1, 2] } });
    expect(() => gridSearch(space)).toThrow(/more than 1000000/);
  });
});
