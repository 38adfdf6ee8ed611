/** An evaluator that kills its thread or process on task 2: tests how executors report a crashed worker. */
import { evaluateTask } from '../evaluate-task';
import type { SweepTask, TaskResult } from '../types';

/** Evaluates a task, except that task 2 exits the thread. */
export async function evaluate(task: SweepTask): Promise<TaskResult> {
  if (task.id === 2) process.exit(3);
  return evaluateTask(task);
}
