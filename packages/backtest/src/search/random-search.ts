/**
 * Random search (Bergstra and Bengio, 2012): parameter sets drawn independently and uniformly from the
 * space with a seeded generator, so the same seed gives the same sets. Discrete parameters draw one of
 * their values; continuous ranges draw a float in [min, max). Repeated sets are drawn again, up to a
 * bound, so that a small discrete space is not evaluated twice for the same point.
 */
import { discreteValues, paramsKey, type ParameterSpace } from './parameter-space';
import { SeededRng } from './seeded-rng';
import type { Json, Params } from './types';

/** Options of {@link randomSearch}. */
export interface RandomSearchOptions {
  /** How many distinct parameter sets to draw (fewer if the space is smaller). */
  readonly samples: number;
  readonly seed: number | string;
  /** A constraint: sets it rejects are drawn again. */
  readonly where?: (params: Params) => boolean;
}

/**
 * Draws `samples` distinct parameter sets from `space`, deterministically for a seed.
 *
 * @example
 * ```ts
 * const sets = randomSearch({ fast: { min: 5, max: 50, integer: true }, stop: { min: 0.01, max: 0.1 } }, { samples: 20, seed: 7 });
 * ```
 */
export function randomSearch(space: ParameterSpace, options: RandomSearchOptions): Params[] {
  const rng = new SeededRng(options.seed);
  const draw = parameterSampler(space);
  const seen = new Set<string>();
  const out: Params[] = [];
  // Bounded retries: a discrete space smaller than `samples` ends early instead of looping forever.
  for (let attempts = 0; out.length < options.samples && attempts < options.samples * 50 + 100; attempts++) {
    const params = draw(rng);
    const key = paramsKey(params);
    if (seen.has(key)) continue;
    seen.add(key);
    if (options.where && !options.where(params)) continue;
    out.push(params);
  }
  return out;
}

/**
 * A function that draws one parameter set uniformly from `space` with a given generator.
 *
 * @example
 * ```ts
 * const draw = parameterSampler(space);
 * const params = draw(new SeededRng(1));
 * ```
 */
export function parameterSampler(space: ParameterSpace): (rng: SeededRng) => Params {
  const names = Object.keys(space);
  const axes = names.map((name) => {
    const spec = space[name]!;
    const values = discreteValues(spec);
    return { name, values, spec };
  });
  return (rng) => {
    const params: Record<string, Json> = {};
    for (const { name, values, spec } of axes) {
      if (values !== undefined) params[name] = values[rng.int(values.length)]!;
      else if (!('choices' in spec)) params[name] = spec.min + rng.next() * (spec.max - spec.min);
    }
    return params;
  };
}
