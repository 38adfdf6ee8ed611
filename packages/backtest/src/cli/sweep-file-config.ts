/**
 * The file `rxtrade sweep --config sweep.json` reads: the strategy, the parameter space, the run every
 * candidate gets, the objective and the search method (the JSON subset of `sweep()`'s config), plus a
 * constraint named by an export of the strategy module and how many of the best runs the report
 * overlays. Relative paths are relative to the config file.
 */
import { z } from 'zod';
import { GeneticSearchConfigSchema } from '../search/genetic-search';
import { ParameterSpaceSchema } from '../search/parameter-space';
import { RunConfigSchema } from '../search/run-config';
import { StrategyRefSchema } from './backtest-file-config';

const goal = z.enum(['max', 'min']).default('max');

/**
 * Schema of an objective in a config file: a metric, or an exported `(result: TaskResult) => number`.
 *
 * @example
 * ```ts
 * ObjectiveJsonSchema.parse({ metric: 'sharpeRatio' }) // { metric: 'sharpeRatio', goal: 'max' }
 * ```
 */
export const ObjectiveJsonSchema = z.union([
  z.strictObject({ metric: z.string().min(1), goal }),
  z.strictObject({ function: z.string().min(1), module: z.string().min(1).optional(), goal }),
]);

/**
 * Schema of a constraint: an exported `(params) => boolean` of the strategy module (or of `module`).
 *
 * @example
 * ```ts
 * ConstraintJsonSchema.parse({ function: 'fastBelowSlow' })
 * ```
 */
export const ConstraintJsonSchema = z.strictObject({ function: z.string().min(1), module: z.string().min(1).optional() });

/**
 * Schema of {@link SweepFileConfig}.
 *
 * @example
 * ```ts
 * parseWith(SweepFileConfigSchema, JSON.parse(fs.readFileSync('sweep.json', 'utf8'))).method // 'grid'
 * ```
 */
export const SweepFileConfigSchema = z
  .strictObject({
    title: z.string().min(1).optional(),
    strategy: StrategyRefSchema,
    space: ParameterSpaceSchema,
    run: RunConfigSchema,
    objective: ObjectiveJsonSchema,
    method: z.enum(['grid', 'random', 'genetic']).default('grid'),
    seed: z.union([z.number().int(), z.string().min(1)]).default(0),
    /** Random search: parameter sets to draw. */
    samples: z.number().int().min(1).optional(),
    genetic: GeneticSearchConfigSchema.optional(),
    /** Only parameter sets for which this export returns true are run (for example `fast < slow`). */
    where: ConstraintJsonSchema.optional(),
    /** How many of the best parameter sets are re-run in full for the report's equity overlay; default 3. */
    top: z.number().int().min(0).max(20).default(3),
  });

/**
 * A sweep config file.
 *
 * @example
 * ```ts
 * const config: SweepFileConfig = {
 *   strategy: { module: '../src/definition.ts' },
 *   space: { fast: { min: 5, max: 50, step: 5 }, slow: { min: 60, max: 250, step: 10 } },
 *   run, objective: { metric: 'sharpeRatio' }, method: 'grid',
 * };
 * ```
 */
export type SweepFileConfig = z.input<typeof SweepFileConfigSchema>;
