/**
 * How executors evaluate a task. By default every executor calls `evaluateTask`; an {@link EvaluatorRef}
 * names another module export with the same signature, which workers on other threads, processes or
 * hosts import by path (functions cannot cross those boundaries).
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ValidationError } from '@rxtrade/core';
import { z } from 'zod';
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
    /** An absolute path, a `file:` URL or a package specifier. */
    module: z.string().min(1),
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
  const mod = (await import(moduleUrl(ref.module))) as Record<string, unknown>;
  const fn = mod[name];
  if (typeof fn !== 'function')
    throw new ValidationError([{ path: ['evaluator', 'export'], message: `${ref.module} has no function export ${JSON.stringify(name)}` }]);
  return fn as TaskEvaluator;
}

/**
 * The specifier to `import()` a module by: absolute paths and `./` or `../` paths (against the working
 * directory) become `file:` URLs, so that every platform accepts them; package names pass through.
 *
 * @example
 * ```ts
 * moduleUrl('/srv/research/sma.ts'); // 'file:///srv/research/sma.ts'
 * moduleUrl('@acme/strategies');     // '@acme/strategies'
 * ```
 */
export function moduleUrl(specifier: string): string {
  if (isAbsolute(specifier)) return pathToFileURL(specifier).href;
  if (specifier.startsWith('./') || specifier.startsWith('../')) return pathToFileURL(resolve(specifier)).href;
  return specifier;
}
