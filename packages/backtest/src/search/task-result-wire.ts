/**
 * Task results on a JSON wire (BullMQ stores job return values as JSON): NaN and ±Infinity metrics,
 * which JSON would turn into null, travel as strings and come back as the same numbers, so a result
 * from a remote worker equals the in-process one.
 */
import type { TaskResult } from './types';

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
