/**
 * Runs sweep tasks on a BullMQ queue in Redis, so that workers on any number of hosts share a sweep
 * (start them with `startBullmqWorker` or `rxtrade worker`). The coordinator enqueues the tasks of a
 * batch as jobs of one or more consecutive tasks (`tasksPerJob`; by default large jobs first, single
 * tasks at the end), with ids `<sweepId>.<batch>.<taskId>` or `<sweepId>.<batch>.<firstId>-<lastId>`
 * (BullMQ forbids ':' in job ids), collects the return values from the queue's event stream, and
 * returns the results in task order. A job of several tasks is one unit for BullMQ (a worker that dies
 * mid-job has the whole job run again elsewhere) but its tasks succeed or fail one by one.
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
import { BatchSizeSchema, batchSizes } from './batching';
import { decodeTaskResult, isBatchReturn, type BatchJobData, type BatchOutcome, type BatchReturn, type WireTaskResult } from './task-result-wire';
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
 * With `tasksPerJob: 'auto'`, a job takes 1/AUTO_JOB_SHARE of each listening worker's share of the
 * tasks left (the whole share, where a worker thread pool's messages take a quarter): a job costs
 * Redis round trips, a return value to encode and decode and events to read, so fewer, larger jobs
 * pay. Measured with 2 workers, alternating in one script: half shares took 15% less time a sweep than
 * quarter shares on the GOOG grid (4% on the S&P 500 grid), and whole shares 15% less than half
 * shares on the GOOG grid (medians 110 against 130 ms) and 9-20% less on the S&P 500 grid.
 */
