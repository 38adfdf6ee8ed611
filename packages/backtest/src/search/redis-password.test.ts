/**
 * The Redis password never reaches an output: CLI stdout and stderr, result files, error messages, the
 * JSON or inspection of executors and workers, and the job payloads in Redis. Runs against a real
 * redis-server with `requirepass` (skipped with a reason when it or bullmq/ioredis is missing, unless
 * RXTRADE_REQUIRE_SERVICES=1); the masking itself is checked without one.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClock } from '@rxtrade/core';
import { main } from '../cli/main';
import { makeExecutor } from '../cli/sweep-executor';
import { BullmqExecutor } from './bullmq-executor';
import { startBullmqWorker } from './bullmq-worker';
import { maskRedisUrl, describeRedis } from './redis-connection';
import { googRun, smaStrategy } from './__fixtures__/goog-run';
import { missingServices, startRedis, type TestRedis } from './__fixtures__/redis-server';

const SECRET = 's3cr3t-Pw-42';
const missing = missingServices();
const skip = missing.length > 0 && process.env.RXTRADE_REQUIRE_SERVICES !== '1';
const sweepFixture = fileURLToPath(new URL('../cli/__fixtures__/sweep.json', import.meta.url));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (t: string) => (stdout += t), isTTY: false }, stderr: { write: (t: string) => (stderr += t), isTTY: false }, clock: new LiveClock() });
  return { code, stdout, stderr };
}

describe('Redis URL masking', () => {
  it('replaces the password with *** and keeps the rest', () => {
    expect(maskRedisUrl(`redis://user:${SECRET}@host:6379`)).toBe('redis://user:***@host:6379');
    expect(maskRedisUrl(`rediss://:${SECRET}@redis.internal:6380/2`)).toBe('rediss://:***@redis.internal:6380/2');
    expect(maskRedisUrl('redis://host:6379')).toBe('redis://host:6379');
    expect(maskRedisUrl('redis://user@host:6379')).toBe('redis://user@host:6379');
    expect(maskRedisUrl(`redis://u:p@ss:${SECRET}@host:6379`)).toBe('redis://u:***@host:6379');
    expect(maskRedisUrl(`redis://host:6379/0?password=${SECRET}&db=1`)).toBe('redis://host:6379/0?password=***&db=1');
    expect(describeRedis(`redis://user:${SECRET}@host:6379/0`)).toBe('redis://user:***@host:6379/0');
    expect(describeRedis({ host: 'h', port: 7000, password: SECRET })).toBe('h:7000');
  });

  it('keeps the password out of the JSON and the inspection of an executor and of the CLI label', async () => {
    const url = `redis://user:${SECRET}@127.0.0.1:6379`;
    const executor = new BullmqExecutor({ connection: url });
    const options = new BullmqExecutor({ connection: { host: 'h', password: SECRET } });
    for (const text of [JSON.stringify(executor), inspect(executor, { depth: 10, showHidden: true }), JSON.stringify(options), inspect(options, { depth: 10, showHidden: true })]) {
      expect(text).not.toContain(SECRET);
    }
    expect(JSON.stringify(executor)).toContain('redis://user:***@127.0.0.1:6379');
    const { label } = await makeExecutor(undefined, url, 'q');
    expect(label).toBe('BullMQ queue q at redis://user:***@127.0.0.1:6379');
  });

  it('keeps the password out of connection errors and of the worker command', async () => {
    const error = await new BullmqExecutor({ connection: `redis://u:${SECRET}@127.0.0.1:1` }).run([{ id: 0, strategy: smaStrategy, params: {}, run: null }]).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^cannot reach Redis at redis:\/\/u:\*\*\*@127\.0\.0\.1:1/);
    expect(inspect(error)).not.toContain(SECRET);
    const worker = await cli(['worker', '--redis', `redis://u:${SECRET}@127.0.0.1:1`]);
    expect(worker.code).not.toBe(0);
    expect(worker.stderr).toMatch(/redis:\/\/u:\*\*\*@127\.0\.0\.1:1/);
    expect(worker.stdout + worker.stderr).not.toContain(SECRET);
    const bad = await cli(['sweep', '--config', sweepFixture, '--redis', `http://u:${SECRET}@127.0.0.1:1`]);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).not.toContain(SECRET);
  });
});

describe.skipIf(skip)(`the Redis password on a real redis-server${skip ? ` (skipped: ${missing.join('; ')})` : ''}`, () => {
  let redis: TestRedis;
  let url = '';
  const work = mkdtempSync(join(tmpdir(), 'rxtrade-redis-password-'));

  beforeAll(async () => {
    redis = await startRedis(['--requirepass', SECRET]);
    url = `redis://default:${SECRET}@127.0.0.1:${redis.port}`;
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('never prints or writes it: CLI output, result file, job payloads, worker handle, wrong-password error', async () => {
    const queue = 'masked';
    // Job payloads as they sit in Redis, before any worker takes them.
    const executor = new BullmqExecutor({ connection: url, queue, idleTimeoutMs: 60_000 });
    const running = executor.run([{ id: 0, strategy: smaStrategy, params: { fast: 5, slow: 20 }, run: googRun }]);
    const { Queue } = await import('bullmq');
    const { openRedis } = await import('./redis-connection');
    const { client } = openRedis(url);
    const q = new Queue(queue, { connection: client as never });
    let jobs: unknown[] = [];
    for (let i = 0; i < 200 && jobs.length === 0; i++) {
      jobs = await q.getJobs(['waiting']);
      if (jobs.length === 0) await new Promise((r) => setTimeout(r, 25));
    }
    expect(jobs).toHaveLength(1);
    expect(JSON.stringify(jobs)).not.toContain(SECRET);

    const worker = await startBullmqWorker({ connection: url, queue });
    try {
      expect(inspect(worker, { depth: 10, showHidden: true })).not.toContain(SECRET);
      expect(JSON.stringify(worker)).not.toContain(SECRET);
      expect(await running).toHaveLength(1);
      const out = join(work, 'result.json');
      const json = await cli(['sweep', '--config', sweepFixture, '--redis', url, '--queue', queue, '--json', '--out', out]);
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout).executor).toBe(`BullMQ queue ${queue} at redis://default:***@127.0.0.1:${redis.port}`);
      const text = await cli(['sweep', '--config', sweepFixture, '--redis', url, '--queue', queue]);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain('redis://default:***@');
      for (const output of [json.stdout, json.stderr, text.stdout, text.stderr, readFileSync(out, 'utf8')]) expect(output).not.toContain(SECRET);
    } finally {
      await worker.close();
      await executor.close();
      await q.close();
      await client.quit();
    }

    const wrong = await new BullmqExecutor({ connection: `redis://default:wrong-${SECRET}@127.0.0.1:${redis.port}`, queue }).run([{ id: 0, strategy: smaStrategy, params: {}, run: googRun }]).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(Error);
    expect(inspect(wrong)).not.toContain(SECRET);
    expect((wrong as Error).message).toContain('redis://default:***@127.0.0.1');
  }, 60_000);
});
