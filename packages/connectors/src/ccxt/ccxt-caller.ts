/**
 * Every REST call of the ccxt clients goes through one caller per exchange instance: ccxt's own
 * throttler spaces the requests (`enableRateLimit`, each endpoint's weight), and on top of it the caller
 * pauses every request after the venue throttled one (429, 418, Binance -1003) with jittered backoff,
 * resyncs the clock difference after a timestamp error (Binance -1021, `loadTimeDifference`), retries
 * reads, and maps what is left onto rxtrade's errors without the request or the credentials.
 */
import type { Exchange } from 'ccxt';
import { backoffDelay, seededRandom, type BackoffPolicy } from '../live/watchdog/backoff';
import { CcxtErrorKind, classifyCcxtError, toRxTradeError } from './ccxt-errors';

/**
 * The credentials of an exchange instance, to be redacted from every message.
 *
 * @example
 * ```ts
 * exchangeSecrets(new ccxt.binance({ apiKey: 'k', secret: 's' })); // ['k', 's']
 * ```
 */
export function exchangeSecrets(exchange: Exchange): string[] {
  const e = exchange as unknown as Record<string, unknown>;
  return ['apiKey', 'secret', 'password', 'privateKey', 'uid', 'token', 'walletAddress', 'login']
    .map((k) => e[k])
    .filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** What the caller has done, for tests and metrics. */
export interface CcxtCallerStats {
  /** Requests the venue throttled. */
  rateLimited: number;
  /** Time differences resynced after a timestamp error. */
  timeResyncs: number;
  /** Reads retried. */
  retries: number;
}

/**
 * One exchange instance's REST calls: pauses after throttling, time resync, retries of reads.
 *
 * @example
 * ```ts
 * const caller = new CcxtCaller(exchange, { venue: 'BINANCE', backoff: { initialDelayMs: 500, maxDelayMs: 10_000, multiplier: 2, jitter: 0.2 } });
 * const balance = await caller.read('fetchBalance', () => exchange.fetchBalance());
 * ```
 */
export class CcxtCaller {
  readonly stats: CcxtCallerStats = { rateLimited: 0, timeResyncs: 0, retries: 0 };
  private pausedUntil = 0;
  private strikes = 0;
  private readonly random: () => number;
  private resync: Promise<void> | undefined;

  constructor(
    readonly exchange: Exchange,
    private readonly options: { venue: string; backoff: BackoffPolicy; readRetries?: number; extraSecrets?: readonly string[] },
  ) {
    this.random = options.backoff.seed !== undefined ? seededRandom(options.backoff.seed) : Math.random;
  }

  /** The credentials to redact, read from the exchange each time (they may be set after construction). */
  get secrets(): string[] {
    return [...exchangeSecrets(this.exchange), ...(this.options.extraSecrets ?? [])];
  }

  /** The wait after the n-th consecutive failure. */
  delay(attempt: number): number {
    return backoffDelay(attempt, this.options.backoff, this.random());
  }

  /** Maps an error of `operation` onto rxtrade's tree, redacted. */
  map(error: unknown, operation: string): ReturnType<typeof toRxTradeError> {
    return toRxTradeError(error, { venue: this.options.venue, operation, secrets: this.secrets });
  }

  /**
   * Sends one request, once: waits out a pause, and on failure records throttling (pausing every
   * request) or resyncs the clock on a timestamp error, then rethrows the ccxt error for the caller to
   * decide (a submit must not be repeated blindly).
   */
  async once<T>(fn: () => Promise<T>): Promise<T> {
    const wait = this.pausedUntil - Date.now();
    if (wait > 0) await sleep(wait);
    try {
      const result = await fn();
      this.strikes = 0;
      return result;
    } catch (error) {
      const kind = classifyCcxtError(error);
      if (kind === CcxtErrorKind.RATE_LIMIT) {
        this.stats.rateLimited++;
        this.pausedUntil = Math.max(this.pausedUntil, Date.now() + this.delay(this.strikes++));
      } else if (kind === CcxtErrorKind.TIMESTAMP) {
        await this.resyncTime();
      }
      throw error;
    }
  }

  /**
   * A read (safe to repeat): retried after throttling, a timestamp error or a network failure, up to
   * `readRetries` times (default 3), then thrown as an rxtrade error.
   */
  async read<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const retries = this.options.readRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(fn);
      } catch (error) {
        const kind = classifyCcxtError(error);
        const retryable = kind === CcxtErrorKind.RATE_LIMIT || kind === CcxtErrorKind.TIMESTAMP || kind === CcxtErrorKind.UNKNOWN_OUTCOME;
        if (!retryable || attempt >= retries) throw this.map(error, operation);
        this.stats.retries++;
        if (kind === CcxtErrorKind.UNKNOWN_OUTCOME) await sleep(this.delay(attempt));
      }
    }
  }

  /** Reloads the difference between the local clock and the venue's (one reload at a time). */
  async resyncTime(): Promise<void> {
    if (this.resync !== undefined) return this.resync;
    const ex = this.exchange as unknown as { loadTimeDifference?: () => Promise<unknown>; options: Record<string, unknown> };
    if (typeof ex.loadTimeDifference !== 'function') return;
    this.resync = (async () => {
      try {
        // ccxt stores the difference in options.timeDifference, which signing subtracts from the clock.
        await ex.loadTimeDifference!();
        this.stats.timeResyncs++;
      } finally {
        this.resync = undefined;
      }
    })();
    return this.resync;
  }
}

/** Waits `ms` (a real timer: ccxt's requests are real). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
