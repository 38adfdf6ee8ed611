/**
 * Runs sweep tasks one after another in the calling thread: no start-up cost, the simplest to debug,
 * and the reference that the worker-thread and BullMQ executors must reproduce.
 */
import { z } from 'zod';
import { parseWith } from '@rxtrade/core';
import { resolveEvaluator } from './resolve-evaluator';
import { TaskFailedError, TaskFailure } from './task-failed-error';
import type { TaskEvaluator } from './task-evaluator';
import type { SweepExecutor, SweepTask, TaskResult } from './types';

/**
 * Schema of {@link InProcessExecutorConfig}.
 *
 * @example
 * ```ts
 * InProcessExecutorConfigSchema.parse({ evaluate: evaluateTask });
 * ```
 */
export const InProcessExecutorConfigSchema = z
  .object({
    /** The function that runs a task; defaults to `evaluateTask`. */
    evaluate: z.custom<TaskEvaluator>((v) => typeof v === 'function', 'must be a function (task) => Promise<TaskResult>').optional(),
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
  private readonly evaluate: TaskEvaluator | undefined;

  constructor(config: InProcessExecutorConfig = {}) {
    this.evaluate = parseWith(InProcessExecutorConfigSchema, config, 'executor').evaluate;
  }

  async run(tasks: readonly SweepTask[], onResult?: (result: TaskResult) => void): Promise<TaskResult[]> {
    const evaluate = this.evaluate ?? (await resolveEvaluator(undefined));
    const results: TaskResult[] = [];
    for (const task of tasks) {
      let result: TaskResult;
      try {
        result = await evaluate(task);
      } catch (error) {
        throw new TaskFailedError(task.id, task.params, TaskFailure.ERROR, error instanceof Error ? error.message : String(error), { cause: error });
      }
      results.push(result);
      onResult?.(result);
    }
    return results;
  }

  async close(): Promise<void> {
    // Nothing to release.
  }
}
