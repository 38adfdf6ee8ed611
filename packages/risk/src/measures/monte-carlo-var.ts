/**
 * Monte Carlo Value at Risk and expected shortfall: portfolio returns w'x are simulated from a
 * multivariate normal N(mu, S) (Cholesky factor of S, draws from a seeded {@link SeededRandom}), then VaR
 * and ES are taken from the simulated sample with the historical conventions (type-7 quantile, mean
 * below it). The same seed gives the same numbers.
 */
import { parseWith, ValidationError } from '@rxtrade/core';
import { z } from 'zod';
import { validateCovariance } from './portfolio-var';
import { quantileOfSorted } from './quantile';
import { SeededRandom } from './seeded-random';

/**
 * Schema of {@link MonteCarloVarConfig}.
 *
 * @example
 * ```ts
 * parseWith(MonteCarloVarConfigSchema, { paths: 50_000, seed: 7 });
 * ```
 */
export const MonteCarloVarConfigSchema = z.strictObject({
  p: z.number().gt(0.5).lt(1).default(0.95),
  paths: z.number().int().min(100).default(100_000),
  seed: z.number().int().default(1),
  mean: z.array(z.number()).optional(),
});
/** Options of {@link monteCarloVar}. */
export type MonteCarloVarConfig = z.input<typeof MonteCarloVarConfigSchema>;

/**
 * Simulated VaR and ES (negative for a loss) of a portfolio with `weights` and covariance `covariance`.
 *
 * @example
 * ```ts
 * monteCarloVar([1], [[0.0004]], { p: 0.99, paths: 200_000, seed: 7 }).var // about -0.0465
 * ```
 */
export function monteCarloVar(
  weights: readonly number[],
  covariance: readonly (readonly number[])[],
  config: MonteCarloVarConfig = {},
): { readonly var: number; readonly es: number } {
  const { p, paths, seed, mean } = parseWith(MonteCarloVarConfigSchema, config, 'config');
  const k = weights.length;
  validateCovariance(covariance, k);
  if (mean && mean.length !== k) throw new ValidationError([{ path: ['config', 'mean'], message: `has ${mean.length} entries, expected ${k}` }]);
  const l = cholesky(covariance);
  // w'x = w'mu + w'L e = w'mu + (L'w)'e: one dot product per path.
  const lw = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = j; i < k; i++) s += l[i]![j]! * weights[i]!;
    lw[j] = s;
  }
  let mu = 0;
  for (let i = 0; i < k; i++) mu += weights[i]! * (mean?.[i] ?? 0);
  const rng = new SeededRandom(seed);
  const sample = new Float64Array(paths);
  for (let t = 0; t < paths; t++) {
    let s = mu;
    for (let j = 0; j < k; j++) s += lw[j]! * rng.normal();
    sample[t] = s;
  }
  sample.sort();
  const q = quantileOfSorted(sample, 1 - p);
  let sum = 0;
  let count = 0;
  for (let t = 0; t < paths && sample[t]! < q; t++) {
    sum += sample[t]!;
    count++;
  }
  return { var: q, es: count === 0 ? q : sum / count };
}

/** Lower-triangular Cholesky factor of a positive semi-definite matrix (zero pivots tolerated). */
function cholesky(a: readonly (readonly number[])[]): number[][] {
  const k = a.length;
  const l: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let m = 0; m < j; m++) s -= l[i]![m]! * l[j]![m]!;
      if (i === j) {
        if (s < -1e-12 * Math.max(1, Math.abs(a[i]![i]!)))
          throw new ValidationError([{ path: ['covariance'], message: 'matrix is not positive semi-definite' }]);
        l[i]![i] = Math.sqrt(Math.max(0, s));
      } else l[i]![j] = l[j]![j]! === 0 ? 0 : s / l[j]![j]!;
    }
  }
  return l;
}
