/** Messages between a {@link WorkerThreadExecutor} and its threads. */
import type { SweepTask, TaskResult } from './types';

/** Pool to thread: evaluate these tasks, one after another, after those already sent. */
export interface ToWorker {
  readonly type: 'tasks';
  readonly tasks: readonly SweepTask[];
}

/** What became of one task: its result or its error. */
export type TaskReply =
  | { readonly type: 'result'; readonly taskId: number; readonly result: TaskResult }
  | { readonly type: 'error'; readonly taskId: number; readonly message: string; readonly stack: string | undefined };

/**
 * Thread to pool: the evaluator is loaded (or failed to load: the tasks report it), a task has started
 * after the thread was idle (its timeout counts from here), or the replies of one or more tasks, in the
 * order they ran. `next` is the task the thread started right after the last of them (so that no
 * separate message says so).
 */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'started'; readonly taskId: number }
  | { readonly type: 'replies'; readonly replies: readonly TaskReply[]; readonly next: number | undefined };

/**
 * How long a thread gathers the replies of short tasks (ms): it sends what it holds when a task ends
 * this long or longer after the first held one started, when its next task is its last queued one (so
 * that the pool refills it in time), or when its queue is empty. Short tasks then cost the pool's
 * thread one message per few milliseconds instead of one each; a task that takes longer is reported as
 * it ends (with the replies held before it, which thus waited for it).
 */
export const REPORT_EVERY_MS = 10;

/**
 * Whether a thread sends the replies it holds now that a task ended: `pendingSince` is when the first
 * of them started, `next` the index in its queue of the task it would run next, `queued` the queue's
 * length.
 *
 * @example
 * ```ts
 * shouldReport(0, 3, 5, 9);   // false: short tasks, more than one left
 * shouldReport(0, 3, 8, 9);   // true: the next task is the last queued
 * shouldReport(0, 12, 5, 9);  // true: the first started 12 ms ago
 * ```
 */
export function shouldReport(pendingSince: number, now: number, next: number, queued: number): boolean {
  return next + 1 >= queued || now - pendingSince >= REPORT_EVERY_MS;
}
