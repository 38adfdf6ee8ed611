/** Messages between a {@link WorkerThreadExecutor} and its threads. */
import type { SweepTask, TaskResult } from './types';

/** Pool to thread: evaluate these tasks, one after another, after those already sent. */
export interface ToWorker {
  readonly type: 'tasks';
  readonly tasks: readonly SweepTask[];
}

/**
 * Thread to pool: the evaluator is loaded (or failed to load: the tasks report it), a task has started
 * after the thread was idle (its timeout counts from here), or a task's result or error. `next` is the
 * task the thread started right after this one (so that no separate message says so).
 */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'started'; readonly taskId: number }
  | { readonly type: 'result'; readonly taskId: number; readonly result: TaskResult; readonly next: number | undefined }
  | { readonly type: 'error'; readonly taskId: number; readonly message: string; readonly stack: string | undefined; readonly next: number | undefined };
