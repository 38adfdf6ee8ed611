/**
 * Runs sweep tasks on a pool of `node:worker_threads`, one task per thread at a time, and returns the
 * results in task order whatever order they finish in. Tasks go to a thread several per message (large
 * batches first, single tasks at the end: `tasksPerMessage`), and the next batch is already queued in
 * the thread before its last task ends, so that a thread never waits for the main thread. A result
 * comes back as its task ends, or with the next ones when tasks are short (see `REPORT_EVERY_MS`, 10
 * ms): a thread then wakes the main thread once per few milliseconds instead of once per task. It
 * counts the tasks it ended in memory shared with the pool, so that a timeout or a crash is still put
 * on the task that was running. Threads start on `start()` or the first `run` and are reused until
 * `close`, with their caches (strategy modules, parsed CSV files); a thread that crashes or runs past
 * the per-task timeout is terminated and replaced.
 * Each thread imports the evaluator (by default `evaluateTask`) and the strategy module
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
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { z } from 'zod';
import { LiveClock, StateError, parseWith, type Clock, type TimerHandle } from '@rxtrade/core';
import { BatchSizeSchema, nextBatchSize, type BatchSize } from './batching';
import { EvaluatorRefSchema, type EvaluatorRef } from './task-evaluator';
import { TaskFailedError, TaskFailure } from './task-failed-error';
import { TaskTimeoutSchema } from './task-timeout';
import { REPORT_EVERY_MS, type FromWorker, type ToWorker } from './worker-thread-protocol';
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
    /**
     * Terminate a thread whose task has run for longer than this (ms), report the task as `timeout` and
     * go on with a fresh thread; default 10 minutes, 0 or Infinity: never.
     */
    taskTimeoutMs: TaskTimeoutSchema,
    /**
     * Tasks sent to a thread per message: `'auto'` (default) sends a quarter of each thread's share of
     * the tasks left (at most 64), so that messages shrink to single tasks towards the end; a number fixes it.
     */
    tasksPerMessage: BatchSizeSchema,
    /** Clock of the timeout; a LiveClock by default. */
    clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && 'setTimer' in v, 'must be a Clock').optional(),
  })
  .strict();

/** Configuration of a {@link WorkerThreadExecutor}. */
export type WorkerThreadExecutorConfig = z.input<typeof WorkerThreadExecutorConfigSchema>;

interface Slot {
  worker: Worker;
  /** Tasks the thread has ended since it started (it counts them in shared memory as they end). */
  ended: Int32Array;
  /** Replies of the thread's tasks that reached the pool. `ended - answered` tasks ended unreported. */
  answered: number;
  /** The thread died while idle: it is replaced when the next run starts. */
  dead?: boolean;
  /** Settles when the thread has loaded its evaluator, failed to, or ended. */
  ready: Promise<void>;
  /** Tasks sent to the thread and not yet answered, in the order it runs them; the first is running. */
  readonly tasks: SweepTask[];
}

/** A thread gets its next batch once it has no more than this many tasks left (the running one). */
const REFILL_AT = 1;

/** The least time a thread gets to start and begin a task before the task counts as stuck. */
const START_TIMEOUT_MS = 60_000;

