/**
 * How executors evaluate a task. By default every executor calls `evaluateTask`; an {@link EvaluatorRef}
 * names another module export with the same signature, which workers on other threads, processes or
 * hosts import by path (functions cannot cross those boundaries).
 */
import { ValidationError } from '@rxtrade/core';
import { z } from 'zod';
import { ModuleSpecifierSchema, moduleUrl } from './module-specifier';
import type { SweepTask, TaskResult } from './types';

/** A function that runs one task: the signature of `evaluateTask`. */
export type TaskEvaluator = (task: SweepTask) => Promise<TaskResult>;

/**
 * Schema of {@link EvaluatorRef}.
 *
 * @example
 * ```ts
 * EvaluatorRefSchema.parse({ module: '/srv/research/evaluator.js', export: 'evaluate' });
 * ```
 */
export const EvaluatorRefSchema = z
  .object({
    /** An absolute path, a `file:` URL or a package specifier (relative paths are refused). */
    module: ModuleSpecifierSchema,
    /** The export to call; defaults to `evaluateTask`. */
    export: z.string().min(1).optional(),
  })
  .strict();

/** Where a worker finds a custom evaluator: a module and the name of an exported {@link TaskEvaluator}. */
export type EvaluatorRef = z.output<typeof EvaluatorRefSchema>;

/**
 * Imports the evaluator an {@link EvaluatorRef} names.
 *
 * @example
 * ```ts
 * const evaluate = await loadEvaluator({ module: '/srv/research/my-evaluator.js', export: 'evaluate' });
 * const result = await evaluate(task);
 * ```
 */
export async function loadEvaluator(ref: EvaluatorRef): Promise<TaskEvaluator> {
  const name = ref.export ?? 'evaluateTask';
  const mod = (await import(moduleUrl(ref.module, 'evaluator.module'))) as Record<string, unknown>;
  const fn = mod[name];
  if (typeof fn !== 'function')
    throw new ValidationError([{ path: ['evaluator', 'export'], message: `${ref.module} has no function export ${JSON.stringify(name)}` }]);
  return fn as TaskEvaluator;
}

export { moduleUrl };
