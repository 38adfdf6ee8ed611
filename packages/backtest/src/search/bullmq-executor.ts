/**
 * Runs sweep tasks on a BullMQ queue in Redis, so that workers on any number of hosts share a sweep
 * (start them with `startBullmqWorker` or `rxtrade worker`). The coordinator enqueues every task of a
 * batch as a job whose id is `<sweepId>.<batch>.<taskId>` (BullMQ forbids ':' in job ids), collects the
 * return values from the queue's event stream, and returns them in task order.
 *
 * A task fails (reported to the caller's `onFailure`, or rejecting the run without one) when its job
 * fails on a worker (the strategy threw, the worker's per-task timeout ended it, its thread crashed, or
 * it stalled too often), when it runs longer than `taskTimeoutMs`, when nothing of the batch starts or
 * finishes for `idleTimeoutMs` (no worker listening), or when its job is lost: every
 * `jobCheckIntervalMs` the coordinator checks that its pending jobs are still in Redis (a Redis
 * restarted without persistence has none), and when Redis has not answered for `redisTimeoutMs` the
 * pending tasks fail instead of waiting forever.
 *
 * The timers here are wall-clock on purpose: they supervise processes and a server, not simulated time
 * (a `clock` option keeps them testable). The connection's password never appears in messages, in
 * `JSON.stringify(executor)` or in `util.inspect(executor)`.
 *
 * BullMQ and ioredis are optional peers, imported only when an executor opens.
 */
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { z } from 'zod';
import { LiveClock, NetworkError, StateError, UnsupportedError, parseWith, type Clock, type TimerHandle } from '@rxtrade/core';
import type { Queue, QueueEvents } from 'bullmq';
import { RedisConnectionSchema, connectRedis, describeRedis, openRedis, redactRedisSecret, type RedisClientLike } from './redis-connection';
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
    /** How often the coordinator checks that its pending jobs are still in Redis (ms); default 5 s. */
    jobCheckIntervalMs: z.number().int().positive().default(5_000),
    /** Fail the pending tasks when Redis has not answered for this long (ms); default 30 s. */
    redisTimeoutMs: z.number().int().positive().default(30_000),
    /** How long `close()` waits for a clean disconnect before it drops the connections (ms); default 5 s. */
    closeTimeoutMs: z.number().int().positive().default(5_000),
    /** Clock of the timeouts; a LiveClock by default. */
    clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && 'setTimer' in v, 'must be a Clock').optional(),
  })
  .strict();

/** Configuration of a {@link BullmqExecutor}. */
export type BullmqExecutorConfig = z.input<typeof BullmqExecutorConfigSchema>;

interface Open {
  readonly queue: Queue;
  readonly events: QueueEvents;
  /** The clients this executor opened (and closes). */
  readonly clients: readonly RedisClientLike[];
  readonly client: RedisClientLike;
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
  // Private (#) so that neither JSON.stringify nor util.inspect shows the connection and its password.
  readonly #config: z.output<typeof BullmqExecutorConfigSchema>;
  readonly #clock: Clock;
  #opened: Promise<Open> | undefined;
  #batch = 0;
  #running = false;

  constructor(config: BullmqExecutorConfig) {
    this.#config = parseWith(BullmqExecutorConfigSchema, config, 'executor');
    this.sweepId = this.#config.sweepId ?? `sweep-${randomUUID()}`;
    this.#clock = this.#config.clock ?? new LiveClock();
  }

