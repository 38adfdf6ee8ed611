/**
 * The file `rxtrade backtest --config run.json` reads: which strategy to run (a module and its export),
 * its parameters, and the run (data files, instruments, ledger, venue, window: `RunConfigSchema`, the
 * same JSON a sweep task carries). Relative paths are relative to the config file.
 */
import { z } from 'zod';
import type { Json } from '../search/types';
import { RunConfigSchema } from '../search/run-config';

/**
 * Any JSON value (parameters are plain JSON so that they cross threads and hosts).
 *
 * @example
 * ```ts
 * JsonValueSchema.parse({ fast: 10, mode: 'long-only' })
 * ```
 */
export const JsonValueSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValueSchema), z.record(z.string(), JsonValueSchema)]),
);

/**
 * Schema of a strategy reference in a config file (`StrategyRef`).
 *
 * @example
 * ```ts
 * StrategyRefSchema.parse({ module: '../src/definition.ts', export: 'strategy' })
 * ```
 */
export const StrategyRefSchema = z
  .strictObject({
    /** `./` or `../` paths are relative to the config file; otherwise an absolute path or a package name. */
    module: z.string().min(1),
    /** The export holding the `StrategyDefinition`; default `strategy`. */
    export: z.string().min(1).optional(),
  });

/**
 * Schema of {@link BacktestFileConfig}.
 *
 * @example
 * ```ts
 * parseWith(BacktestFileConfigSchema, JSON.parse(fs.readFileSync('run.json', 'utf8')));
 * ```
 */
export const BacktestFileConfigSchema = z
  .strictObject({
    strategy: StrategyRefSchema,
    params: z.record(z.string(), JsonValueSchema).default({}),
    run: RunConfigSchema,
    /** Title of the HTML report (`--report`). */
    title: z.string().min(1).optional(),
  });

/**
 * A backtest config file.
 *
 * @example
 * ```ts
 * const config: BacktestFileConfig = {
 *   strategy: { module: '../src/definition.ts' },
 *   params: { fast: 10, slow: 30, size: 100, instrument: 'GOOG.NASDAQ' },
 *   run: { data: [{ path: '../fixtures/goog.csv', instrument: 'GOOG.NASDAQ' }], instruments: [goog], ledger: { startingCash: 100000 }, venue: { commission: 0.002 } },
 * };
 * ```
 */
export type BacktestFileConfig = z.input<typeof BacktestFileConfigSchema>;
