/**
 * The BullMQ executor and workers when things go wrong, against real redis-server and worker processes:
 * a worker killed mid-job, a task stuck in an endless loop on a worker, Redis restarted without
 * persistence (every job lost), and Redis gone. Skipped with a reason when redis-server, bullmq or
 * ioredis is missing, unless RXTRADE_REQUIRE_SERVICES=1.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BullmqExecutor } from './bullmq-executor';
import { BullmqWorkerConfigSchema } from './bullmq-worker';
import { openRedis, type RedisClientLike } from './redis-connection';
import { sweep, type SweepConfig } from './sweep';
import { googRun, hangingStrategy, slowStrategy, smaStrategy } from './__fixtures__/goog-run';
import { missingServices, startRedis, startWorkerProcess, stopWorkers, type TestRedis, type TestWorker } from './__fixtures__/redis-server';

const missing = missingServices();
const skip = missing.length > 0 && process.env.RXTRADE_REQUIRE_SERVICES !== '1';

const base: SweepConfig = { strategy: smaStrategy, space: { fast: { choices: [5] }, slow: { choices: [20] } }, run: googRun, objective: { metric: 'sharpeRatio' } };

describe('BullMQ worker defaults', () => {
  it('recover a killed worker\'s job within a minute (lock expiry plus one stalled check)', () => {
    const d = BullmqWorkerConfigSchema.parse({ connection: 'redis://localhost:6379' });
    expect(d.stalledIntervalMs).toBeLessThan(d.lockDurationMs);
    expect(d.lockDurationMs + d.stalledIntervalMs).toBeLessThanOrEqual(60_000);
    expect(d.maxStalledCount).toBeGreaterThanOrEqual(1);
    expect(d.taskTimeoutMs).toBe(600_000);
  });
});

describe.skipIf(skip)(`BullMQ failures on redis-server${skip ? ` (skipped: ${missing.join('; ')})` : ''}`, () => {
  let redis: TestRedis;
  let url = '';
  const workers: TestWorker[] = [];
  let probe: RedisClientLike | undefined;

  beforeAll(async () => {
    if (missing.length > 0) throw new Error(`RXTRADE_REQUIRE_SERVICES=1 but ${missing.join('; ')}`);
    redis = await startRedis();
    url = `redis://127.0.0.1:${redis.port}`;
  });
  afterEach(async () => {
    await stopWorkers(workers.splice(0));
    await probe?.quit().catch(() => undefined);
    probe = undefined;
  });
  afterAll(async () => {
    if (redis.process.exitCode === null && redis.process.signalCode === null) await redis.stop();
  });

  /** Resolves once `count` jobs of `queue` wait in Redis. */
  async function jobsWaiting(queue: string, count: number): Promise<void> {
    probe ??= openRedis(url).client;
    const c = probe as unknown as { llen(key: string): Promise<number> };
    for (let i = 0; i < 200 && (await c.llen(`bull:${queue}:wait`)) < count; i++) await new Promise((r) => setTimeout(r, 25));
  }

  it('runs the job of a worker killed in the middle of it again, whole, on the other worker', async () => {
    const queue = 'recovery';
    const flags = ['--redis', url, '--queue', queue, '--log-jobs', '--lock-duration', '2000', '--stalled-interval', '1000'];
    workers.push(...(await Promise.all([startWorkerProcess(flags), startWorkerProcess(flags)])));
    // One job of two tasks of 1.2 s each.
    const executor = new BullmqExecutor({ connection: url, queue, idleTimeoutMs: 30_000, tasksPerJob: 2 });
    try {
      const space = { fast: { choices: [5, 6] }, slow: { choices: [20] }, busyMs: { choices: [1200] } };
      const running = sweep({ ...base, strategy: slowStrategy, space, executor });
      // Kill whichever worker took the job, while it runs its second task.
      let victim: TestWorker | undefined;
      for (let i = 0; i < 400 && victim === undefined; i++) {
        victim = workers.find((w) => /^active /m.test(w.output()));
        if (victim === undefined) await new Promise((r) => setTimeout(r, 25));
      }
      expect(victim).toBeDefined();
      await new Promise((r) => setTimeout(r, 1500));
      const killedAt = performance.now();
      victim!.process.kill('SIGKILL');
      const result = await running;
      expect(result.failures).toEqual([]);
      expect(result.results.map((r) => r.id)).toEqual([0, 1]);
      // Lock (2 s) + stalled check (1 s) + the job again (2.4 s), with room for a busy machine.
      expect(performance.now() - killedAt).toBeLessThan(15_000);
      const survivor = workers.find((w) => w !== victim)!;
      // Its log line can reach us just after the coordinator has the result.
      await vi.waitFor(() => expect(survivor.output()).toMatch(new RegExp(`^completed ${executor.sweepId}\\.1\\.0-1$`, 'm')), { timeout: 5000 });
    } finally {
      await executor.close();
    }
  }, 30_000);

  it('terminates a task stuck in an endless loop on a worker after the worker\'s task timeout', async () => {
    const queue = 'stuck';
    workers.push(await startWorkerProcess(['--redis', url, '--queue', queue, '--task-timeout', '1500']));
    const executor = new BullmqExecutor({ connection: url, queue, idleTimeoutMs: 30_000 });
    try {
      const result = await sweep({ ...base, strategy: hangingStrategy, space: { fast: { choices: [5, 6, 7] }, slow: { choices: [20] }, hangOn: { choices: [6] } }, executor });
      expect(result.results.map((r) => r.id)).toEqual([0, 2]);
      expect(result.failures).toEqual([{ id: 1, params: { fast: 6, slow: 20, hangOn: 6 }, reason: 'timeout', error: 'on a BullMQ worker: no result after 1500 ms: the worker thread was terminated' }]);
      // The same with the three tasks in one job: the stuck one fails alone.
      const batched = new BullmqExecutor({ connection: url, queue, idleTimeoutMs: 30_000, tasksPerJob: 3 });
      try {
        const again = await sweep({ ...base, strategy: hangingStrategy, space: { fast: { choices: [5, 6, 7] }, slow: { choices: [20] }, hangOn: { choices: [6] } }, executor: batched });
        expect(again.results.map((r) => r.id)).toEqual([0, 2]);
        expect(again.failures).toEqual(result.failures);
      } finally {
        await batched.close();
      }
    } finally {
      await executor.close();
    }
  }, 30_000);

  it('notices that Redis restarted and lost the jobs, instead of waiting forever', async () => {
    const queue = 'restarted';
    const executor = new BullmqExecutor({ connection: url, queue, idleTimeoutMs: 600_000, jobCheckIntervalMs: 300 });
    try {
      const running = sweep({ ...base, space: { fast: { choices: [5, 6, 7] }, slow: { choices: [20] } }, executor });
      await jobsWaiting(queue, 3);
      await probe?.quit();
      probe = undefined;
      const restartedAt = performance.now();
      await redis.kill();
      await redis.restart();
      const result = await running;
      expect(performance.now() - restartedAt).toBeLessThan(10_000);
      expect(result.results).toEqual([]);
      expect(result.failures.map((f) => [f.id, f.reason])).toEqual([
        [0, 'lost'],
        [1, 'lost'],
        [2, 'lost'],
      ]);
      expect(result.failures[0]!.error).toMatch(/job .* is no longer in Redis \(was Redis restarted without persistence, or the job removed\?\)/);
      // The executor works again on the restarted Redis.
      workers.push(await startWorkerProcess(['--redis', url, '--queue', queue]));
      expect((await sweep({ ...base, executor })).results).toHaveLength(1);
    } finally {
      await executor.close();
    }
  }, 30_000);

  it('fails the pending tasks when Redis does not answer for redisTimeoutMs, and closes', async () => {
    const queue = 'gone';
    const executor = new BullmqExecutor({ connection: url, queue, idleTimeoutMs: 600_000, jobCheckIntervalMs: 200, redisTimeoutMs: 1500 });
    try {
      const running = sweep({ ...base, space: { fast: { choices: [5, 6] }, slow: { choices: [20] } }, executor });
      await jobsWaiting(queue, 2);
      await probe?.quit();
      probe = undefined;
      const killedAt = performance.now();
      await redis.kill();
      const result = await running;
      expect(performance.now() - killedAt).toBeLessThan(8_000);
      expect(result.failures.map((f) => f.reason)).toEqual(['lost', 'lost']);
      expect(result.failures[0]!.error).toMatch(new RegExp(`Redis at redis://127\\.0\\.0\\.1:${redis.port} has not answered for 1500 ms`));
    } finally {
      const closing = performance.now();
      await executor.close();
      expect(performance.now() - closing).toBeLessThan(8_000);
      await redis.restart();
    }
  }, 30_000);
});
