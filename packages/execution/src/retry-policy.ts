/**
 * Retries for idempotent venue requests (reads and cancels) with jittered exponential backoff, waiting
 * on the clock so that backtests stay deterministic and live code is testable. Submits are never
 * retried: a submit that got no answer is reconciled by client order id instead (see `OrderManager`).
 *
 * Delay before retry k (k = 1, 2, …): `min(maxDelayMs, baseDelayMs × multiplier^(k−1))`, then jittered
 * as in "Exponential Backoff And Jitter" (AWS Architecture Blog, Marc Brooker, 2015): `full` draws
 * uniformly in [0, d], `equal` in [d/2, d], `none` keeps d. The random source is a seeded generator, so
 * a backtest retries at the same virtual times on every run.
 */
import { z } from 'zod';
import { ErrorCode, RxTradeError, parseWith, type Clock } from '@rxtrade/core';

/**
 * Schema of {@link RetryPolicyConfig}.
 *
 * @example
 * ```ts
 * RetryPolicyConfigSchema.parse({ maxAttempts: 3 }).baseDelayMs // 200
 * ```
 */
export const RetryPolicyConfigSchema = z.strictObject({
  /** Attempts in all, the first included (1 = no retry). */
  maxAttempts: z.number().int().min(1).max(100).prefault(5),
  baseDelayMs: z.number().positive().finite().prefault(200),
  maxDelayMs: z.number().positive().finite().prefault(10_000),
  multiplier: z.number().min(1).finite().prefault(2),
  jitter: z.enum(['full', 'equal', 'none']).prefault('full'),
  /** Seed of the jitter's random source (deterministic runs). */
  seed: z.number().int().prefault(1),
});
/**
 * Configuration of a {@link RetryPolicy}; every field has a default.
 *
 * @example
 * ```ts
 * const config: RetryPolicyConfig = { maxAttempts: 4, baseDelayMs: 100, jitter: 'equal' };
 * ```
 */
export type RetryPolicyConfig = z.input<typeof RetryPolicyConfigSchema>;

/**
 * The rejection of {@link RetryPolicy.run} when every attempt failed: `attempts` and the last error as
 * `cause`; its code is the last error's when that was an rxtrade error, else NETWORK.
 *
 * @example
 * ```ts
 * policy.run(clock, read).catch((e) => { if (e instanceof RetryExhaustedError) log.error(e.attempts, e.cause) });
 * ```
 */
export class RetryExhaustedError extends RxTradeError {
  constructor(
    readonly attempts: number,
    cause: unknown,
  ) {
    super(
      cause instanceof RxTradeError ? cause.code : ErrorCode.NETWORK,
      `gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/**
 * The default retry rule: transport failures and throttling (NETWORK, RATE_LIMIT) and errors that are
 * not rxtrade's own are retried; a refusal (validation, authentication, order not found…) is final.
 *
 * @example
 * ```ts
 * isRetryable(new NetworkError('timeout')) // true
 * isRetryable(new OrderNotFoundError('O-1')) // false
 * ```
 */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof RxTradeError) || error.code === ErrorCode.NETWORK || error.code === ErrorCode.RATE_LIMIT;
}

/**
 * Jittered exponential backoff on a clock.
 *
 * @example
 * ```ts
 * const policy = new RetryPolicy({ maxAttempts: 4, baseDelayMs: 100 });
 * const report = await policy.run(clock, () => venue.queryOrder(id)); // retried at +≤100, +≤200, +≤400 ms
 * ```
 */
export class RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly multiplier: number;
  readonly jitter: 'full' | 'equal' | 'none';
  private state: number;

  constructor(config: RetryPolicyConfig = {}) {
    const c = parseWith(RetryPolicyConfigSchema, config, 'RetryPolicyConfig');
    this.maxAttempts = c.maxAttempts;
    this.baseDelayMs = c.baseDelayMs;
    this.maxDelayMs = c.maxDelayMs;
    this.multiplier = c.multiplier;
    this.jitter = c.jitter;
    this.state = c.seed >>> 0;
  }

  /** The backoff before retry `retry` (1 = the first retry), before jitter. */
  ceiling(retry: number): number {
    return Math.min(this.maxDelayMs, this.baseDelayMs * this.multiplier ** (retry - 1));
  }

  /** The jittered delay before retry `retry` (draws from the seeded random source). */
  delay(retry: number): number {
    const d = this.ceiling(retry);
    if (this.jitter === 'none') return d;
    const u = this.random();
    return Math.round(this.jitter === 'full' ? u * d : d / 2 + (u * d) / 2);
  }

  /**
   * Runs `attempt` until it resolves, waiting {@link delay} on `clock` between tries. Rejects with
   * {@link RetryExhaustedError} after `maxAttempts`, or at once with the error itself when
   * `retryable(error)` is false (default {@link isRetryable}).
   */
  run<T>(clock: Clock, attempt: (n: number) => Promise<T>, retryable: (error: unknown) => boolean = isRetryable): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const go = (n: number): void => {
        let p: Promise<T>;
        try {
          p = attempt(n);
        } catch (error) {
          p = Promise.reject(error);
        }
        p.then(resolve, (error: unknown) => {
          if (!retryable(error)) reject(error);
          else if (n >= this.maxAttempts) reject(new RetryExhaustedError(n, error));
          else clock.setTimer(clock.now() + this.delay(n), () => go(n + 1));
        });
      };
      go(1);
    });
  }

  /** mulberry32: small, fast and good enough for jitter. */
  private random(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
