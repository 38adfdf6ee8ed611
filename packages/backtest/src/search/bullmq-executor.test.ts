/**
 * The BullMQ executor against a real redis-server that the test starts, with two worker PROCESSES
 * (this package's worker entry under tsx, sibling packages from source). Skipped with a reason when
 * redis-server, bullmq or ioredis is missing, unless RXTRADE_REQUIRE_SERVICES=1 (CI), where it fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BullmqExecutor } from './bullmq-executor';
import { sweep, type SweepConfig } from './sweep';
import { TaskFailedError } from './task-failed-error';
import { failingStrategy, googRun, slowStrategy, smallSpace, smaStrategy, wideSpace } from './__fixtures__/goog-run';

const require = createRequire(import.meta.url);
const missing: string[] = [];
if (spawnSync('redis-server', ['--version']).error) missing.push('redis-server is not installed (apt-get install -y redis-server)');
for (const pkg of ['bullmq', 'ioredis']) {
  try {
    require.resolve(pkg);
  } catch {
    missing.push(`the ${pkg} package cannot be resolved`);
  }
}
const required = process.env.RXTRADE_REQUIRE_SERVICES === '1';
const skip = missing.length > 0 && !required;
if (skip) console.warn(`BullmqExecutor tests skipped: ${missing.join('; ')} (set RXTRADE_REQUIRE_SERVICES=1 to fail instead)`);

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const workerMain = fileURLToPath(new URL('./bullmq-worker-bin.ts', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when `child` prints a line matching `pattern`; rejects if it exits first. */
function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (pattern.test(output)) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`${what} exited with code ${String(code)} before it was ready:\n${output}`)));
  });
}

const grid: SweepConfig = { strategy: smaStrategy, space: smallSpace, run: googRun, objective: { metric: 'sharpeRatio' }, method: 'grid' };
const random: SweepConfig = { ...grid, space: wideSpace, method: 'random', samples: 8, seed: 7 };
const genetic: SweepConfig = { ...grid, space: wideSpace, method: 'genetic', seed: 7, genetic: { population: 6, generations: 3 } };

describe.skipIf(skip)(`BullmqExecutor on redis-server with 2 worker processes${skip ? ` (skipped: ${missing.join('; ')})` : ''}`, () => {
  const queue = 'rxtrade-test';
  const children: ChildProcess[] = [];
  const jobLog: (() => string)[] = [];
  let url = '';

  beforeAll(async () => {
    if (missing.length > 0) throw new Error(`RXTRADE_REQUIRE_SERVICES=1 but ${missing.join('; ')}`);
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(redis);
    await waitForLine(redis, /Ready to accept connections/, 'redis-server');
    const workers = [0, 1].map(() => {
      const child = spawn(process.execPath, ['--conditions=@rxtrade/source', '--import', 'tsx', workerMain, '--redis', url, '--queue', queue, '--log-jobs'], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
      jobLog.push(() => out);
      return waitForLine(child, /rxtrade worker ready/, 'worker process');
    });
    await Promise.all(workers);
  });

  afterAll(async () => {
    // Workers first (SIGTERM: they finish the running job and disconnect), then Redis.
    const exited = (c: ChildProcess): Promise<void> => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));
    for (const c of children.slice(1)) c.kill('SIGTERM');
    await Promise.all(children.slice(1).map(exited));
    children[0]?.kill('SIGTERM');
    if (children[0]) await exited(children[0]);
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
      const result = await sweep({ ...grid, space: wideSpace, method: 'random', samples: 24, seed: 3, executor });
      expect(result.results).toHaveLength(24);
      const prefix = `completed ${executor.sweepId}.1.`;
      const counts = (): number[] => jobLog.map((log) => log().split('\n').filter((l) => l.startsWith(prefix)).length);
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

  it('reports a failing task with its id instead of hanging', async () => {
    const executor = new BullmqExecutor({ connection: url, queue, idleTimeoutMs: 30_000 });
    try {
      const error = await sweep({ ...grid, strategy: failingStrategy, space: { fast: smallSpace.fast, slow: { choices: [20] }, failOn: { choices: [6] } }, executor }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskFailedError);
      expect((error as TaskFailedError).taskId).toBe(1);
      expect((error as Error).message).toMatch(/^task 1 \{"fast":6,"slow":20,"failOn":6\} failed \(error\): on a BullMQ worker: deliberate failure for fast=6/);
    } finally {
      await executor.close();
    }
  });

  it('fails with a timeout naming the first pending task when no worker listens', async () => {
    const executor = new BullmqExecutor({ connection: url, queue: 'nobody-listens', idleTimeoutMs: 300 });
    try {
      const error = await sweep({ ...grid, executor }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskFailedError);
      expect((error as TaskFailedError).taskId).toBe(0);
      expect((error as TaskFailedError).reason).toBe('timeout');
      expect((error as Error).message).toMatch(/is a worker listening on queue "nobody-listens"/);
    } finally {
      await executor.close();
    }
  });

  it('fails a task that runs longer than the task timeout, naming it', async () => {
    const executor = new BullmqExecutor({ connection: url, queue, taskTimeoutMs: 200, idleTimeoutMs: 30_000 });
    try {
      const error = await sweep({ ...grid, strategy: slowStrategy, space: { fast: { choices: [5] }, slow: { choices: [20] }, busyMs: { choices: [1500] } }, executor }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskFailedError);
      expect((error as TaskFailedError).taskId).toBe(0);
      expect((error as TaskFailedError).reason).toBe('timeout');
      expect((error as Error).message).toMatch(/^task 0 \{"fast":5,"slow":20,"busyMs":1500\} failed \(timeout\): still running after 200 ms/);
    } finally {
      await executor.close();
    }
  });
});
