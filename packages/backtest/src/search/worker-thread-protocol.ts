/** Messages between a {@link WorkerThreadExecutor} and its threads. */
import type { SweepTask, TaskResult } from './types';

/** Pool to thread: evaluate this task. */
export interface ToWorker {
  readonly type: 'task';
  readonly task: SweepTask;
}

/** Thread to pool: a task has started (its timeout counts from here), its result, or the error it raised. */
export type FromWorker =
  | { readonly type: 'started'; readonly taskId: number }
  | { readonly type: 'result'; readonly taskId: number; readonly result: TaskResult }
  | { readonly type: 'error'; readonly taskId: number; readonly message: string; readonly stack: string | undefined };
