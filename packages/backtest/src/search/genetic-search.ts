/**
 * Genetic search: a seeded genetic algorithm over a parameter space (Goldberg, "Genetic Algorithms in
 * Search, Optimization and Machine Learning", 1989). Each generation is evaluated as one batch (so an
 * executor runs it in parallel), then the next is bred by tournament selection, uniform crossover and
 * per-gene mutation, keeping the best `elitism` individuals unchanged. A parameter set already
 * evaluated is never evaluated again. Every random draw comes from a {@link SeededRng} and never
 * depends on timing, so a seed gives the same search whatever executes the batches.
 */
import { z } from 'zod';
import { parseWith } from '@rxtrade/core';
import { discreteValues, paramsKey, type ParameterSpace, type ParameterSpec } from './parameter-space';
import { SeededRng } from './seeded-rng';
import type { Json, Params } from './types';

/**
 * Schema of {@link GeneticSearchConfig}, with its defaults.
 *
 * @example
 * ```ts
 * GeneticSearchConfigSchema.parse({ population: 30 }); // generations 10, elitism 2, crossoverRate 0.9, …
 * ```
 */
export const GeneticSearchConfigSchema = z
  .object({
    /** Individuals per generation. */
    population: z.number().int().min(2).default(20),
    /** Generations evaluated, the random first one included. */
    generations: z.number().int().min(1).default(10),
    /** Best individuals copied unchanged into the next generation. */
    elitism: z.number().int().min(0).default(2),
    /** Probability that a child mixes two parents (uniform crossover) rather than copying one. */
    crossoverRate: z.number().min(0).max(1).default(0.9),
    /** Probability that each gene of a child mutates. */
    mutationRate: z.number().min(0).max(1).default(0.2),
    /** Individuals drawn per tournament; the fittest of them becomes a parent. */
    tournamentSize: z.number().int().min(1).default(3),
  })
  .strict()
  .refine((c) => c.elitism < c.population, { message: 'must be less than population', path: ['elitism'] });

/** Settings of a genetic search. */
export type GeneticSearchConfig = z.input<typeof GeneticSearchConfigSchema>;

/** One evaluated individual: its parameters and fitness (higher is better). */
export interface ScoredParams {
  readonly params: Params;
  readonly score: number;
}

type Gene = { readonly kind: 'discrete'; readonly values: readonly Json[] } | { readonly kind: 'continuous'; readonly min: number; readonly max: number };

/**
 * Runs a genetic search: `evaluate` receives each generation's not-yet-seen parameter sets as one batch
 * and resolves with their fitness, higher better (NaN counts as worst). Resolves with every evaluated
 * set in the order first evaluated.
 *
 * @example
 * ```ts
 * const evaluated = await geneticSearch(space, { population: 16, generations: 5 }, 42, async (batch) =>
 *   batch.map((p) => -Math.abs(Number(p.fast) - 12)),
 * );
 * ```
 */
export async function geneticSearch(
  space: ParameterSpace,
  config: GeneticSearchConfig,
  seed: number | string,
  evaluate: (batch: readonly Params[]) => Promise<readonly number[]>,
): Promise<ScoredParams[]> {
  const c = parseWith(GeneticSearchConfigSchema, config, 'genetic');
  const rng = new SeededRng(seed);
  const names = Object.keys(space);
  const genes: Gene[] = names.map((name) => toGene(space[name]!));
  const scores = new Map<string, number>();
  const evaluated: ScoredParams[] = [];

  const toParams = (genome: readonly number[]): Params => {
    const params: Record<string, Json> = {};
    for (let i = 0; i < names.length; i++) {
      const g = genes[i]!;
      params[names[i]!] = g.kind === 'discrete' ? g.values[genome[i]!]! : genome[i]!;
    }
    return params;
  };
  const fitness = (genome: readonly number[]): number => {
    const s = scores.get(paramsKey(toParams(genome)));
    return s === undefined || Number.isNaN(s) ? -Infinity : s;
  };

  let population: number[][] = [];
  const initialKeys = new Set<string>();
  for (let attempts = 0; population.length < c.population && attempts < c.population * 50; attempts++) {
    const genome = genes.map((g) => randomGene(g, rng));
    const key = paramsKey(toParams(genome));
    if (initialKeys.has(key)) continue;
    initialKeys.add(key);
    population.push(genome);
  }
  // A space smaller than the population: fill with repeats (they are evaluated once).
  while (population.length < c.population) population.push([...population[rng.int(population.length)]!]);

  for (let generation = 0; generation < c.generations; generation++) {
    const batch: Params[] = [];
    const batchKeys = new Set<string>();
    for (const genome of population) {
      const params = toParams(genome);
      const key = paramsKey(params);
      if (scores.has(key) || batchKeys.has(key)) continue;
      batchKeys.add(key);
      batch.push(params);
    }
    if (batch.length > 0) {
      const results = await evaluate(batch);
      batch.forEach((params, i) => {
        const score = results[i] ?? Number.NaN;
        scores.set(paramsKey(params), score);
        evaluated.push({ params, score });
      });
    }
    if (generation === c.generations - 1) break;

    // Rank by fitness; ties keep population order (Array.prototype.sort is stable).
    const ranked = population.map((genome) => ({ genome, f: fitness(genome) })).sort((a, b) => b.f - a.f);
    const next: number[][] = ranked.slice(0, c.elitism).map((r) => [...r.genome]);
    const tournament = (): number[] => {
      let best = ranked[rng.int(ranked.length)]!;
      for (let k = 1; k < c.tournamentSize; k++) {
        const challenger = ranked[rng.int(ranked.length)]!;
        if (challenger.f > best.f) best = challenger;
      }
      return best.genome;
    };
    while (next.length < c.population) {
      const a = tournament();
      const b = tournament();
      const mix = rng.next() < c.crossoverRate;
      const child = genes.map((g, i) => {
        const inherited = mix && rng.next() < 0.5 ? b[i]! : a[i]!;
        return rng.next() < c.mutationRate ? mutateGene(g, inherited, rng) : inherited;
      });
      next.push(child);
    }
    population = next;
  }
  return evaluated;
}

function toGene(spec: ParameterSpec): Gene {
  const values = discreteValues(spec);
  if (values !== undefined) return { kind: 'discrete', values };
  const range = spec as Extract<ParameterSpec, { min: number }>;
  return { kind: 'continuous', min: range.min, max: range.max };
}

function randomGene(g: Gene, rng: SeededRng): number {
  return g.kind === 'discrete' ? rng.int(g.values.length) : g.min + rng.next() * (g.max - g.min);
}

/**
 * Discrete genes step to a neighbouring value half the time (local search) and jump to a random value
 * otherwise; continuous genes take a Gaussian step of a tenth of the range, clamped to it.
 */
function mutateGene(g: Gene, value: number, rng: SeededRng): number {
  if (g.kind === 'continuous') return Math.min(g.max, Math.max(g.min, value + rng.normal() * 0.1 * (g.max - g.min)));
  const n = g.values.length;
  if (n === 1) return 0;
  if (rng.next() < 0.5) {
    const stepped = value + (rng.next() < 0.5 ? -1 : 1);
    return stepped < 0 ? 1 : stepped >= n ? n - 2 : stepped;
  }
  return rng.int(n);
}
