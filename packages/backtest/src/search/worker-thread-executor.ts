/**
 * Runs sweep tasks on a pool of `node:worker_threads`, one task per thread at a time (with the next one
 * already queued in the thread, so that it never waits for the main thread), and returns the
 * results in task order whatever order they finish in. Threads start on the first `run` and are reused
 * until `close`. Each thread imports the evaluator (by default `evaluateTask`) and the strategy module
 * itself, so tasks carry only JSON.
 *
 * From TypeScript source (vitest, tsx) the threads load `worker-thread-entry.ts` through tsx with the
 * `@rxtrade/source` export condition; from the built package they load `dist/worker-thread-entry.js`
 * (or `.cjs`), a separate build entry, registering tsx first when this process runs under tsx (so that
 * TypeScript strategy modules load in the threads as they do here).
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { StateError, parseWith } from '@rxtrade/core';
import { EvaluatorRefSchema, type EvaluatorRef } from './task-evaluator';
import { TaskFailedError, TaskFailure } from './task-failed-error';
import type { FromWorker, ToWorker } from './worker-thread-protocol';
import type { SweepExecutor, SweepTask, TaskResult } from './types';

/**
 * Schema of {@link WorkerThreadExecutorConfig}.
 *
 * @example
 * ```ts
 * WorkerThreadExecutorConfigSchema.parse({ workers: 4 });
 * ```
 */
export const WorkerThreadExecutorConfigSchema = z
  .object({
    /** Threads in the pool; defaults to the machine's available parallelism. */
    workers: z.number().int().min(1).max(256).optional(),
    /** A custom evaluator module each thread imports; defaults to `evaluateTask`. */
    evaluator: EvaluatorRefSchema.optional(),
  })
  .strict();

/** Configuration of a {@link WorkerThreadExecutor}. */
export type WorkerThreadExecutorConfig = z.input<typeof WorkerThreadExecutorConfigSchema>;

interface Slot {
  readonly worker: Worker;
  /** Tasks sent to the thread and not yet answered, in the order it runs them. */
  readonly tasks: SweepTask[];
}

/** Tasks queued per thread: the next one is already there when the current one ends. */
const PREFETCH = 2;

/**
 * A {@link SweepExecutor} on a pool of worker threads.
 *
 * @example
 * ```ts
 * const executor = new WorkerThreadExecutor({ workers: 2 });
 * try {
 *   const result = await sweep({ strategy, space, run, objective: { metric: 'sharpe' }, method: 'grid', executor });
 * } finally {
 *   await executor.close();
 * }
 * ```
 */
export class WorkerThreadExecutor implements SweepExecutor {
  /** Number of threads in the pool. */
  readonly workers: number;
  private readonly evaluator: EvaluatorRef | undefined;
  private slots: Slot[] = [];
  private running = false;

  constructor(config: WorkerThreadExecutorConfig = {}) {
    const c = parseWith(WorkerThreadExecutorConfigSchema, config, 'executor');
    this.workers = c.workers ?? availableParallelism();
    this.evaluator = c.evaluator;
  }

