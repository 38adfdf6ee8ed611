/**
 * A BullMQ worker for distributed sweeps: takes tasks from the queue, evaluates each with
 * `evaluateTask` (or a custom evaluator module) and returns the result as the job's return value.
 * Run one per CPU core on every host that should help (`rxtrade worker --redis redis://host:6379`);
 * each host needs the same code, strategy modules and data files at the paths the tasks name.
 */
import { z } from 'zod';
import { UnsupportedError, parseWith } from '@rxtrade/core';
import type { Worker } from 'bullmq';
import { DEFAULT_SWEEP_QUEUE } from './bullmq-executor';
import { RedisConnectionSchema, connectRedis, describeRedis, openRedis } from './redis-connection';
import { resolveEvaluator } from './resolve-evaluator';
import { EvaluatorRefSchema } from './task-evaluator';
import { encodeTaskResult, type WireTaskResult } from './task-result-wire';
import type { SweepTask } from './types';

/**
 * Schema of {@link BullmqWorkerConfig}.
 *
 * @example
 * ```ts
 * BullmqWorkerConfigSchema.parse({ connection: 'redis://localhost:6379', queue: 'sweeps', concurrency: 1 });
 * ```
 */
export const BullmqWorkerConfigSchema = z
  .object({
    /** Redis: a `redis://` URL, ioredis options, or a client instance. */
    connection: RedisConnectionSchema,
    /** Queue name; the same as the coordinator's. */
    queue: z.string().min(1).regex(/^[^:]+$/, 'must not contain ":"').default(DEFAULT_SWEEP_QUEUE),
    /** BullMQ key prefix (default `bull`). */
    prefix: z.string().min(1).optional(),
    /**
     * Jobs run at once by this process. Backtests are CPU-bound, so more than 1 rarely helps: start one
     * process per core instead.
     */
    concurrency: z.number().int().min(1).default(1),
    /**
     * How long a job's lock lasts (ms). A backtest keeps the event loop busy and cannot renew the lock
     * while it runs, so this must exceed the longest task, or BullMQ declares the job stalled.
     */
    lockDurationMs: z.number().int().positive().default(600_000),
    /** A custom evaluator module; defaults to `evaluateTask`. */
    evaluator: EvaluatorRefSchema.optional(),
    /** Called after each task this worker finishes (for logs and progress). */
    onTask: z.custom<(event: { taskId: number; jobId: string; ok: boolean }) => void>((v) => typeof v === 'function').optional(),
  })
  .strict();

/** Configuration of {@link startBullmqWorker}. */
export type BullmqWorkerConfig = z.input<typeof BullmqWorkerConfigSchema>;

/** A running worker. */
export interface BullmqWorkerHandle {
  readonly queue: string;
  /** Stops taking jobs, waits for the running ones, and disconnects. */
  close(): Promise<void>;
}

/**
 * Starts a BullMQ worker that evaluates sweep tasks; resolves once it is connected and listening.
 *
 * @example
 * ```ts
 * const worker = await startBullmqWorker({ connection: process.env.REDIS_URL ?? 'redis://localhost:6379', queue: 'sweeps' });
 * process.on('SIGTERM', () => void worker.close());
 * ```
 */
export async function startBullmqWorker(config: BullmqWorkerConfig): Promise<BullmqWorkerHandle> {
  const c = parseWith(BullmqWorkerConfigSchema, config, 'worker');
  let bullmq: typeof import('bullmq');
  try {
    bullmq = await import('bullmq');
  } catch (error) {
    throw Object.assign(new UnsupportedError('BullMQ workers need the bullmq package: npm install bullmq ioredis'), { cause: error });
  }
  const evaluate = await resolveEvaluator(c.evaluator);
  const { client, owned } = openRedis(c.connection);
  if (owned) await connectRedis(client, describeRedis(c.connection));
  const worker: Worker<SweepTask, WireTaskResult> = new bullmq.Worker<SweepTask, WireTaskResult>(
    c.queue,
    async (job) => encodeTaskResult(await evaluate(job.data)),
    {
      connection: client as never,
      concurrency: c.concurrency,
      lockDuration: c.lockDurationMs,
      ...(c.prefix ? { prefix: c.prefix } : {}),
    },
  );
  // Errors of the connection are reported by BullMQ's reconnect loop; without a listener Node would
  // treat them as unhandled.
  worker.on('error', () => undefined);
  if (c.onTask) {
    const onTask = c.onTask;
    worker.on('completed', (job) => onTask({ taskId: job.data.id, jobId: String(job.id), ok: true }));
    worker.on('failed', (job) => {
      if (job) onTask({ taskId: job.data.id, jobId: String(job.id), ok: false });
    });
  }
  await worker.waitUntilReady();
  return {
    queue: c.queue,
    async close() {
      await worker.close();
      if (owned) await client.quit().catch(() => undefined);
    },
  };
}
