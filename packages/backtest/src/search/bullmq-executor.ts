/**
 * Runs sweep tasks on a BullMQ queue in Redis, so that workers on any number of hosts share a sweep
 * (start them with `startBullmqWorker` or `rxtrade worker`). The coordinator enqueues every task of a
 * batch as a job whose id is `<sweepId>.<batch>.<taskId>` (BullMQ forbids ':' in job ids), collects the
 * return values from the queue's event stream, and returns them in task order. A failed job (the
 * strategy threw, or a worker died and the job stalled) rejects with a {@link TaskFailedError} naming
 * the task; so does a task that runs longer than `taskTimeoutMs`, or a batch in which nothing starts or
 * finishes for `idleTimeoutMs` (no worker listening, for example).
 *
 * BullMQ and ioredis are optional peers, imported only when an executor opens.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { LiveClock, StateError, UnsupportedError, parseWith, type Clock, type TimerHandle } from '@rxtrade/core';
import type { Queue, QueueEvents } from 'bullmq';
import { RedisConnectionSchema, connectRedis, describeRedis, openRedis, type RedisClientLike } from './redis-connection';
import { TaskFailedError, TaskFailure } from './task-failed-error';
import { decodeTaskResult, type WireTaskResult } from './task-result-wire';
import type { SweepExecutor, SweepTask, TaskResult } from './types';

/**
 * The queue name used when none is given, by executors and workers alike.
 *
 * @example
 * ```ts
 * new BullmqExecutor({ connection: 'redis://localhost:6379' }); // queue DEFAULT_SWEEP_QUEUE, 'rxtrade-sweep'
 * ```
 */
export const DEFAULT_SWEEP_QUEUE = 'rxtrade-sweep';

/**
 * Schema of {@link BullmqExecutorConfig}.
 *
 * @example
 * ```ts
 * BullmqExecutorConfigSchema.parse({ connection: 'redis://localhost:6379', queue: 'sweeps', taskTimeoutMs: 600_000 });
 * ```
 */
export const BullmqExecutorConfigSchema = z
  .object({
    /** Redis: a `redis://` URL, ioredis options, or a client instance. */
    connection: RedisConnectionSchema,
    /** Queue name; workers must listen on the same one. */
    queue: z.string().min(1).regex(/^[^:]+$/, 'must not contain ":"').default(DEFAULT_SWEEP_QUEUE),
    /** BullMQ key prefix (default `bull`). */
    prefix: z.string().min(1).optional(),
    /** Names this executor's jobs; a random UUID by default. */
    sweepId: z.string().min(1).regex(/^[^:]+$/, 'must not contain ":"').optional(),
    /** Fail a task that a worker has been running for longer than this (ms). */
    taskTimeoutMs: z.number().int().positive().optional(),
    /** Fail a batch when no task of it starts or finishes for this long (ms): no worker is listening. */
    idleTimeoutMs: z.number().int().positive().optional(),
    /** Attempts per job (BullMQ `attempts`): 1 means a failure is reported at once. */
    attempts: z.number().int().min(1).default(1),
    /** Clock of the timeouts; a LiveClock by default. */
    clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && 'setTimer' in v, 'must be a Clock').optional(),
  })
  .strict();

/** Configuration of a {@link BullmqExecutor}. */
export type BullmqExecutorConfig = z.input<typeof BullmqExecutorConfigSchema>;

interface Open {
  readonly queue: Queue;
  readonly events: QueueEvents;
  readonly clients: readonly RedisClientLike[];
}

/**
 * A {@link SweepExecutor} on a BullMQ queue shared by workers on any number of hosts.
 *
 * @example
 * ```ts
 * const executor = new BullmqExecutor({ connection: 'redis://research-redis:6379', queue: 'sweeps' });
 * try {
 *   const result = await sweep({ strategy, space, run, objective: { metric: 'sharpe' }, executor });
 * } finally {
 *   await executor.close();
 * }
 * ```
 */
export class BullmqExecutor implements SweepExecutor {
  /** The id that prefixes this executor's job ids. */
  readonly sweepId: string;
  private readonly config: z.output<typeof BullmqExecutorConfigSchema>;
  private readonly clock: Clock;
  private opened: Promise<Open> | undefined;
  private batch = 0;
  private running = false;

  constructor(config: BullmqExecutorConfig) {
    this.config = parseWith(BullmqExecutorConfigSchema, config, 'executor');
    this.sweepId = this.config.sweepId ?? `sweep-${randomUUID()}`;
    this.clock = this.config.clock ?? new LiveClock();
  }