  async run(tasks: readonly SweepTask[], onResult?: (result: TaskResult) => void): Promise<TaskResult[]> {
    if (this.running) throw new StateError('WorkerThreadExecutor.run: a run is already in progress on this executor');
    if (tasks.length === 0) return [];
    this.running = true;
    try {
      return await this.dispatch(tasks, onResult);
    } finally {
      this.running = false;
    }
  }

  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private dispatch(tasks: readonly SweepTask[], onResult: ((result: TaskResult) => void) | undefined): Promise<TaskResult[]> {
    while (this.slots.length < this.workers) this.slots.push({ worker: this.spawn(), tasks: [] });
    const results = new Array<TaskResult | undefined>(tasks.length);
    const indexOf = new Map<number, number>(tasks.map((t, i) => [t.id, i]));
    let next = 0;
    let done = 0;
    return new Promise<TaskResult[]>((resolve, reject) => {
      let settled = false;
      const cleanups: (() => void)[] = [];
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        for (const c of cleanups) c();
        if (error) {
          // Other threads may still be busy with tasks of this run: drop the pool so that their late
          // results cannot leak into a later run. It restarts on the next run.
          void this.close();
          reject(error);
        } else {
          resolve(results as TaskResult[]);
        }
      };
      const feed = (slot: Slot, limit = PREFETCH): void => {
        while (slot.tasks.length < limit && next < tasks.length) {
          const task = tasks[next++]!;
          slot.tasks.push(task);
          const message: ToWorker = { type: 'task', task };
          slot.worker.postMessage(message);
        }
      };
      for (const slot of this.slots) {
        const onMessage = (message: FromWorker): void => {
          const task = slot.tasks[0];
          if (settled || task === undefined || message.taskId !== task.id) return;
          slot.tasks.shift();
          if (message.type === 'error') {
            const cause = new Error(message.message);
            if (message.stack) cause.stack = message.stack;
            finish(new TaskFailedError(task.id, task.params, TaskFailure.ERROR, message.message, { cause }));
            return;
          }
          results[indexOf.get(task.id)!] = message.result;
          done++;
          onResult?.(message.result);
          if (done === tasks.length) finish();
          else feed(slot);
        };
        const onError = (error: Error): void => {
          const task = slot.tasks[0];
          finish(
            task
              ? new TaskFailedError(task.id, task.params, TaskFailure.CRASH, `worker thread failed: ${error.message}`, { cause: error })
              : new StateError(`an idle worker thread failed: ${error.message}`),
          );
        };
        const onExit = (code: number): void => {
          const task = slot.tasks[0];
          if (task) finish(new TaskFailedError(task.id, task.params, TaskFailure.CRASH, `worker thread exited with code ${code}`));
        };
        slot.worker.on('message', onMessage);
        slot.worker.on('error', onError);
        slot.worker.on('exit', onExit);
        cleanups.push(() => {
          slot.worker.off('message', onMessage);
          slot.worker.off('error', onError);
          slot.worker.off('exit', onExit);
        });
      }
      // One task per thread first, then the prefetched ones, so that a short batch spreads evenly.
      for (const slot of this.slots) feed(slot, 1);
      for (const slot of this.slots) feed(slot);
    });
  }

  private spawn(): Worker {
    const here = currentModuleUrl();
    const workerData = { evaluator: this.evaluator };
    const fromSource = here.endsWith('.ts');
    const entry = fromSource ? new URL('./worker-thread-entry.ts', here) : new URL(`./worker-thread-entry${here.endsWith('.cjs') ? '.cjs' : '.js'}`, here);
    // A worker's execArgv cannot load tsx with --import: when this module runs from source, or the
    // process runs under tsx (TypeScript strategy modules), the thread registers tsx itself first.
    const tsxApi = fromSource || underTsx() ? resolveTsxApi(here) : undefined;
    if (tsxApi === undefined) return new Worker(entry, { workerData });
    const execArgv = fromSource && !process.execArgv.includes('--conditions=@rxtrade/source') ? [...process.execArgv, '--conditions=@rxtrade/source'] : process.execArgv;
    // Both of tsx's hooks: ES modules, and require() of TypeScript from a CommonJS build.
    const code = `Promise.all([import(${JSON.stringify(tsxApi.esm)}), import(${JSON.stringify(tsxApi.cjs)})]).then(([esm, cjs]) => { esm.register(); cjs.register(); return import(${JSON.stringify(entry.href)}); });`;
    return new Worker(code, { eval: true, workerData, execArgv });
  }
}

/** Whether this process was started with tsx (`tsx file.ts` or `node --import tsx`). */
function underTsx(): boolean {
  return process.execArgv.some((a) => /(^|[\\/=@])tsx([\\/]|$)|^tsx$/.test(a)) || process.argv.some((a) => /[\\/]tsx[\\/]/.test(a));
}

/** The ESM and CommonJS APIs of tsx as file URLs, or undefined when tsx cannot be found. */
function resolveTsxApi(here: string): { esm: string; cjs: string } | undefined {
  for (const base of [here, pathToFileURL(`${process.cwd()}/`).href]) {
    try {
      const require = createRequire(base);
      // require.resolve gives the CommonJS file of tsx/esm/api; its ES module sits beside it.
      const esm = pathToFileURL(require.resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
      const cjs = pathToFileURL(require.resolve('tsx/cjs/api')).href;
      return { esm, cjs };
    } catch {
      // try the next base
    }
  }
  return undefined;
}

/** This module's URL in ESM, or its file in a CommonJS build (where `import.meta` is empty). */
function currentModuleUrl(): string {
  return typeof __filename === 'string' ? pathToFileURL(__filename).href : import.meta.url;
}
