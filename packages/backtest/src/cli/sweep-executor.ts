/** What a CLI sweep or walk-forward runs with: executor, constraint and resolved config, from flags and config. */
import { ValidationError } from '@rxtrade/core';
import { moduleUrl } from '../search/module-specifier';
import { maskRedisUrl } from '../search/redis-connection';
import type { Json, Params, StrategyRef, SweepExecutor } from '../search/types';
import { UsageError } from './cli-io';
import { resolveModule, resolvePath } from './read-config-file';

/**
 * Imports a constraint `(params) => boolean` exported by a module.
 *
 * @example
 * ```ts
 * const where = await loadConstraint('/abs/definition.ts', 'fastBelowSlow');
 * ```
 */
export async function loadConstraint(module: string, name: string): Promise<(params: Params) => boolean> {
  const mod = (await import(/* @vite-ignore */ moduleUrl(module, 'where.module'))) as Record<string, unknown>;
  const fn = mod[name];
  if (typeof fn !== 'function') throw new ValidationError([{ path: ['where', 'function'], message: `${module} has no function export ${JSON.stringify(name)}` }]);
  return fn as (params: Params) => boolean;
}

/**
 * The executor for `--workers N` (worker threads), `--redis URL` (BullMQ) or neither (in-process,
 * returned as undefined so that `sweep` uses its own), with a label for the summary.
 *
 * @example
 * ```ts
 * const { executor, label } = await makeExecutor(2, undefined, undefined); // '2 worker threads'
 * ```
 */
export async function makeExecutor(workers: number | undefined, redis: string | undefined, queue: string | undefined): Promise<{ executor: SweepExecutor | undefined; label: string }> {
  if (workers !== undefined) {
    const { WorkerThreadExecutor } = await import('../search/worker-thread-executor');
    return { executor: new WorkerThreadExecutor({ workers }), label: `${workers} worker thread${workers === 1 ? '' : 's'}` };
  }
  if (redis !== undefined) {
    const { BullmqExecutor } = await import('../search/bullmq-executor');
    // The label is printed and written to JSON: never with the password.
    return { executor: new BullmqExecutor({ connection: redis, ...(queue ? { queue } : {}) }), label: `BullMQ queue ${queue ?? 'rxtrade-sweep'} at ${maskRedisUrl(redis)}` };
  }
  return { executor: undefined, label: 'in-process' };
}


/**
 * Reads `--workers` / `--redis` of a search command: at most one of them, workers a whole number >= 1.
 *
 * @example
 * ```ts
 * const workers = parseWorkerFlags({ workers: '2' }); // 2; undefined when --workers is absent
 * ```
 */
export function parseWorkerFlags(values: { readonly workers?: string | undefined; readonly redis?: string | undefined }): number | undefined {
  if (values.workers !== undefined && values.redis !== undefined) throw new UsageError('give --workers or --redis, not both');
  if (values.workers === undefined) return undefined;
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers must be a whole number >= 1, got ${JSON.stringify(values.workers)}`);
  return workers;
}

/** What sweep and walk-forward config files share, after parsing. */
interface SearchFileConfig {
  readonly run: { readonly baseDir?: string | undefined };
  readonly strategy: { readonly module: string; readonly export?: string | undefined };
  readonly objective: { readonly metric: string } | { readonly module?: string | undefined };
  readonly where?: { readonly module?: string | undefined; readonly function: string } | undefined;
}

/**
 * Resolves the parts of a sweep or walk-forward config that name files relative to the config file:
 * the run (as written, with an absolute `baseDir` so tasks can cross threads and hosts), the strategy
 * module, an objective module and the `where` constraint.
 */
export async function resolveSearchConfig<C extends SearchFileConfig>(
  config: C,
  raw: unknown,
  dir: string,
): Promise<{ run: Json; strategy: StrategyRef; objective: C['objective']; where: ((params: Params) => boolean) | undefined }> {
  // The run as written (before defaults): tasks carry what the user wrote.
  const rawRun = (raw as { run: Record<string, Json> }).run;
  const run: Json = { ...rawRun, baseDir: resolvePath(config.run.baseDir ?? '.', dir) };
  const strategy: StrategyRef = { module: resolveModule(config.strategy.module, dir), ...(config.strategy.export ? { export: config.strategy.export } : {}) };
  const o = config.objective;
  const objective = ('metric' in o || !o.module ? o : { ...o, module: resolveModule(o.module, dir) }) as C['objective'];
  const where = config.where ? await loadConstraint(config.where.module ? resolveModule(config.where.module, dir) : strategy.module, config.where.function) : undefined;
  return { run, strategy, objective, where };
}
