import { describe, expect, it } from 'vitest';
import { ValidationError } from '@rxtrade/core';
import { geneticSearch } from './genetic-search';
import { gridSearch } from './grid-search';
import { paramsKey, parseParameterSpace } from './parameter-space';
import type { Params } from './types';

// A function on a 61 x 61 grid with its global maximum (about 0) at x = 37, y = 12 and a local maximum
// (about -73) near x = 10, y = 50 that can trap a greedy search.
const space = parseParameterSpace({ x: { min: 0, max: 60, integer: true }, y: { min: 0, max: 60, integer: true } });
const f = (p: Params): number => {
  const x = Number(p.x);
  const y = Number(p.y);
  return -((x - 37) ** 2) - (y - 12) ** 2 + 2100 * Math.exp(-((x - 10) ** 2 + (y - 50) ** 2) / 20);
};

describe('geneticSearch', () => {
  it('is deterministic for a seed and differs for another', async () => {
    const run = (seed: number) => geneticSearch(space, { population: 12, generations: 6 }, seed, async (b) => b.map(f));
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect((await run(2)).map((e) => e.params)).not.toEqual(a.map((e) => e.params));
  });

  it('finds a far better point than its random first generation, evaluating a fraction of the grid', async () => {
    const evaluated = await geneticSearch(space, { population: 20, generations: 15 }, 7, async (b) => b.map(f));
    const best = Math.max(...evaluated.map((e) => e.score));
    const firstGeneration = Math.max(...evaluated.slice(0, 20).map((e) => e.score));
    const gridBest = Math.max(...gridSearch(space).map(f));
    expect(gridBest).toBeCloseTo(0, 9);
    expect(best).toBeGreaterThan(firstGeneration);
    expect(best).toBeGreaterThanOrEqual(-2); // within one step of the optimum
    expect(evaluated.length).toBeLessThan(300); // of 3721 grid points
  });

  it('never evaluates a parameter set twice and keeps the best of each generation (elitism)', async () => {
    const seen = new Set<string>();
    const bestByGeneration: number[] = [];
    await geneticSearch(space, { population: 10, generations: 8, elitism: 2 }, 3, async (batch) => {
      for (const p of batch) {
        expect(seen.has(paramsKey(p))).toBe(false);
        seen.add(paramsKey(p));
      }
      const scores = batch.map(f);
      bestByGeneration.push(Math.max(...scores, bestByGeneration.at(-1) ?? -Infinity));
      return scores;
    });
    for (let i = 1; i < bestByGeneration.length; i++) expect(bestByGeneration[i]).toBeGreaterThanOrEqual(bestByGeneration[i - 1]!);
  });

  it('evaluates each generation as one batch of at most the population', async () => {
    const sizes: number[] = [];
    await geneticSearch(space, { population: 8, generations: 5 }, 11, async (b) => {
      sizes.push(b.length);
      return b.map(f);
    });
    expect(sizes[0]).toBe(8);
    expect(sizes.length).toBeLessThanOrEqual(5);
    expect(sizes.every((n) => n >= 1 && n <= 8)).toBe(true);
  });

  it('searches continuous ranges inside their bounds and treats NaN as the worst fitness', async () => {
    const cont = parseParameterSpace({ x: { min: -1, max: 1 } });
    const evaluated = await geneticSearch(cont, { population: 10, generations: 10 }, 5, async (b) =>
      b.map((p) => (Number(p.x) < -0.5 ? Number.NaN : -((Number(p.x) - 0.3) ** 2))),
    );
    for (const e of evaluated) expect(Math.abs(Number(e.params.x))).toBeLessThanOrEqual(1);
    const best = evaluated.filter((e) => !Number.isNaN(e.score)).sort((a, b) => b.score - a.score)[0]!;
    expect(Math.abs(Number(best.params.x) - 0.3)).toBeLessThan(0.05);
  });

  it('names a bad setting', async () => {
    await expect(geneticSearch(space, { population: 4, elitism: 4 }, 1, async (b) => b.map(f))).rejects.toThrow(ValidationError);
    await expect(geneticSearch(space, { population: 4, elitism: 4 }, 1, async (b) => b.map(f))).rejects.toThrow(/genetic\.elitism/);
  });
});
