/**
 * Runs sweep tasks one after another in the calling thread: no start-up cost, the simplest to debug,
 * and the reference that the worker-thread and BullMQ executors must reproduce.
 *
 * Its per-task timeout can only stop waiting for a task whose promise never settles (an await on
 * something that never comes): a task that loops synchronously holds this thread, so no timer can
 * fire until it returns, and a task given up on keeps running in the background. Run tasks that may
 * hang on a `WorkerThreadExecutor`, which terminates the stuck thread.
 */
import { z } from 'zod';
import { LiveClock, parseWith, type Clock } from '@rxtrade/core';
import { resolveEvaluator } from './resolve-evaluator';
import { TaskFailedError, TaskFailure } from './task-failed-error';
import type { TaskEvaluator } from './task-evaluator';
import { TaskTimeoutSchema } from './task-timeout';
import type { SweepExecutor, SweepTask, TaskResult } from './types';

/**
 * Schema of {@link InProcessExecutorConfig}.
 *
 * @example
 * ```ts
 * InProcessExecutorConfigSchema.parse({ evaluate: evaluateTask, taskTimeoutMs: 60_000 });
 * ```
 */
export const InProcessExecutorConfigSchema = z
  .object({
    /** The function that runs a task; defaults to `evaluateTask`. */
    evaluate: z.custom<TaskEvaluator>((v) => typeof v === 'function', 'must be a function (task) => Promise<TaskResult>').optional(),
    /** Fail a task whose promise has not settled after this long (ms); default 10 minutes, 0 or Infinity: never. */
    taskTimeoutMs: TaskTimeoutSchema,
    /** Clock of the timeout; a LiveClock by default. */
    clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && 'setTimer' in v, 'must be a Clock').optional(),
  })
  .strict();

/** Configuration of an {@link InProcessExecutor}. */
export type InProcessExecutorConfig = z.input<typeof InProcessExecutorConfigSchema>;

/**
 * A {@link SweepExecutor} that evaluates tasks sequentially in this thread.
 *
 * @example
 * ```ts
 * const result = await sweep({ strategy, space, run, objective: { metric: 'sharpe' }, method: 'grid', executor: new InProcessExecutor() });
 * ```
 */
export class InProcessExecutor implements SweepExecutor {
  /** The per-task timeout in ms (Infinity: none). */
  readonly taskTimeoutMs: number;
  private readonly evaluate: TaskEvaluator | undefined;
  private readonly clock: Clock;

  constructor(config: InProcessExecutorConfig = {}) {
    const c = parseWith(InProcessExecutorConfigSchema, config, 'executor');
    this.evaluate = c.evaluate;
    this.taskTimeoutMs = c.taskTimeoutMs;
    this.clock = c.clock ?? new LiveClock();
  }

  async run(tasks: readonly SweepTask[], onResult?: (result: TaskResult) => void, onFailure?: (failure: TaskFailedError) => void): Promise<TaskResult[]> {
    const evaluate = this.evaluate ?? (await resolveEvaluator(undefined));
    const results: TaskResult[] = [];
    for (const task of tasks) {
      let result: TaskResult;
      try {
        result = await this.withTimeout(task, evaluate);
      } catch (error) {
        const failure =
          error instanceof TaskFailedError && error.taskId === task.id
            ? error
            : new TaskFailedError(task.id, task.params, TaskFailure.ERROR, error instanceof Error ? error.message : String(error), { cause: error });
        if (!onFailure) throw failure;
        onFailure(failure);
        continue;
      }
      results.push(result);
      onResult?.(result);
    }
    return results;
  }

  async close(): Promise<void> {
    // Nothing to release.
  }

  private withTimeout(task: SweepTask, evaluate: TaskEvaluator): Promise<TaskResult> {
    const evaluating = evaluate(task);
    if (this.taskTimeoutMs === Infinity) return evaluating;
    const ms = this.taskTimeoutMs;
    return new Promise<TaskResult>((resolve, reject) => {
      // Wall-clock supervision of a task, not simulated time: a Clock keeps it testable.
      const timer = this.clock.setTimer(this.clock.now() + ms, () => reject(new TaskFailedError(task.id, task.params, TaskFailure.TIMEOUT, `no result after ${ms} ms`)));
      evaluating.then(
        (r) => {
          timer.cancel();
          resolve(r);
        },
        (e: unknown) => {
          timer.cancel();
          reject(e);
        },
      );
    });
  }
}