/**
 * A {@link SweepExecutor} on a pool of worker threads. A thread that crashes, or whose task runs past
 * `taskTimeoutMs` (an endless loop, say), is terminated and replaced; its task is reported as failed
 * and the tasks queued behind it run on the fresh thread.
 *
 * @example
 * ```ts
 * const executor = new WorkerThreadExecutor({ workers: 2, taskTimeoutMs: 60_000 });
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
  /** The per-task timeout in ms (Infinity: none). */
  readonly taskTimeoutMs: number;
  private readonly evaluator: EvaluatorRef | undefined;
  private readonly clock: Clock;
  private readonly tasksPerMessage: BatchSize;
  private slots: Slot[] = [];
  private running = false;

  constructor(config: WorkerThreadExecutorConfig = {}) {
    const c = parseWith(WorkerThreadExecutorConfigSchema, config, 'executor');
    this.workers = c.workers ?? availableParallelism();
    this.evaluator = c.evaluator;
    this.taskTimeoutMs = c.taskTimeoutMs;
    this.clock = c.clock ?? new LiveClock();
    this.tasksPerMessage = c.tasksPerMessage;
  }

  /**
   * Starts the threads now and resolves once each has loaded its evaluator (or failed to: its tasks
   * then report why), so that a later `run` finds them ready: call it while the sweep's inputs are
   * being prepared. Optional: `run` starts the threads it needs itself.
   *
   * @example
   * ```ts
   * const executor = new WorkerThreadExecutor({ workers: 2 });
   * const starting = executor.start();
   * const run = buildRunConfig(); // meanwhile
   * await starting;
   * await sweep({ strategy, space, run, objective: { metric: 'sharpeRatio' }, executor });
   * ```
   */
  async start(): Promise<void> {
    if (this.running) throw new StateError('WorkerThreadExecutor.start: a run is in progress on this executor');
    this.revive();
    await Promise.all(this.slots.map((s) => s.ready));
  }

  async run(tasks: readonly SweepTask[], onResult?: (result: TaskResult) => void, onFailure?: (failure: TaskFailedError) => void): Promise<TaskResult[]> {
    if (this.running) throw new StateError('WorkerThreadExecutor.run: a run is already in progress on this executor');
    if (tasks.length === 0) return [];
    this.running = true;
    try {
      return await this.dispatch(tasks, onResult, onFailure);
    } finally {
      this.running = false;
    }
  }

  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private dispatch(
    tasks: readonly SweepTask[],
    onResult: ((result: TaskResult) => void) | undefined,
    onFailure: ((failure: TaskFailedError) => void) | undefined,
  ): Promise<TaskResult[]> {
    this.revive();
    const results = new Array<TaskResult | undefined>(tasks.length);
    const indexOf = new Map<number, number>(tasks.map((t, i) => [t.id, i]));
    /** Tasks not yet sent to a thread; tasks taken back from a replaced thread go to the front. */
    const queue: SweepTask[] = [...tasks].reverse();
    let remaining = tasks.length;
    const timeoutMs = this.taskTimeoutMs;
    const workers = this.slots.length;
    const perMessage = this.tasksPerMessage;
    return new Promise<TaskResult[]>((resolve, reject) => {
      let settled = false;
      const detachers = new Map<Slot, () => void>();
      const timers = new Map<Slot, TimerHandle>();
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        for (const d of detachers.values()) d();
        for (const t of timers.values()) t.cancel();
        if (error) {
          // Other threads may still be busy with tasks of this run: drop the pool so that their late
          // results cannot leak into a later run. It restarts on the next run.
          void this.close();
          reject(error);
        } else {
          resolve(results.filter((r): r is TaskResult => r !== undefined));
        }
      };
      const settle = (): void => {
        if (--remaining === 0) finish();
      };
      // The running task's deadline. Wall-clock supervision of a thread, not simulated time (a Clock
      // keeps it testable): taskTimeoutMs from the moment the thread says it has started the task.
      // Until then (a thread still starting: tsx, the evaluator) the deadline is at least a minute.
      // `held`: the thread ended tasks since the last deadline without reporting them yet, so a later
      // task of its queue is running, and it started at most REPORT_EVERY_MS after the first of them
      // (the thread reports held replies as soon as a task ends later than that): it gets that long more.
      const arm = (slot: Slot, started: boolean, held = false): void => {
        timers.get(slot)?.cancel();
        timers.delete(slot);
        const task = slot.tasks[0];
        if (task === undefined || timeoutMs === Infinity || settled) return;
        const limit = started || held ? timeoutMs : Math.max(timeoutMs, START_TIMEOUT_MS);
        const endedBefore = Atomics.load(slot.ended, 0);
        timers.set(
          slot,
          this.clock.setTimer(this.clock.now() + (held ? REPORT_EVERY_MS : limit), () => {
            if (slot.tasks[0] !== task) return;
            if (Atomics.load(slot.ended, 0) !== endedBefore) return arm(slot, true, true);
            replace(slot, (t) => new TaskFailedError(t.id, t.params, TaskFailure.TIMEOUT, `no result after ${limit} ms: the worker thread was terminated`));
          }),
        );
      };
      /** Sends a thread one batch, and another while it would have no task waiting behind the running one. */
      const feed = (slot: Slot, once = false): void => {
        if (slot.dead) return;
        const wasIdle = slot.tasks.length === 0;
        while (slot.tasks.length <= REFILL_AT && queue.length > 0) {
          const batch: SweepTask[] = [];
          for (let n = nextBatchSize(queue.length, workers, perMessage); n > 0; n--) batch.push(queue.pop()!);
          for (const task of batch) slot.tasks.push(task);
          const message: ToWorker = { type: 'tasks', tasks: batch };
          slot.worker.postMessage(message);
          if (once) break;
        }
        if (wasIdle && slot.tasks.length > 0) arm(slot, false);
      };
      const fail = (failure: TaskFailedError): boolean => {
        if (!onFailure) {
          finish(failure);
          return false;
        }
        onFailure(failure);
        return true;
      };
      /**
       * Ends a thread that crashed or hangs: its running task fails (`failure` says how), the others go
       * back to the queue, a fresh thread takes over. The running task is the first one the thread had
       * not ended: those before it ended with replies the thread still held, and they run again.
       */
      const replace = (slot: Slot, failure: (task: SweepTask) => TaskFailedError): void => {
        if (settled) return;
        detachers.get(slot)?.();
        timers.get(slot)?.cancel();
        void slot.worker.terminate().catch(() => undefined);
        if (slot.tasks.length === 0) {
          // Nothing of this run was lost; a fresh thread now could die the same way, again and again.
          slot.dead = true;
          return;
        }
        const unreported = Math.max(0, Atomics.load(slot.ended, 0) - slot.answered);
        const lost = slot.tasks.splice(0);
        // A thread that failed after ending all of them (its replies held): the last one fails, so that
        // no task runs again and again on fresh threads.
        const running = lost[Math.min(unreported, lost.length - 1)]!;
        for (let i = lost.length - 1; i >= 0; i--) if (lost[i] !== running) queue.push(lost[i]!);
        this.respawn(slot);
        attach(slot);
        if (!fail(failure(running))) return;
        settle();
        if (!settled) feed(slot);
      };
      const attach = (slot: Slot): void => {
        const worker = slot.worker;
        const onMessage = (message: FromWorker): void => {
          if (message.type === 'ready' || settled) return;
          if (message.type === 'started') {
            if (slot.tasks[0]?.id === message.taskId) arm(slot, true);
            return;
          }
          for (const reply of message.replies) {
            const task = slot.tasks[0];
            if (settled || task === undefined || reply.taskId !== task.id) return;
            slot.tasks.shift();
            slot.answered++;
            if (reply.type === 'error') {
              const cause = new Error(reply.message);
              if (reply.stack) cause.stack = reply.stack;
              if (!fail(new TaskFailedError(task.id, task.params, TaskFailure.ERROR, reply.message, { cause }))) return;
            } else {
              results[indexOf.get(task.id)!] = reply.result;
              onResult?.(reply.result);
            }
            settle();
          }
          if (settled) return;
          // The thread started its next task as it sent these replies, when it had one.
          const head = slot.tasks[0];
          arm(slot, head !== undefined && head.id === message.next);
          feed(slot);
        };
        const onError = (error: Error): void =>
          replace(slot, (t) => new TaskFailedError(t.id, t.params, TaskFailure.CRASH, `worker thread failed: ${error.message}`, { cause: error }));
        const onExit = (code: number): void => replace(slot, (t) => new TaskFailedError(t.id, t.params, TaskFailure.CRASH, `worker thread exited with code ${code}`));
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        detachers.set(slot, () => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        });
      };
      for (const slot of this.slots) attach(slot);
      // One batch per thread first, then the next ones, so that a short run spreads evenly.
      for (const slot of this.slots) feed(slot, true);
      for (const slot of this.slots) feed(slot);
    });
  }

  /** Replaces the threads that died while idle and starts the missing ones. */
  private revive(): void {
    for (const slot of this.slots)
      if (slot.dead) {
        this.respawn(slot);
        slot.dead = false;
      }
    while (this.slots.length < this.workers) {
      const ended = new Int32Array(new SharedArrayBuffer(4));
      const worker = this.spawn(ended);
      this.slots.push({ worker, ended, answered: 0, tasks: [], ready: readyOf(worker) });
    }
  }

  /** Gives a slot a fresh thread, with a counter of its own. */
  private respawn(slot: Slot): void {
    slot.ended = new Int32Array(new SharedArrayBuffer(4));
    slot.answered = 0;
    slot.worker = this.spawn(slot.ended);
    slot.ready = readyOf(slot.worker);
  }

  private spawn(ended: Int32Array): Worker {
    const here = currentModuleUrl();
    const workerData = { evaluator: this.evaluator, progress: ended.buffer };
    const fromSource = here.endsWith('.ts');
    const entry = fromSource ? new URL('./worker-thread-entry.ts', here) : new URL(`./worker-thread-entry${here.endsWith('.cjs') ? '.cjs' : '.js'}`, here);
    // A worker's execArgv cannot load tsx with --import: when this module runs from source, or the
    // process runs under tsx (TypeScript strategy modules), the thread registers tsx itself first.
    const tsxApi = fromSource || underTsx() ? resolveTsxApi(here) : undefined;
    if (tsxApi === undefined) return new Worker(entry, { workerData });
    const execArgv = fromSource && !process.execArgv.includes('--conditions=@rxtrade/source') ? [...process.execArgv, '--conditions=@rxtrade/source'] : process.execArgv;
    // Both of tsx's hooks: ES modules, and require() of TypeScript from a CommonJS build.
    const code = `Promise.all([import(${JSON.stringify(tsxApi.esm)}), import(${JSON.stringify(tsxApi.cjs)})]).then(([esm, cjs]) => { esm.register(); cjs.register(); return import(${JSON.stringify(entry.href)}); });`;
    return startWorker(code, { eval: true, workerData, execArgv });
  }
}

