/**
 * The error a sweep executor rejects with when a task cannot produce a result: the evaluator threw,
 * the worker running it died, or it did not finish in time. It names the task so that a failing
 * parameter set is found at once, and keeps the original error as `cause`.
 */
import { ErrorCode, RxTradeError } from '@rxtrade/core';
import type { Params } from './types';

/**
 * Why a task failed.
 *
 * @example
 * ```ts
 * if (error instanceof TaskFailedError && error.reason === TaskFailure.TIMEOUT) console.error('raise taskTimeoutMs?');
 * ```
 */
export const TaskFailure = {
  /** The evaluator (the strategy or the backtest) threw. */
  ERROR: 'error',
  /** The worker thread or process running the task exited or crashed. */
  CRASH: 'crash',
  /** No result arrived within the executor's timeout (a stuck worker thread is terminated). */
  TIMEOUT: 'timeout',
  /** The job disappeared from the queue (Redis restarted without persistence), or Redis stopped answering. */
  LOST: 'lost',
} as const;
export type TaskFailure = (typeof TaskFailure)[keyof typeof TaskFailure];

/**
 * A sweep task failed; `taskId` and `params` say which one.
 *
 * @example
 * ```ts
 * try { await sweep(options) }
 * catch (e) { if (e instanceof TaskFailedError) console.error(`task ${e.taskId} failed (${e.reason}): ${e.message}`) }
 * ```
 */
export class TaskFailedError extends RxTradeError {
  /** What went wrong, without the task's id and parameters (`message` has them too). */
  readonly detail: string;

  constructor(
    readonly taskId: number,
    readonly params: Params,
    readonly reason: TaskFailure,
    detail: string,
    options?: { cause?: unknown },
  ) {
    // No dedicated code in core's union: a failed task is an unrecoverable fault of the run (STATE).
    super(ErrorCode.STATE, `task ${taskId} ${JSON.stringify(params)} failed (${reason}): ${detail}`, options);
    this.detail = detail;
  }

  /** The failure as plain JSON, as a sweep result lists it. */
  toFailure(): SweepFailure {
    return { id: this.taskId, params: this.params, reason: this.reason, error: this.detail };
  }
}

/**
 * A task that produced no result, as `SweepResult.failures` lists it: plain JSON, so that it can be
 * written to a result file.
 *
 * @example
 * ```ts
 * for (const f of result.failures) console.error(`task ${f.id} ${JSON.stringify(f.params)} failed (${f.reason}): ${f.error}`);
 * ```
 */
export interface SweepFailure {
  /** The task's id (its position in the sweep). */
  readonly id: number;
  readonly params: Params;
  readonly reason: TaskFailure;
  /** The error message. */
  readonly error: string;
}