const AUTO_JOB_SHARE = 1;

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
    /**
     * Tasks per job: `'auto'` (default) puts several consecutive tasks in each job, each listening
     * worker's share of what is left (at most 64), so the jobs shrink to single tasks towards the
     * end of a batch; a number fixes it (1: a job per task). A job's tasks run one after another on one
     * worker, which returns their results (and failures) together; a failing task fails alone.
     */
    tasksPerJob: BatchSizeSchema,
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

  /** How many workers listen on the queue now (1 when Redis does not say within a second). */
  async #workersListening(queue: Queue): Promise<number> {
    let timer: TimerHandle | undefined;
    const count = await Promise.race([
      queue.getWorkersCount().catch(() => 1),
      new Promise<number>((resolve) => {
        timer = this.#clock.setTimer(this.#clock.now() + Math.min(1_000, this.#config.redisTimeoutMs), () => resolve(1));
      }),
    ]);
    timer?.cancel();
    return Math.max(1, count);
  }

  async #collect(
    open: Open,
    tasks: readonly SweepTask[],
    onResult: ((result: TaskResult) => void) | undefined,
    onFailure: ((failure: TaskFailedError) => void) | undefined,
  ): Promise<TaskResult[]> {
    const { queue, events } = open;
    const config = this.#config;
    const clock = this.#clock;
    const batchId = `${this.sweepId}.${++this.#batch}`;
    const { taskTimeoutMs, idleTimeoutMs, jobCheckIntervalMs, redisTimeoutMs } = config;
    // The workers listening now set the batch sizes of 'auto' (at least 1: workers may come later).
    const listening = config.tasksPerJob === 'auto' ? await this.#workersListening(queue) : 1;
    /** The jobs of this batch: consecutive tasks, by job id. */
    const jobs = new Map<string, { readonly first: number; readonly count: number }>();
    /** Task index to its job id. */
    const jobOf: string[] = [];
    const bulk: { name: string; data: SweepTask | BatchJobData; opts: Record<string, unknown> }[] = [];
    const jobOpts = { attempts: config.attempts, removeOnComplete: true, removeOnFail: true };
    let first = 0;
    for (const count of batchSizes(tasks.length, listening, config.tasksPerJob, AUTO_JOB_SHARE)) {
      const a = tasks[first]!;
      const id = count === 1 ? `${batchId}.${a.id}` : `${batchId}.${a.id}-${tasks[first + count - 1]!.id}`;
      jobs.set(id, { first, count });
      for (let k = 0; k < count; k++) jobOf.push(id);
      const data: SweepTask | BatchJobData =
        count === 1 ? a : { tasks: tasks.slice(first, first + count), ...(taskTimeoutMs !== undefined ? { progress: true } : {}) };
      bulk.push({ name: 'backtest', data, opts: { ...jobOpts, jobId: id } });
      first += count;
    }
    const results = new Array<TaskResult | undefined>(tasks.length);
    /** Indices of the tasks that have neither a result nor a failure yet. */
    const pending = new Set<number>(tasks.keys());
    const taskTimers = new Map<string, TimerHandle>();
    let idleTimer: TimerHandle | undefined;
    let checkTimer: TimerHandle | undefined;
    const keyPrefix = `${config.prefix ?? 'bull'}:${config.queue}:`;
    const where = describeRedis(config.connection);
    const jobPending = (id: string): boolean => {
      const job = jobs.get(id)!;
      for (let i = job.first; i < job.first + job.count; i++) if (pending.has(i)) return true;
      return false;
    };

    return new Promise<TaskResult[]>((resolve, reject) => {
      let settled = false;
      const cleanup = (): void => {
        events.off('completed', onCompleted);
        events.off('failed', onFailed);
        events.off('active', onActive);
        events.off('progress', onProgress);
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
      /** One task failed: report it and go on, or (without onFailure) reject the run. */
      const failTask = (i: number, reason: TaskFailure, detail: string): void => {
        const task = tasks[i];
        if (settled || task === undefined || !pending.has(i)) return;
        pending.delete(i);
        const id = jobOf[i]!;
        const failure = new TaskFailedError(task.id, task.params, reason, redactRedisSecret(detail, config.connection));
        if (!onFailure) {
          settled = true;
          cleanup();
          // Take the rest of this batch off the queue so that workers do not run an abandoned sweep.
          removeJobs(jobs.keys());
          reject(failure);
          return;
        }
        if (!jobPending(id)) {
          taskTimers.get(id)?.cancel();
          removeJobs([id]);
        }
        onFailure(failure);
        finishIfDone();
      };
      /** Every pending task of a job fails, in task order. */
      const failJob = (id: string, reason: TaskFailure, detail: string): void => {
        const job = jobs.get(id);
        if (job === undefined) return;
        for (let i = job.first; i < job.first + job.count; i++) failTask(i, reason, detail);
      };
      const failPending = (reason: TaskFailure, detail: (id: string) => string): void => {
        for (const i of [...pending].sort((x, y) => x - y)) failTask(i, reason, detail(jobOf[i]!));
      };
      const armIdle = (): void => {
        if (idleTimeoutMs === undefined) return;
        idleTimer?.cancel();
        idleTimer = clock.setTimer(clock.now() + idleTimeoutMs, () =>
          failPending(TaskFailure.TIMEOUT, () => `no task of the batch started or finished for ${idleTimeoutMs} ms: is a worker listening on queue ${JSON.stringify(config.queue)}?`),
        );
      };
      /** Task `k` of job `id` has started on a worker: it fails after taskTimeoutMs without a result. */
      const armTask = (id: string, k: number): void => {
        taskTimers.get(id)?.cancel();
        taskTimers.delete(id);
        const job = jobs.get(id)!;
        const i = job.first + k;
        if (taskTimeoutMs === undefined || k >= job.count || !pending.has(i)) return;
        taskTimers.set(
          id,
          clock.setTimer(clock.now() + taskTimeoutMs, () => failTask(i, TaskFailure.TIMEOUT, `still running after ${taskTimeoutMs} ms`)),
        );
      };
      const onActive = ({ jobId: id }: { jobId: string }): void => {
        if (settled || !jobs.has(id) || !jobPending(id)) return;
        armIdle();
        // A job taken again after its worker died starts again from its first task.
        armTask(id, 0);
      };
      // A worker running a job of several tasks reports how many it has finished (only when this
      // executor has a task timeout): the next one has started.
      const onProgress = ({ jobId: id, data }: { jobId: string; data: unknown }): void => {
        if (settled || !jobs.has(id) || typeof data !== 'number') return;
        armIdle();
        armTask(id, data);
      };
      const onCompleted = ({ jobId: id, returnvalue }: { jobId: string; returnvalue: unknown }): void => {
        const job = jobs.get(id);
        if (job === undefined || settled || !jobPending(id)) return;
        taskTimers.get(id)?.cancel();
        taskTimers.delete(id);
        armIdle();
        const outcomes: readonly BatchOutcome[] = job.count === 1 && !isBatchReturn(returnvalue) ? [{ result: returnvalue as WireTaskResult }] : (returnvalue as BatchReturn).outcomes;
        for (let k = 0; k < job.count && !settled; k++) {
          const i = job.first + k;
          if (!pending.has(i)) continue;
          const outcome = outcomes[k];
          if (outcome === undefined) {
            failTask(i, TaskFailure.ERROR, `on a BullMQ worker: job ${id} returned no outcome for this task`);
          } else if ('failure' in outcome) {
            failTask(i, outcome.failure.reason, `on a BullMQ worker: ${outcome.failure.detail}`);
          } else {
            pending.delete(i);
            const result = decodeTaskResult(outcome.result);
            results[i] = result;
            onResult?.(result);
          }
        }
        finishIfDone();
      };
      const onFailed = ({ jobId: id, failedReason }: { jobId: string; failedReason: string }): void => {
        if (!jobs.has(id)) return;
        const { reason, detail } = workerFailure(failedReason);
        failJob(id, reason, `on a BullMQ worker: ${detail}`);
      };

      // Lost jobs and a silent Redis. A pending job whose key is gone on two checks in a row is lost
      // (its completed event would have arrived in between); Redis not answering for redisTimeoutMs
      // fails every pending task.
      let lastAnswer = clock.now();
      let checking = false;
      let missingBefore = new Set<string>();
      const check = async (): Promise<void> => {
        const ids = [...jobs.keys()].filter(jobPending);
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
        const lost = [...missing].filter((id) => missingBefore.has(id) && jobPending(id));
        missingBefore = missing;
        for (const id of lost.sort((x, y) => jobs.get(x)!.first - jobs.get(y)!.first))
          failJob(id, TaskFailure.LOST, `job ${id} is no longer in Redis (was Redis restarted without persistence, or the job removed?)`);
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
      events.on('progress', onProgress);
      armIdle();
      // Until the jobs are added there is nothing to check, but Redis must still answer in time.
      checkTimer = clock.setTimer(clock.now() + Math.min(jobCheckIntervalMs, redisTimeoutMs), tick);
      queue
        .addBulk(bulk)
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