  /** Where this executor sends its jobs, with the password masked. */
  get where(): string {
    return describeRedis(this.#config.connection);
  }

  /** What `JSON.stringify` writes: the sweep id, the queue and the address, never the password. */
  toJSON(): { sweepId: string; queue: string; connection: string } {
    return { sweepId: this.sweepId, queue: this.#config.queue, connection: this.where };
  }

  [inspect.custom](): string {
    return `BullmqExecutor ${JSON.stringify(this.toJSON())}`;
  }

  async run(tasks: readonly SweepTask[], onResult?: (result: TaskResult) => void, onFailure?: (failure: TaskFailedError) => void): Promise<TaskResult[]> {
    if (this.#running) throw new StateError('BullmqExecutor.run: a run is already in progress on this executor');
    if (tasks.length === 0) return [];
    this.#running = true;
    try {
      if (!this.#opened) {
        const opening = this.#open();
        this.#opened = opening;
        // A failed connection is not kept: the next run tries again.
        opening.catch(() => {
          if (this.#opened === opening) this.#opened = undefined;
        });
      }
      return await this.#collect(await this.#opened, tasks, onResult, onFailure);
    } finally {
      this.#running = false;
    }
  }

  async close(): Promise<void> {
    const opened = this.#opened;
    this.#opened = undefined;
    const open = await opened?.catch(() => undefined);
    if (!open) return;
    const { queue, events, clients } = open;
    const graceful = (async () => {
      await events.close();
      await queue.close();
      await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
    })().catch(() => undefined);
    // With Redis gone, closing would wait for it forever: after closeTimeoutMs drop the connections.
    let timer: TimerHandle | undefined;
    const timedOut = await Promise.race([
      graceful.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = this.#clock.setTimer(this.#clock.now() + this.#config.closeTimeoutMs, () => resolve(true));
      }),
    ]);
    timer?.cancel();
    if (timedOut) {
      for (const c of clients) (c as unknown as { disconnect?: () => void }).disconnect?.();
      await Promise.race([graceful, new Promise<void>((resolve) => this.#clock.setTimer(this.#clock.now() + 1_000, () => resolve()))]);
    }
  }

  async #open(): Promise<Open> {
    let bullmq: typeof import('bullmq');
    try {
      bullmq = await import('bullmq');
    } catch (error) {
      throw Object.assign(new UnsupportedError('distributed sweeps need the bullmq package: npm install bullmq ioredis'), { cause: error });
    }
    const connection = this.#config.connection;
    const a = openRedis(connection);
    // QueueEvents blocks on its connection: never the one the queue uses.
    const b = openRedis(connection, { duplicate: true });
    try {
      if (a.owned) await connectRedis(a.client, connection);
      if (b.owned) await connectRedis(b.client, connection);
    } catch (error) {
      for (const c of [a, b]) if (c.owned) (c.client as unknown as { disconnect?: () => void }).disconnect?.();
      throw error;
    }
    const prefix = this.#config.prefix;
    const queue = new bullmq.Queue(this.#config.queue, { connection: a.client as never, ...(prefix ? { prefix } : {}) });
    // Errors of the connection surface through the job checks (redisTimeoutMs); without a listener
    // Node would treat them as unhandled.
    queue.on('error', () => undefined);
    await queue.waitUntilReady();
    // Read the event stream from its current end, fixed now: QueueEvents started with '$' could miss
    // the events of jobs that finish before its first blocking read.
    const lastEventId = await lastStreamId(a.client, `${prefix ?? 'bull'}:${this.#config.queue}:events`);
    const events = new bullmq.QueueEvents(this.#config.queue, {
      connection: b.client as never,
      ...(prefix ? { prefix } : {}),
      ...(lastEventId ? { lastEventId } : {}),
    });
    events.on('error', () => undefined);
    await events.waitUntilReady();
    return { queue, events, clients: [a, b].filter((c) => c.owned).map((c) => c.client), client: a.client };
  }

  #collect(
    open: Open,
    tasks: readonly SweepTask[],
    onResult: ((result: TaskResult) => void) | undefined,
    onFailure: ((failure: TaskFailedError) => void) | undefined,
  ): Promise<TaskResult[]> {
    const { queue, events } = open;
    const config = this.#config;
    const clock = this.#clock;
    const batchId = `${this.sweepId}.${++this.#batch}`;
    const jobId = (task: SweepTask): string => `${batchId}.${task.id}`;
    const indexOf = new Map<string, number>(tasks.map((t, i) => [jobId(t), i]));
    const results = new Array<TaskResult | undefined>(tasks.length);
    /** Job ids of the tasks that have neither a result nor a failure yet. */
    const pending = new Set<string>(indexOf.keys());
    const taskTimers = new Map<string, TimerHandle>();
    let idleTimer: TimerHandle | undefined;
    let checkTimer: TimerHandle | undefined;
    const { taskTimeoutMs, idleTimeoutMs, jobCheckIntervalMs, redisTimeoutMs } = config;
    const keyPrefix = `${config.prefix ?? 'bull'}:${config.queue}:`;
    const where = describeRedis(config.connection);

    return new Promise<TaskResult[]>((resolve, reject) => {
      let settled = false;
      const cleanup = (): void => {
        events.off('completed', onCompleted);
        events.off('failed', onFailed);
        events.off('active', onActive);
        idleTimer?.cancel();
        checkTimer?.cancel();
        for (const t of taskTimers.values()) t.cancel();
      };
      // Best effort, never awaited: with Redis gone it would wait for it.
      const removeJobs = (ids: Iterable<string>): void => {
        for (const id of ids) void queue.remove(id).catch(() => 0);
      };
      const finishIfDone = (): void => {
        if (settled || pending.size > 0) return;
        settled = true;
        cleanup();
        resolve(results.filter((r): r is TaskResult => r !== undefined));
      };
      const taskAt = (id: string): SweepTask | undefined => {
        const i = indexOf.get(id);
        return i === undefined ? undefined : tasks[i];
      };
      /** One task failed: report it and go on, or (without onFailure) reject the run. */
      const failTask = (id: string, reason: TaskFailure, detail: string): void => {
        const task = taskAt(id);
        if (settled || task === undefined || !pending.has(id)) return;
        pending.delete(id);
        taskTimers.get(id)?.cancel();
        const failure = new TaskFailedError(task.id, task.params, reason, redactRedisSecret(detail, config.connection));
        if (!onFailure) {
          settled = true;
          cleanup();
          // Take the rest of this batch off the queue so that workers do not run an abandoned sweep.
          removeJobs(indexOf.keys());
          reject(failure);
          return;
        }
        removeJobs([id]);
        onFailure(failure);
        finishIfDone();
      };
      const failPending = (reason: TaskFailure, detail: (id: string) => string): void => {
        for (const id of [...pending].sort((x, y) => indexOf.get(x)! - indexOf.get(y)!)) failTask(id, reason, detail(id));
      };
      const armIdle = (): void => {
        if (idleTimeoutMs === undefined) return;
        idleTimer?.cancel();
        idleTimer = clock.setTimer(clock.now() + idleTimeoutMs, () =>
          failPending(TaskFailure.TIMEOUT, () => `no task of the batch started or finished for ${idleTimeoutMs} ms: is a worker listening on queue ${JSON.stringify(config.queue)}?`),
        );
      };
      const onActive = ({ jobId: id }: { jobId: string }): void => {
        const task = taskAt(id);
        if (!task || settled || !pending.has(id)) return;
        armIdle();
        if (taskTimeoutMs !== undefined) {
          taskTimers.get(id)?.cancel();
          taskTimers.set(
            id,
            clock.setTimer(clock.now() + taskTimeoutMs, () => failTask(id, TaskFailure.TIMEOUT, `still running after ${taskTimeoutMs} ms`)),
          );
        }
      };
      const onCompleted = ({ jobId: id, returnvalue }: { jobId: string; returnvalue: unknown }): void => {
        const i = indexOf.get(id);
        if (i === undefined || settled || !pending.has(id)) return;
        pending.delete(id);
        taskTimers.get(id)?.cancel();
        const result = decodeTaskResult(returnvalue as WireTaskResult);
        results[i] = result;
        armIdle();
        onResult?.(result);
        finishIfDone();
      };
      const onFailed = ({ jobId: id, failedReason }: { jobId: string; failedReason: string }): void => {
        const { reason, detail } = workerFailure(failedReason);
        failTask(id, reason, `on a BullMQ worker: ${detail}`);
      };

      // Lost jobs and a silent Redis. A pending job whose key is gone on two checks in a row is lost
      // (its completed event would have arrived in between); Redis not answering for redisTimeoutMs
      // fails every pending task.
      let lastAnswer = clock.now();
      let checking = false;
      let missingBefore = new Set<string>();
      const check = async (): Promise<void> => {
        const ids = [...pending];
        if (ids.length === 0) return;
        // Our own client: BullMQ's queue.client rejects for good once its connection has dropped.
        const client = open.client as unknown as { exists(...keys: string[]): Promise<number> };
        const missing = new Set<string>();
        if ((await client.exists(...ids.map((id) => keyPrefix + id))) < ids.length) {
          const found = await Promise.all(ids.map((id) => client.exists(keyPrefix + id)));
          ids.forEach((id, k) => {
            if (found[k] === 0) missing.add(id);
          });
        }
        lastAnswer = clock.now();
        const lost = [...missing].filter((id) => missingBefore.has(id) && pending.has(id));
        missingBefore = missing;
        for (const id of lost.sort((x, y) => indexOf.get(x)! - indexOf.get(y)!))
          failTask(id, TaskFailure.LOST, `job ${id} is no longer in Redis (was Redis restarted without persistence, or the job removed?)`);
      };
      const tick = (): void => {
        if (settled) return;
        if (clock.now() - lastAnswer >= redisTimeoutMs) {
          failPending(TaskFailure.LOST, () => `Redis at ${where} has not answered for ${redisTimeoutMs} ms`);
          return;
        }
        if (!checking) {
          checking = true;
          check()
            .catch(() => undefined)
            .finally(() => (checking = false));
        }
        checkTimer = clock.setTimer(clock.now() + Math.min(jobCheckIntervalMs, redisTimeoutMs), tick);
      };

      events.on('completed', onCompleted);
      events.on('failed', onFailed);
      events.on('active', onActive);
      armIdle();
      // Until the jobs are added there is nothing to check, but Redis must still answer in time.
      checkTimer = clock.setTimer(clock.now() + Math.min(jobCheckIntervalMs, redisTimeoutMs), tick);
      queue
        .addBulk(
          tasks.map((task) => ({
            name: 'backtest',
            data: task,
            opts: { jobId: jobId(task), attempts: config.attempts, removeOnComplete: true, removeOnFail: true },
          })),
        )
        .then(() => {
          lastAnswer = clock.now();
        })
        .catch((error: unknown) => {
          const detail = redactRedisSecret(error instanceof Error ? error.message : String(error), config.connection);
          if (settled) return;
          settled = true;
          cleanup();
          reject(new NetworkError(`cannot add the batch's jobs to queue ${JSON.stringify(config.queue)} at ${where}: ${detail}`));
        });
    });
  }
}

/**
 * A worker's failed reason: `[timeout] …` and `[crash] …` (set by `startBullmqWorker`), BullMQ's
 * stalled-job message, or an error of the task.
 */
function workerFailure(failedReason: string): { reason: TaskFailure; detail: string } {
  const tagged = /^\[(timeout|crash)\] ([\s\S]*)$/.exec(failedReason);
  if (tagged) return { reason: tagged[1] as TaskFailure, detail: tagged[2]! };
  return { reason: /stalled/i.test(failedReason) ? TaskFailure.CRASH : TaskFailure.ERROR, detail: failedReason };
}

/** The id of the last entry of a Redis stream, or undefined when the stream is empty or unreadable. */
async function lastStreamId(client: RedisClientLike, key: string): Promise<string | undefined> {
  const xrevrange = (client as { xrevrange?: (...a: string[]) => Promise<[string, string[]][]> }).xrevrange;
  if (typeof xrevrange !== 'function') return undefined;
  const entries = await xrevrange.call(client, key, '+', '-', 'COUNT', '1');
  return entries[0]?.[0] ?? '0-0';
}
