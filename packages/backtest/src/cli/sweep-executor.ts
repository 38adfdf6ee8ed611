/** The executor and constraint a CLI sweep or walk-forward runs with, chosen by flags and config. */
import { ValidationError } from '@rxtrade/core';
import { moduleUrl } from '../search/task-evaluator';
import type { Params, SweepExecutor } from '../search/types';

/**
 * Imports a constraint `(params) => boolean` exported by a module.
 *
 * @example
 * ```ts
 * const where = await loadConstraint('/abs/definition.ts', 'fastBelowSlow');
 * ```
 */
export async function loadConstraint(module: string, name: string): Promise<(params: Params) => boolean> {
  const mod = (await import(/* @vite-ignore */ moduleUrl(module))) as Record<string, unknown>;
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
    return { executor: new BullmqExecutor({ connection: redis, ...(queue ? { queue } : {}) }), label: `BullMQ queue ${queue ?? 'rxtrade-sweep'} at ${redis}` };
  }
  return { executor: undefined, label: 'in-process' };
}

