/**
 * An evaluator that answers at once (no backtest), for tests of how a thread reports several short
 * tasks together: `params.act` makes a task hang (`'hang'`: an endless loop), end its thread
 * (`'exit'`) or return a result that cannot be copied to another thread (`'function'`).
 */
import type { SweepTask, TaskResult } from '../types';

/** Evaluates one task in microseconds, or misbehaves as `params.act` says. */
export async function evaluate(task: SweepTask): Promise<TaskResult> {
  const act = task.params.act;
  if (act === 'hang') for (;;);
  if (act === 'exit') process.exit(3);
  const result: TaskResult = { id: task.id, params: task.params, metrics: { value: task.id }, summary: {} };
  return act === 'function' ? ({ ...result, summary: { format: () => 'x' } } as unknown as TaskResult) : result;
}
