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
  /** No result arrived within the executor's timeout. */
  TIMEOUT: 'timeout',
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
  constructor(
    readonly taskId: number,
    readonly params: Params,
    readonly reason: TaskFailure,
    detail: string,
    options?: { cause?: unknown },
  ) {
    // No dedicated code in core's union: a failed task is an unrecoverable fault of the run (STATE).
    super(ErrorCode.STATE, `task ${taskId} ${JSON.stringify(params)} failed (${reason}): ${detail}`, options);
  }
}