  async run(tasks: readonly SweepTask[], onResult?: (result: TaskResult) => void): Promise<TaskResult[]> {
    if (this.running) throw new StateError('BullmqExecutor.run: a run is already in progress on this executor');
    if (tasks.length === 0) return [];
    this.running = true;
    try {
      if (!this.opened) {
        const opening = this.open();
        this.opened = opening;
        // A failed connection is not kept: the next run tries again.
        opening.catch(() => {
          if (this.opened === opening) this.opened = undefined;
        });
      }
      return await this.collect(await this.opened, tasks, onResult);
    } finally {
      this.running = false;
    }
  }

  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    const open = await opened?.catch(() => undefined);
    if (!open) return;
    const { queue, events, clients } = open;
    await events.close();
    await queue.close();
    await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
  }

  private async open(): Promise<Open> {
    let bullmq: typeof import('bullmq');
    try {
      bullmq = await import('bullmq');
    } catch (error) {
      throw Object.assign(new UnsupportedError('distributed sweeps need the bullmq package: npm install bullmq ioredis'), { cause: error });
    }
    const a = openRedis(this.config.connection);
    // QueueEvents blocks on its connection: never the one the queue uses.
    const b = openRedis(this.config.connection, { duplicate: true });
    const where = describeRedis(this.config.connection);
    try {
      if (a.owned) await connectRedis(a.client, where);
      if (b.owned) await connectRedis(b.client, where);
    } catch (error) {
      for (const c of [a, b]) if (c.owned) (c.client as unknown as { disconnect?: () => void }).disconnect?.();
      throw error;
    }
    const prefix = this.config.prefix;
    const queue = new bullmq.Queue(this.config.queue, { connection: a.client as never, ...(prefix ? { prefix } : {}) });
    await queue.waitUntilReady();
    // Read the event stream from its current end, fixed now: QueueEvents started with '$' could miss
    // the events of jobs that finish before its first blocking read.
    const lastEventId = await lastStreamId(a.client, `${prefix ?? 'bull'}:${this.config.queue}:events`);
    const events = new bullmq.QueueEvents(this.config.queue, {
      connection: b.client as never,
      ...(prefix ? { prefix } : {}),
      ...(lastEventId ? { lastEventId } : {}),
    });
    await events.waitUntilReady();
    return { queue, events, clients: [a, b].filter((c) => c.owned).map((c) => c.client) };
  }

  private collect(open: Open, tasks: readonly SweepTask[], onResult: ((result: TaskResult) => void) | undefined): Promise<TaskResult[]> {
    const { queue, events } = open;
    const batchId = `${this.sweepId}.${++this.batch}`;
    const jobId = (task: SweepTask): string => `${batchId}.${task.id}`;
    const indexOf = new Map<string, number>(tasks.map((t, i) => [jobId(t), i]));
    const results = new Array<TaskResult | undefined>(tasks.length);
    const taskTimers = new Map<string, TimerHandle>();
    let idleTimer: TimerHandle | undefined;
    let done = 0;
    const { taskTimeoutMs, idleTimeoutMs } = this.config;

    return new Promise<TaskResult[]>((resolve, reject) => {
      let settled = false;
      const cleanup = (): void => {
        events.off('completed', onCompleted);
        events.off('failed', onFailed);
        events.off('active', onActive);
        idleTimer?.cancel();
        for (const t of taskTimers.values()) t.cancel();
      };
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        cleanup();
        // Take the rest of this batch off the queue so that workers do not run an abandoned sweep.
        void Promise.all([...indexOf.keys()].map((id) => queue.remove(id).catch(() => 0))).finally(() => reject(error));
      };
      const taskAt = (id: string): SweepTask | undefined => {
        const i = indexOf.get(id);
        return i === undefined ? undefined : tasks[i];
      };
      const armIdle = (): void => {
        if (idleTimeoutMs === undefined) return;
        idleTimer?.cancel();
        idleTimer = this.clock.setTimer(this.clock.now() + idleTimeoutMs, () => {
          const pending = tasks.find((_, i) => results[i] === undefined)!;
          fail(
            new TaskFailedError(
              pending.id,
              pending.params,
              TaskFailure.TIMEOUT,
              `no task of the batch started or finished for ${idleTimeoutMs} ms: is a worker listening on queue ${JSON.stringify(this.config.queue)}?`,
            ),
          );
        });
      };
      const onActive = ({ jobId: id }: { jobId: string }): void => {
        const task = taskAt(id);
        if (!task || settled) return;
        armIdle();
        if (taskTimeoutMs !== undefined)
          taskTimers.set(
            id,
            this.clock.setTimer(this.clock.now() + taskTimeoutMs, () =>
              fail(new TaskFailedError(task.id, task.params, TaskFailure.TIMEOUT, `still running after ${taskTimeoutMs} ms`)),
            ),
          );
      };
      const onCompleted = ({ jobId: id, returnvalue }: { jobId: string; returnvalue: unknown }): void => {
        const i = indexOf.get(id);
        if (i === undefined || settled || results[i] !== undefined) return;
        taskTimers.get(id)?.cancel();
        const result = decodeTaskResult(returnvalue as WireTaskResult);
        results[i] = result;
        done++;
        armIdle();
        onResult?.(result);
        if (done === tasks.length) {
          settled = true;
          cleanup();
          resolve(results as TaskResult[]);
        }
      };
      const onFailed = ({ jobId: id, failedReason }: { jobId: string; failedReason: string }): void => {
        const task = taskAt(id);
        if (!task || settled) return;
        const stalled = /stalled/i.test(failedReason);
        fail(new TaskFailedError(task.id, task.params, stalled ? TaskFailure.CRASH : TaskFailure.ERROR, `on a BullMQ worker: ${failedReason}`));
      };
      events.on('completed', onCompleted);
      events.on('failed', onFailed);
      events.on('active', onActive);
      armIdle();
      queue
        .addBulk(
          tasks.map((task) => ({
            name: 'backtest',
            data: task,
            opts: { jobId: jobId(task), attempts: this.config.attempts, removeOnComplete: true, removeOnFail: true },
          })),
        )
        .catch((error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
    });
  }
}

/** The id of the last entry of a Redis stream, or undefined when the stream is empty or unreadable. */
async function lastStreamId(client: RedisClientLike, key: string): Promise<string | undefined> {
  const xrevrange = (client as { xrevrange?: (...a: string[]) => Promise<[string, string[]][]> }).xrevrange;
  if (typeof xrevrange !== 'function') return undefined;
  const entries = await xrevrange.call(client, key, '+', '-', 'COUNT', '1');
  return entries[0]?.[0] ?? '0-0';
}
