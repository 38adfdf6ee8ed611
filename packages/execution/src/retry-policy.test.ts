import { BacktestClock, NetworkError, OrderNotFoundError, ValidationError } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { RetryExhaustedError, RetryPolicy, isRetryable } from './retry-policy';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('RetryPolicy', () => {
  it('backs off exponentially up to the cap, without jitter when asked', () => {
    const p = new RetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 'none' });
    expect([1, 2, 3, 4, 5, 6].map((k) => p.delay(k))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('draws full jitter in [0, ceiling] and equal jitter in [ceiling/2, ceiling], the same on every run', () => {
    const full = new RetryPolicy({ baseDelayMs: 1000, maxDelayMs: 1e6, jitter: 'full', seed: 7 });
    const equal = new RetryPolicy({ baseDelayMs: 1000, maxDelayMs: 1e6, jitter: 'equal', seed: 7 });
    const a = [1, 2, 3, 4, 5].map((k) => full.delay(k));
    const b = [1, 2, 3, 4, 5].map((k) => equal.delay(k));
    a.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(1000 * 2 ** i);
    });
    b.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(500 * 2 ** i);
      expect(d).toBeLessThanOrEqual(1000 * 2 ** i);
    });
    expect(new Set(a).size).toBeGreaterThan(1);
    const again = new RetryPolicy({ baseDelayMs: 1000, maxDelayMs: 1e6, jitter: 'full', seed: 7 });
    expect([1, 2, 3, 4, 5].map((k) => again.delay(k))).toEqual(a);
  });

  it('retries a failing read on the clock and resolves when it succeeds', async () => {
    const clock = new BacktestClock(0);
    const p = new RetryPolicy({ maxAttempts: 4, baseDelayMs: 100, jitter: 'none' });
    const at: number[] = [];
    const result = p.run(clock, (n) => {
      at.push(clock.now());
      return n < 3 ? Promise.reject(new NetworkError('timeout')) : Promise.resolve('ok');
    });
    await flush();
    clock.advanceTo(100); // first retry due at 0 + 100
    await flush();
    clock.advanceTo(300); // second retry due at 100 + 200
    await expect(result).resolves.toBe('ok');
    expect(at).toEqual([0, 100, 300]);
  });

  it('gives up after maxAttempts with the last error as the cause', async () => {
    const clock = new BacktestClock(0);
    const p = new RetryPolicy({ maxAttempts: 2, baseDelayMs: 50, jitter: 'none' });
    const result = p.run(clock, () => Promise.reject(new NetworkError('down')));
    const settled = result.catch((e: unknown) => e);
    await flush();
    clock.advanceTo(50);
    const error = await settled;
    expect(error).toBeInstanceOf(RetryExhaustedError);
    expect((error as RetryExhaustedError).attempts).toBe(2);
    expect((error as RetryExhaustedError).code).toBe('NETWORK');
    expect((error as Error).message).toBe('gave up after 2 attempts: down');
  });

  it('does not retry a refusal (order not found, validation)', async () => {
    const clock = new BacktestClock(0);
    let calls = 0;
    const result = new RetryPolicy().run(clock, () => {
      calls++;
      return Promise.reject(new OrderNotFoundError('O-1 is unknown'));
    });
    await expect(result).rejects.toBeInstanceOf(OrderNotFoundError);
    expect(calls).toBe(1);
    expect(isRetryable(new NetworkError('x'))).toBe(true);
    expect(isRetryable(new Error('socket hang up'))).toBe(true);
    expect(isRetryable(new ValidationError([{ path: ['x'], message: 'bad' }]))).toBe(false);
  });

  it('names the bad field of its config', () => {
    expect(() => new RetryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => new RetryPolicy({ jitter: 'some' as never })).toThrow(/jitter/);
  });
});