/**
 * Starts a worker thread with these options, leaving out of `execArgv` the flags that Node refuses for a
 * thread (process-wide V8 flags such as `--single-threaded-gc`, which already apply to every thread).
 *
 * @example
 * ```ts
 * const worker = startWorker('require("node:worker_threads").parentPort.postMessage(1)', { eval: true, execArgv: ['--single-threaded-gc'] });
 * ```
 */
export function startWorker(code: string | URL, options: WorkerOptions & { execArgv: string[] }): Worker {
  try {
    return new Worker(code, options);
  } catch (error) {
    const refused = (error as { code?: string }).code === 'ERR_WORKER_INVALID_EXEC_ARGV' ? /flags: (.*)$/.exec((error as Error).message)?.[1]?.split(', ') : undefined;
    if (refused === undefined || refused.length === 0) throw error;
    const kept = options.execArgv.filter((a) => !refused.includes(a));
    if (kept.length === options.execArgv.length) throw error;
    return new Worker(code, { ...options, execArgv: kept });
  }
}

/** Settles when a thread says it is ready, or fails or ends. */
function readyOf(worker: Worker): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      worker.off('message', onMessage);
      worker.off('error', done);
      worker.off('exit', done);
      resolve();
    };
    const onMessage = (message: FromWorker): void => {
      if (message.type === 'ready') done();
    };
    worker.on('message', onMessage);
    worker.on('error', done);
    worker.on('exit', done);
  });
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
