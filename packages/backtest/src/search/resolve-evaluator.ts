/** Picks the evaluator an executor uses: the named module export, or `evaluateTask` by default. */
import { evaluateTask } from './evaluate-task';
import { loadEvaluator, type EvaluatorRef, type TaskEvaluator } from './task-evaluator';

/**
 * Resolves an optional {@link EvaluatorRef} to a function; without one, `evaluateTask`.
 *
 * @example
 * ```ts
 * const evaluate = await resolveEvaluator(undefined); // evaluateTask
 * ```
 */
export async function resolveEvaluator(ref: EvaluatorRef | undefined): Promise<TaskEvaluator> {
  return ref ? loadEvaluator(ref) : evaluateTask;
}
