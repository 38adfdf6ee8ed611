/**
 * A BullMQ worker for distributed sweeps: takes tasks from the queue, evaluates each with
 * `evaluateTask` (or a custom evaluator module) and returns the result as the job's return value.
 * Run one per CPU core on every host that should help (`rxtrade worker --redis redis://host:6379`);
 * each host needs the same code, strategy modules and data files at the paths the tasks name.
 *
 * A job carries one task or several (see the executor's `tasksPerJob`); a job's tasks run one after
 * another and its return value holds each task's result or failure, so that one failing task fails
 * alone. The threads start (and load the evaluator) before the worker says it is ready, so that the
 * first job does not wait for them; each keeps its strategy modules and parsed CSV files across jobs.
 *
 * Each task runs on a worker thread of this process (one per unit of concurrency), so that the event
 * loop stays free to renew the job's lock however long a backtest takes. That is what lets the lock be
 * short: when a worker process is killed, its job's lock expires within `lockDurationMs` and the next
 * stalled-job check (every `stalledIntervalMs`, run by every worker) hands the job to another worker:
 * with the defaults, within 45 seconds. A task that runs past `taskTimeoutMs` (an endless loop) has its
 * thread terminated and its job failed as a timeout; a fresh thread takes the next job.
 */
import { z } from 'zod';
import { StateError, UnsupportedError, parseWith } from '@rxtrade/core';
import type { Job, Worker } from 'bullmq';
import { DEFAULT_SWEEP_QUEUE } from './bullmq-executor';
import { RedisConnectionSchema, connectRedis, openRedis } from './redis-connection';
import { TaskFailedError, TaskFailure } from './task-failed-error';
import { EvaluatorRefSchema } from './task-evaluator';
import { TaskTimeoutSchema } from './task-timeout';
import { WorkerThreadExecutor } from './worker-thread-executor';
import { encodeTaskResult, isBatchJobData, type BatchJobData, type BatchOutcome, type BatchReturn, type WireTaskResult } from './task-result-wire';
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
     * How long a job's lock lasts without renewal (ms; renewed every half of it while the task runs):
     * a killed worker's job is free again at most this long after its death. Default 30 s.
     */
    lockDurationMs: z.number().int().positive().default(30_000),
    /** How often this worker looks for jobs whose lock expired (stalled) and puts them back (ms). Default 15 s. */
    stalledIntervalMs: z.number().int().positive().default(15_000),
    /** How many times a job may stall (its worker died) and be run again before it fails as a crash. Default 1. */
    maxStalledCount: z.number().int().min(0).default(1),
    /**
     * Terminate a task's thread after this long (ms) and fail its job as a timeout; default 10 minutes,
     * 0 or Infinity: never.
     */
    taskTimeoutMs: TaskTimeoutSchema,
    /** A custom evaluator module; defaults to `evaluateTask`. */
    evaluator: EvaluatorRefSchema.optional(),
    /**
     * Called after each job this worker finishes (for logs and progress): `taskId` is its first task,
     * `tasks` how many it carried; `ok` is false when the job failed as a whole.
     */
    onTask: z.custom<(event: { taskId: number; jobId: string; ok: boolean; tasks: number }) => void>((v) => typeof v === 'function').optional(),
    /** Called when this worker starts a job (`taskId`: its first task; `tasks`: how many it carries). */
    onStart: z.custom<(event: { taskId: number; jobId: string; tasks: number }) => void>((v) => typeof v === 'function').optional(),
  })
  .strict()
  .refine((c) => c.stalledIntervalMs < c.lockDurationMs, { message: 'must be shorter than lockDurationMs', path: ['stalledIntervalMs'] });

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
  // One thread per unit of concurrency, each running one task at a time.
  const idle: WorkerThreadExecutor[] = Array.from(
    { length: c.concurrency },
    () => new WorkerThreadExecutor({ workers: 1, taskTimeoutMs: c.taskTimeoutMs, ...(c.evaluator ? { evaluator: c.evaluator } : {}) }),
  );
  const all = [...idle];
  // The threads start while this worker connects, so that the first job finds them ready.
  const starting = Promise.all(all.map((e) => e.start()));
  const evaluate = async (task: SweepTask): Promise<WireTaskResult> => {
    const executor = idle.pop();
    if (executor === undefined) throw new StateError('no free evaluation thread: more jobs at once than the concurrency');
    try {
      const [result] = await executor.run([task]);
      return encodeTaskResult(result!);
    } catch (error) {
      // The coordinator reads the reason back from the tag; a task's own error goes as it is.
      if (error instanceof TaskFailedError) throw new Error(error.reason === TaskFailure.ERROR ? error.detail : `[${error.reason}] ${error.detail}`);
      throw error;
    } finally {
      idle.push(executor);
    }
  };
  /** The tasks of one job on one thread, each to its own outcome; the finished count as the job's progress when asked. */
  const evaluateBatch = async (data: BatchJobData, job: Job): Promise<BatchReturn> => {
    const executor = idle.pop();
    if (executor === undefined) throw new StateError('no free evaluation thread: more jobs at once than the concurrency');
    const outcomes = new Array<BatchOutcome | undefined>(data.tasks.length);
    const position = new Map(data.tasks.map((t, k) => [t.id, k]));
    let done = 0;
    const finished = (): void => {
      done++;
      if (data.progress && done < data.tasks.length) void job.updateProgress(done).catch(() => undefined);
    };
    try {
      await executor.run(
        data.tasks,
        (result) => {
          outcomes[position.get(result.id)!] = { result: encodeTaskResult(result) };
          finished();
        },
        (failure) => {
          outcomes[position.get(failure.taskId)!] = { failure: { reason: failure.reason, detail: failure.detail } };
          finished();
        },
      );
    } finally {
      idle.push(executor);
    }
    return { outcomes: outcomes.map((o) => o ?? { failure: { reason: TaskFailure.ERROR, detail: 'the task produced no outcome' } }) };
  };
  const { client, owned } = openRedis(c.connection);
  try {
    if (owned) await connectRedis(client, c.connection);
    await starting;
  } catch (error) {
    await Promise.all(all.map((e) => e.close()));
    throw error;
  }
  const worker: Worker<SweepTask | BatchJobData, WireTaskResult | BatchReturn> = new bullmq.Worker<SweepTask | BatchJobData, WireTaskResult | BatchReturn>(
    c.queue,
    async (job) => (isBatchJobData(job.data) ? evaluateBatch(job.data, job) : evaluate(job.data)),
    {
    connection: client as never,
    concurrency: c.concurrency,
    lockDuration: c.lockDurationMs,
    stalledInterval: c.stalledIntervalMs,
    maxStalledCount: c.maxStalledCount,
    ...(c.prefix ? { prefix: c.prefix } : {}),
    },
  );
  const describe = (data: SweepTask | BatchJobData): { taskId: number; tasks: number } =>
    isBatchJobData(data) ? { taskId: data.tasks[0]?.id ?? -1, tasks: data.tasks.length } : { taskId: data.id, tasks: 1 };
  // Errors of the connection are reported by BullMQ's reconnect loop; without a listener Node would
  // treat them as unhandled.
  worker.on('error', () => undefined);
  if (c.onStart) {
    const onStart = c.onStart;
    worker.on('active', (job) => onStart({ ...describe(job.data), jobId: String(job.id) }));
  }
  if (c.onTask) {
    const onTask = c.onTask;
    worker.on('completed', (job) => onTask({ ...describe(job.data), jobId: String(job.id), ok: true }));
    worker.on('failed', (job) => {
      if (job) onTask({ ...describe(job.data), jobId: String(job.id), ok: false });
    });
  }
  await worker.waitUntilReady();
  return {
    queue: c.queue,
    async close() {
      await worker.close();
      await Promise.all(all.map((e) => e.close()));
      if (owned) await client.quit().catch(() => undefined);
    },
  };
}
