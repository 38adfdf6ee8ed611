import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { NetworkError, ValidationError } from '@rxtrade/core';
import { BullmqExecutor } from './bullmq-executor';
import { startBullmqWorker } from './bullmq-worker';
import { describeRedis } from './redis-connection';

const hasClient = ['bullmq', 'ioredis'].every((pkg) => {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
});
const skipClient = !hasClient && process.env.RXTRADE_REQUIRE_SERVICES !== '1';

describe('BullMQ executor and worker config', () => {
  it('names a bad connection, queue or timeout without connecting', async () => {
    expect(() => new BullmqExecutor({ connection: 'http://localhost:6379' })).toThrow(ValidationError);
    expect(() => new BullmqExecutor({ connection: 'redis://localhost:6379', queue: 'a:b' })).toThrow(/executor\.queue: must not contain ":"/);
    expect(() => new BullmqExecutor({ connection: 'redis://localhost:6379', idleTimeoutMs: 0 })).toThrow(/executor\.idleTimeoutMs/);
    expect(() => new BullmqExecutor({ connection: 'redis://localhost:6379', tasksPerJob: 0 })).toThrow(/executor\.tasksPerJob/);
    expect(() => new BullmqExecutor({ connection: 'redis://localhost:6379', tasksPerJob: 'all' as never })).toThrow(/executor\.tasksPerJob/);
    await expect(startBullmqWorker({ connection: 'redis://localhost:6379', concurrency: 0 })).rejects.toThrow(/worker\.concurrency/);
  });

  it('gives each executor its own sweep id unless one is given', () => {
    const a = new BullmqExecutor({ connection: 'redis://localhost:6379' });
    const b = new BullmqExecutor({ connection: 'redis://localhost:6379' });
    expect(a.sweepId).not.toBe(b.sweepId);
    expect(new BullmqExecutor({ connection: 'redis://localhost:6379', sweepId: 'nightly-42' }).sweepId).toBe('nightly-42');
  });

  it('returns no results for no tasks without opening a connection', async () => {
    const executor = new BullmqExecutor({ connection: 'redis://127.0.0.1:1' });
    expect(await executor.run([])).toEqual([]);
    await executor.close();
  });

  it('describes a connection without its password', () => {
    expect(describeRedis('redis://:secret@redis.internal:6379/0')).toBe('redis://:***@redis.internal:6379/0');
    expect(describeRedis('rediss://user:pw@h:6380')).toBe('rediss://user:***@h:6380');
    expect(describeRedis({ host: 'h', port: 7000, password: 'pw' })).toBe('h:7000');
  });

  it.skipIf(skipClient)(`fails fast, naming the address, when Redis cannot be reached${skipClient ? ' (skipped: bullmq or ioredis cannot be resolved)' : ''}`, async () => {
    const executor = new BullmqExecutor({ connection: 'redis://:pw@127.0.0.1:1' });
    const task = { id: 0, strategy: { module: 'x' }, params: {}, run: null };
    const error = await executor.run([task]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    await executor.close();
    await expect(startBullmqWorker({ connection: 'redis://127.0.0.1:1' })).rejects.toThrow(NetworkError);
  });
});
