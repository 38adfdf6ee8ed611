/**
 * Jittered exponential backoff for reconnects and resubscribes: the n-th wait is
 * `min(maxDelayMs, initialDelayMs × multiplier^n)`, shortened by a random fraction of at most `jitter`
 * so that many clients cut off together do not come back together ("Exponential Backoff And Jitter",
 * Marc Brooker, AWS Architecture Blog, 2015: `jitter: 1` is its "full jitter", `0.5` its "equal
 * jitter"). The random numbers come from a seeded generator when a seed is given, so tests can predict
 * every wait.
 */
import { z } from 'zod';

/**
 * Schema of {@link BackoffConfig}.
 *
 * @example
 * ```ts
 * parseWith(BackoffConfigSchema, { initialDelayMs: 500, maxDelayMs: 10_000 }, 'backoff');
 * ```
 */
export const BackoffConfigSchema = z.strictObject({
  /** The first wait, in ms (default 1000). */
  initialDelayMs: z.number().positive().finite().default(1000),
  /** No wait is longer than this, in ms (default 30 000). */
  maxDelayMs: z.number().positive().finite().default(30_000),
  /** Each wait is this many times the one before (default 2; 1 keeps it constant). */
  multiplier: z.number().min(1).finite().default(2),
  /** The largest fraction taken off a wait at random, in [0, 1] (default 0.2; 0: no jitter). */
  jitter: z.number().min(0).max(1).default(0.2),
  /** Seeds the random numbers of the jitter (a 32-bit integer), so every wait is reproducible; without it `Math.random`. */
  seed: z.number().int().optional(),
});

/**
 * How long to wait between attempts.
 *
 * @example
 * ```ts
 * const backoff: BackoffConfig = { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0 }; // 100, 200, 400, 800, 1000, 1000…
 * ```
 */
export type BackoffConfig = z.input<typeof BackoffConfigSchema>;

/** A {@link BackoffConfig} with its defaults filled in. */
export type BackoffPolicy = z.output<typeof BackoffConfigSchema>;

/**
 * The wait after the `attempt`-th failed attempt (0-based), in whole ms:
 * `round(min(max, initial × multiplier^attempt) × (1 − jitter × r))`, for `r` in [0, 1).
 *
 * @param r a random number in [0, 1).
 * @example
 * ```ts
 * backoffDelay(3, { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0 }, 0); // 800
 * backoffDelay(0, { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0.5 }, 0.5); // 75
 * ```
 */
export function backoffDelay(attempt: number, policy: Pick<BackoffPolicy, 'initialDelayMs' | 'maxDelayMs' | 'multiplier' | 'jitter'>, r: number): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** attempt);
  return Math.round(base * (1 - policy.jitter * r));
}

/**
 * A seeded generator of numbers in [0, 1): mulberry32 (Tommy Ettinger, public domain), 32 bits of
 * state, the same sequence on every machine. For jitter in tests and reproducible runs; not for
 * cryptography.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * random(); // 0.6011037519201636, on every run
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
