/**
 * The file `rxtrade walk-forward --config wf.json` reads: the JSON subset of `walkForward()`'s config
 * (strategy, space, objective, rolling or anchored windows, warm-up, run, search) plus a constraint
 * named by an export of the strategy module. Relative paths are relative to the config file.
 */
import { z } from 'zod';
import { GeneticSearchConfigSchema } from '../search/genetic-search';
import { ParameterSpaceSchema } from '../search/parameter-space';
import { RunConfigSchema } from '../search/run-config';
import { WindowLengthSchema } from '../walk-forward/fold-windows';
import { StrategyRefSchema } from './backtest-file-config';
import { ConstraintJsonSchema, ObjectiveJsonSchema } from './sweep-file-config';

/**
 * Schema of {@link WalkForwardFileConfig}.
 *
 * @example
 * ```ts
 * parseWith(WalkForwardFileConfigSchema, JSON.parse(fs.readFileSync('wf.json', 'utf8'))).mode // 'rolling'
 * ```
 */
export const WalkForwardFileConfigSchema = z
  .strictObject({
    title: z.string().min(1).optional(),
    strategy: StrategyRefSchema,
    space: ParameterSpaceSchema,
    objective: ObjectiveJsonSchema,
    /** `rolling` (fixed-length in-sample window) or `anchored` (in-sample from the first bar). */
    mode: z.enum(['rolling', 'anchored']).default('rolling'),
    /** In-sample length: `{ "bars": 500 }`, `{ "days": 730 }` or `{ "ms": … }`. */
    inSample: WindowLengthSchema,
    outOfSample: WindowLengthSchema,
    warmupBars: z.number().int().min(0).default(0),
    run: RunConfigSchema,
    search: z
      .strictObject({
        method: z.enum(['grid', 'random', 'genetic']).default('grid'),
        seed: z.union([z.number().int(), z.string().min(1)]).default(0),
        samples: z.number().int().min(1).optional(),
        genetic: GeneticSearchConfigSchema.optional(),
      })
      .default({ method: 'grid', seed: 0 }),
    where: ConstraintJsonSchema.optional(),
  });

/**
 * A walk-forward config file.
 *
 * @example
 * ```ts
 * const config: WalkForwardFileConfig = {
 *   strategy: { module: '../src/definition.ts' }, space, objective: { metric: 'sharpeRatio' },
 *   mode: 'rolling', inSample: { bars: 500 }, outOfSample: { bars: 125 }, warmupBars: 60, run,
 * };
 * ```
 */
export type WalkForwardFileConfig = z.input<typeof WalkForwardFileConfigSchema>;
