/**
 * Task results on a JSON wire (BullMQ stores job return values as JSON): NaN and ±Infinity metrics,
 * which JSON would turn into null, travel as strings and come back as the same numbers, so a result
 * from a remote worker equals the in-process one.
 */
import type { TaskFailure } from './task-failed-error';
import type { SweepTask, TaskResult } from './types';

/** A task result with non-finite metrics written as the strings `NaN`, `Infinity`, `-Infinity`. */
export interface WireTaskResult extends Omit<TaskResult, 'metrics'> {
  readonly metrics: Readonly<Record<string, number | string>>;
}

/**
 * Encodes a result for JSON.
 *
 * @example
 * ```ts
 * JSON.stringify(encodeTaskResult({ id: 0, params: {}, metrics: { sharpe: NaN }, summary: {} })); // metrics.sharpe "NaN"
 * ```
 */
export function encodeTaskResult(result: TaskResult): WireTaskResult {
  const metrics: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(result.metrics)) metrics[k] = Number.isFinite(v) ? v : String(v);
  return { ...result, metrics };
}

/**
 * Decodes a result written by {@link encodeTaskResult}.
 *
 * @example
 * ```ts
 * decodeTaskResult(JSON.parse(text)).metrics.sharpe; // NaN
 * ```
 */
export function decodeTaskResult(wire: WireTaskResult): TaskResult {
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(wire.metrics)) metrics[k] = typeof v === 'number' ? v : Number(v);
  return { ...wire, metrics };
}

/** The data of a BullMQ job that carries several tasks (a job of one task carries the task itself). */
export interface BatchJobData {
  readonly tasks: readonly SweepTask[];
  /** Report the number of finished tasks as the job's progress (the coordinator's per-task timeout needs it). */
  readonly progress?: boolean;
}

/** What became of one task of a job: its result, or why it failed. */
export type BatchOutcome = { readonly result: WireTaskResult } | { readonly failure: { readonly reason: TaskFailure; readonly detail: string } };

/** The return value of a job of several tasks: an outcome per task, in the job's task order. */
export interface BatchReturn {
  readonly outcomes: readonly BatchOutcome[];
}

/**
 * Whether a job's data carries several tasks.
 *
 * @example
 * ```ts
 * isBatchJobData({ tasks: [] }); // true
 * ```
 */
export function isBatchJobData(data: unknown): data is BatchJobData {
  return typeof data === 'object' && data !== null && Array.isArray((data as BatchJobData).tasks);
}

/**
 * Whether a job's return value is that of a job of several tasks.
 *
 * @example
 * ```ts
 * isBatchReturn({ outcomes: [] }); // true
 * ```
 */
export function isBatchReturn(value: unknown): value is BatchReturn {
  return typeof value === 'object' && value !== null && Array.isArray((value as BatchReturn).outcomes);
}
