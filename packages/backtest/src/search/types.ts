/**
 * The shared vocabulary of parameter search: what a strategy exposes to a sweep, one unit of work
 * (a task), its result, and the executor interface that runs tasks in-process, on worker threads or
 * on a BullMQ queue. Tasks and results are plain JSON so they can cross threads, processes and hosts;
 * every executor evaluates a task with the same function, so results are identical whatever runs them.
 */
import type { Pipeline } from '@rxtrade/core';
import type { TaskFailedError } from './task-failed-error';

/** A JSON value: what may appear in parameters and results. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/** Strategy parameters: names to JSON values. */
export type Params = Readonly<Record<string, Json>>;

/**
 * What a strategy module exports for sweeps and the CLI: a name, and a function from parameters to a
 * pipeline. Workers import the module by path and call `pipeline(params)`, so the module must not
 * depend on state created elsewhere.
 *
 * @example
 * ```ts
 * export const strategy: StrategyDefinition = {
 *   name: 'sma-crossover',
 *   pipeline: (p) => smaCrossover({ instrumentId: instrumentId(String(p.instrument)), fast: Number(p.fast), slow: Number(p.slow), size: 100 }),
 * };
 * ```
 */
export interface StrategyDefinition<P extends Params = Params> {
  readonly name: string;
  readonly pipeline: (params: P) => Pipeline;
}

/** Where a worker finds a strategy: an ES module and its export name. */
export interface StrategyRef {
  /** An absolute path, a `file:` URL or a package name (relative paths are refused: workers run elsewhere). */
  readonly module: string;
  /** Defaults to `strategy`. */
  readonly export?: string;
}

/** One unit of work: run one strategy with one parameter set on the task's data. */
export interface SweepTask {
  /** Position of the task in its sweep; results are reported in this order. */
  readonly id: number;
  readonly strategy: StrategyRef;
  readonly params: Params;
  /** The run's configuration as JSON (data files, instruments, ledger, venue, window); see `evaluateTask`. */
  readonly run: Json;
}

/** What evaluating a task gives back: its parameters, the metrics, and the headline figures as strings. */
export interface TaskResult {
  readonly id: number;
  readonly params: Params;
  /** Every metric the backtest computes (total return, Sharpe, max drawdown, …), as numbers. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Exact figures: final equity, fees (decimal strings). */
  readonly summary: Readonly<Record<string, string>>;
}

/**
 * Runs tasks and returns their results in task order.
 *
 * Without `onFailure`, a task that fails (throws, crashes its worker, times out, is lost) rejects the
 * run with a `TaskFailedError` at once. With it, the executor reports each failed task there and goes on
 * with the others; the returned array then holds the results of the tasks that completed, in task order.
 */
export interface SweepExecutor {
  run(tasks: readonly SweepTask[], onResult?: (result: TaskResult) => void, onFailure?: (failure: TaskFailedError) => void): Promise<TaskResult[]>;
  /** Releases threads, connections or processes. */
  close(): Promise<void>;
}
