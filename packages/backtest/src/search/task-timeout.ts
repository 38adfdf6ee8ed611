/** The per-task timeout that every executor and BullMQ worker applies, on by default. */
import { z } from 'zod';

/**
 * A task that has produced no result after this long fails as `timeout`: 10 minutes.
 *
 * @example
 * ```ts
 * new WorkerThreadExecutor({ taskTimeoutMs: 2 * DEFAULT_TASK_TIMEOUT_MS }); // tasks of up to 20 minutes
 * ```
 */
export const DEFAULT_TASK_TIMEOUT_MS = 600_000;

/**
 * Schema of a per-task timeout in milliseconds: default 10 minutes; `0` or `Infinity` turn it off.
 * Parses to a positive number, `Infinity` when off.
 *
 * @example
 * ```ts
 * TaskTimeoutSchema.parse(0); // Infinity
 * ```
 */
export const TaskTimeoutSchema = z
  .number()
  .min(0)
  .default(DEFAULT_TASK_TIMEOUT_MS)
  .transform((ms) => (ms === 0 ? Infinity : ms));
