import { describe, expect, it } from 'vitest';
import { paramsKey, parseParameterSpace } from './parameter-space';
import { randomSearch } from './random-search';

const space = parseParameterSpace({ fast: { min: 3, max: 30, integer: true }, stop: { min: 0.01, max: 0.1 }, mode: { choices: ['long', 'both'] } });

describe('randomSearch', () => {
  it('draws the same sets for the same seed and different ones for another', () => {
    const a = randomSearch(space, { samples: 20, seed: 42 });
    expect(randomSearch(space, { samples: 20, seed: 42 })).toEqual(a);
    expect(randomSearch(space, { samples: 20, seed: 43 })).not.toEqual(a);
  });

  it('draws distinct sets inside the space', () => {
    const sets = randomSearch(space, { samples: 200, seed: 1 });
    expect(sets).toHaveLength(200);
    expect(new Set(sets.map(paramsKey)).size).toBe(200);
    for (const p of sets) {
      expect(Number.isInteger(p.fast)).toBe(true);
      expect(p.fast).toBeGreaterThanOrEqual(3);
      expect(p.fast).toBeLessThanOrEqual(30);
      expect(p.stop).toBeGreaterThanOrEqual(0.01);
      expect(p.stop).toBeLessThan(0.1);
      expect(['long', 'both']).toContain(p.mode);
    }
  });

  it('stops at the size of a small discrete space instead of repeating', () => {
    const small = parseParameterSpace({ a: { choices: [1, 2, 3] }, b: { choices: [true, false] } });
    const sets = randomSearch(small, { samples: 50, seed: 5 });
    expect(sets).toHaveLength(6);
    expect(new Set(sets.map(paramsKey)).size).toBe(6);
  });

  it('keeps only sets that satisfy the constraint', () => {
    const sets = randomSearch(parseParameterSpace({ fast: { min: 2, max: 50, integer: true }, slow: { min: 2, max: 50, integer: true } }), {
      samples: 30,
      seed: 9,
      where: (p) => Number(p.fast) < Number(p.slow),
    });
    expect(sets).toHaveLength(30);
    expect(sets.every((p) => Number(p.fast) < Number(p.slow))).toBe(true);
  });
});
