/** An evaluator whose promise never settles for task 1 (an await on something that never comes): in-process timeout tests. */
import { evaluateTask } from '../evaluate-task';
import type { SweepTask, TaskResult } from '../types';

/** Evaluates a task, except that task 1 never settles. */
export function evaluate(task: SweepTask): Promise<TaskResult> {
  if (task.id === 1) return new Promise<TaskResult>(() => undefined);
  return evaluateTask(task);
}
