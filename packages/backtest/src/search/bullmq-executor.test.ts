/**
 * The BullMQ executor against a real redis-server that the test starts, with two worker PROCESSES
 * (this package's worker entry under tsx, sibling packages from source). Skipped with a reason when
 * redis-server, bullmq or ioredis is missing, unless RXTRADE_REQUIRE_SERVICES=1 (CI), where it fails.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BullmqExecutor } from './bullmq-executor';
import { sweep, type SweepConfig } from './sweep';
import { TaskFailedError } from './task-failed-error';
import { failingStrategy, googRun, slowStrategy, smallSpace, smaStrategy, wideSpace } from './__fixtures__/goog-run';
import { missingServices, startRedis, startWorkerProcess, stopWorkers, type TestRedis, type TestWorker } from './__fixtures__/redis-server';

const missing = missingServices();
const required = process.env.RXTRADE_REQUIRE_SERVICES === '1';
const skip = missing.length > 0 && !required;
if (skip) console.warn(`BullmqExecutor tests skipped: ${missing.join('; ')} (set RXTRADE_REQUIRE_SERVICES=1 to fail instead)`);

const grid: SweepConfig = { strategy: smaStrategy, space: smallSpace, run: googRun, objective: { metric: 'sharpeRatio' }, method: 'grid' };
const random: SweepConfig = { ...grid, space: wideSpace, method: 'random', samples: 8, seed: 7 };
const genetic: SweepConfig = { ...grid, space: wideSpace, method: 'genetic', seed: 7, genetic: { population: 6, generations: 3 } };

describe.skipIf(skip)(`BullmqExecutor on redis-server with 2 worker processes${skip ? ` (skipped: ${missing.join('; ')})` : ''}`, () => {
  const queue = 'rxtrade-test';
  let redis: TestRedis | undefined;
  const workers: TestWorker[] = [];
  const jobLog: (() => string)[] = [];
  let url = '';

  beforeAll(async () => {
    if (missing.length > 0) throw new Error(`RXTRADE_REQUIRE_SERVICES=1 but ${missing.join('; ')}`);
    redis = await startRedis();
    url = `redis://127.0.0.1:${redis.port}`;
    workers.push(...(await Promise.all([0, 1].map(() => startWorkerProcess(['--redis', url, '--queue', queue, '--log-jobs'])))));
    for (const w of workers) jobLog.push(w.output);
  });

  afterAll(async () => {
    // Workers first (SIGTERM: they finish the running job and disconnect), then Redis.
    await stopWorkers(workers);
    await redis?.stop();
  });

  it.each([
    ['grid', grid],
    ['random', random],
    ['genetic', genetic],
  ])('gives the same ranked %s sweep on 2 BullMQ worker processes as in-process', async (_name, config) => {
    const executor = new BullmqExecutor({ connection: url, queue, idleTimeoutMs: 30_000 });
    try {
      const inProcess = await sweep(config);
      const distributed = await sweep({ ...config, executor });
      expect(distributed.results.length).toBeGreaterThanOrEqual(8);
      expect(distributed.ranked).toEqual(inProcess.ranked);
      expect(distributed.results).toEqual(inProcess.results);
    } finally {
      await executor.close();
    }
  });

  it('shares one sweep between both worker processes', async () => {
    const executor = new BullmqExecutor({ connection: url, queue, idleTimeoutMs: 30_000 });
    try {
      // Tasks of 100 ms: long enough that the second worker wakes before the first has taken every job.
      const result = await sweep({ ...grid, strategy: slowStrategy, space: { ...wideSpace, busyMs: { choices: [100] } }, method: 'random', samples: 24, seed: 3, executor });
      expect(result.results).toHaveLength(24);
      const prefix = `completed ${executor.sweepId}.1.`;
      // Job ids end in the task id, or in the first and last task ids of a job of several tasks.
      const tasksOf = (line: string): number => {
        const [a, b] = line.slice(prefix.length).split('-').map(Number);
        return b === undefined ? 1 : b - a! + 1;
      };
      const counts = (): number[] => jobLog.map((log) => log().split('\n').filter((l) => l.startsWith(prefix)).reduce((n, l) => n + tasksOf(l), 0));
      // A worker's log line can reach us just after the coordinator has the job's result.
      await vi.waitFor(() => expect(counts()[0]! + counts()[1]!).toBe(24), { timeout: 5000 });
      expect(counts()[0]).toBeGreaterThan(0);
      expect(counts()[1]).toBeGreaterThan(0);
    } finally {
      await executor.close();
    }
  });

  it('accepts an existing Redis client as its connection and leaves it open', async () => {
    const { openRedis } = await import('./redis-connection');
    const { client } = openRedis(url);
    const executor = new BullmqExecutor({ connection: client, queue, idleTimeoutMs: 30_000 });
    try {
      expect((await sweep({ ...grid, executor })).ranked).toEqual((await sweep(grid)).ranked);
      await executor.close();
      expect(await (client as unknown as { ping(): Promise<string> }).ping()).toBe('PONG');
    } finally {
      await client.quit();
    }
  });

  it('keeps the completed results and lists a failing task with its parameters', async () => {
    const executor = new BullmqExecutor({ connection: url, queue, idleTimeoutMs: 30_000 });
    try {
      const result = await sweep({ ...grid, strategy: failingStrategy, space: { fast: smallSpace.fast, slow: { choices: [20] }, failOn: { choices: [6] } }, executor });
      expect(result.results.map((r) => r.id)).toEqual([0, 2, 3]);
      expect(result.failures).toEqual([{ id: 1, params: { fast: 6, slow: 20, failOn: 6 }, reason: 'error', error: 'on a BullMQ worker: deliberate failure for fast=6' }]);
      const failFast = await sweep({ ...grid, strategy: failingStrategy, space: { fast: smallSpace.fast, slow: { choices: [20] }, failOn: { choices: [6] } }, executor, failFast: true }).catch((e: unknown) => e);
      expect(failFast).toBeInstanceOf(TaskFailedError);
      expect((failFast as Error).message).toMatch(/^task 1 \{"fast":6,"slow":20,"failOn":6\} failed \(error\): on a BullMQ worker: deliberate failure for fast=6/);
    } finally {
      await executor.close();
    }
  });

  it('runs several tasks per job with the same results, and a failing task of a job fails alone', async () => {
    const executor = new BullmqExecutor({ connection: url, queue, idleTimeoutMs: 30_000, tasksPerJob: 4 });
    try {
      expect((await sweep({ ...grid, executor })).results).toEqual((await sweep(grid)).results);
      const space = { fast: { min: 5, max: 12, integer: true }, slow: { choices: [20] }, failOn: { choices: [6] } };
      const result = await sweep({ ...grid, strategy: failingStrategy, space, executor });
      expect(result.results.map((r) => r.id)).toEqual([0, 2, 3, 4, 5, 6, 7]);
      expect(result.failures).toEqual([{ id: 1, params: { fast: 6, slow: 20, failOn: 6 }, reason: 'error', error: 'on a BullMQ worker: deliberate failure for fast=6' }]);
    } finally {
      await executor.close();
    }
  });

  it('times each task of a job from its own start (the worker reports its progress)', async () => {
    const executor = new BullmqExecutor({ connection: url, queue, taskTimeoutMs: 1500, idleTimeoutMs: 30_000, tasksPerJob: 3 });
    try {
      // One job of three tasks of 800 ms each: 2.4 s for the job, each task well within 1.5 s.
      const space = { fast: { choices: [5, 6, 7] }, slow: { choices: [20] }, busyMs: { choices: [800] } };
      const result = await sweep({ ...grid, strategy: slowStrategy, space, executor });
      expect(result.failures).toEqual([]);
      expect(result.results.map((r) => r.id)).toEqual([0, 1, 2]);
    } finally {
      await executor.close();
    }
  });

  it('fails with a timeout naming the first pending task when no worker listens', async () => {
    const executor = new BullmqExecutor({ connection: url, queue: 'nobody-listens', idleTimeoutMs: 300 });
    try {
      const error = await sweep({ ...grid, executor, failFast: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskFailedError);
      expect((error as TaskFailedError).taskId).toBe(0);
      expect((error as TaskFailedError).reason).toBe('timeout');
      expect((error as Error).message).toMatch(/is a worker listening on queue "nobody-listens"/);
      const kept = await sweep({ ...grid, executor });
      expect(kept.results).toEqual([]);
      expect(kept.failures).toHaveLength(12);
      expect(kept.failures.every((f) => f.reason === 'timeout')).toBe(true);
    } finally {
      await executor.close();
    }
  });

  it('fails a task that runs longer than the task timeout, naming it', async () => {
    const executor = new BullmqExecutor({ connection: url, queue, taskTimeoutMs: 200, idleTimeoutMs: 30_000 });
    try {
      const error = await sweep({ ...grid, strategy: slowStrategy, space: { fast: { choices: [5] }, slow: { choices: [20] }, busyMs: { choices: [1500] } }, executor, failFast: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskFailedError);
      expect((error as TaskFailedError).taskId).toBe(0);
      expect((error as TaskFailedError).reason).toBe('timeout');
      expect((error as Error).message).toMatch(/^task 0 \{"fast":5,"slow":20,"busyMs":1500\} failed \(timeout\): still running after 200 ms/);
    } finally {
      await executor.close();
    }
  });
});
