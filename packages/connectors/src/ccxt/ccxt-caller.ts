/**
 * Every REST call of the ccxt clients goes through one caller per exchange instance: ccxt's own
 * throttler spaces the requests (`enableRateLimit`, each endpoint's weight), and on top of it the caller
 * pauses every request after the venue throttled one (429, 418, Binance -1003) with jittered backoff,
 * resyncs the clock difference after a timestamp error (Binance -1021, `loadTimeDifference`), retries
 * reads, and maps what is left onto rxtrade's errors without the request or the credentials.
 */
import type { Exchange } from 'ccxt';
import type { CcxtExchange } from './ccxt-types';
import { LiveClock, type Clock } from '@rxtrade/core';
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
 * const caller = new CcxtCaller(exchange, { venue: 'BINANCE', backoff: { initialDelayMs: 500, maxDelayMs: 10_000, multiplier: 2, jitter: 0.2 }, clock: new LiveClock() });
 * const balance = await caller.read('fetchBalance', () => exchange.fetchBalance());
 * ```
 */
export class CcxtCaller {
  readonly stats: CcxtCallerStats = { rateLimited: 0, timeResyncs: 0, retries: 0 };
  private pausedUntil = 0;
  private strikes = 0;
  private readonly random: () => number;
  private resync: Promise<void> | undefined;
  /** When the clock was last resynced after an authentication failure (Coinbase), ms. */
  private lastAuthResync = Number.NEGATIVE_INFINITY;
  /** Authentication failures after which the clock was resynced: they count as timestamp errors. */
  private readonly clockSuspects = new WeakSet<object>();
  /** The time of the pauses, the backoff waits and the resync spacing (ccxt's own timers are ccxt's). */
  readonly clock: Clock;

  private readonly exchange: Exchange;

  constructor(
    exchange: CcxtExchange,
    private readonly options: { venue: string; backoff: BackoffPolicy; readRetries?: number; extraSecrets?: readonly string[]; clock?: Clock | undefined },
  ) {
    this.exchange = exchange as Exchange;
    this.random = options.backoff.seed !== undefined ? seededRandom(options.backoff.seed) : Math.random;
    this.clock = options.clock ?? new LiveClock();
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
    const wait = this.pausedUntil - this.clock.now();
    if (wait > 0) await sleep(this.clock, wait);
    try {
      const result = await fn();
      this.strikes = 0;
      return result;
    } catch (error) {
      const kind = classifyCcxtError(error);
      if (kind === CcxtErrorKind.RATE_LIMIT) {
        this.stats.rateLimited++;
        this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + this.delay(this.strikes++));
      } else if (kind === CcxtErrorKind.TIMESTAMP) {
        await this.resyncTime();
      } else if (kind === CcxtErrorKind.AUTHENTICATION && CLOCK_IN_AUTH.has(this.exchange.id) && this.clock.now() - this.lastAuthResync > AUTH_RESYNC_MS && error !== null && typeof error === 'object') {
        // Coinbase answers a JWT outside its time window with a bare 401: resync once in a while, and
        // treat the failure as a timestamp error (a bad key fails again after the resync and stays one).
        this.lastAuthResync = this.clock.now();
        await this.resyncTime();
        this.clockSuspects.add(error);
      }
      throw error;
    }
  }

  /**
   * How rxtrade treats an error this caller has seen: `classifyCcxtError`, except that an
   * authentication failure after which the clock was resynced (Coinbase's expired JWT) is a timestamp
   * error.
   */
  kind(error: unknown): CcxtErrorKind {
    if (error !== null && typeof error === 'object' && this.clockSuspects.has(error)) return CcxtErrorKind.TIMESTAMP;
    return classifyCcxtError(error);
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
        const kind = this.kind(error);
        const retryable = kind === CcxtErrorKind.RATE_LIMIT || kind === CcxtErrorKind.TIMESTAMP || kind === CcxtErrorKind.UNKNOWN_OUTCOME;
        if (!retryable || attempt >= retries) throw this.map(error, operation);
        this.stats.retries++;
        if (kind === CcxtErrorKind.UNKNOWN_OUTCOME) await sleep(this.clock, this.delay(attempt));
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
        if (CLOCK_IN_AUTH.has(this.exchange.id)) venueSeconds(this.exchange);
        this.stats.timeResyncs++;
      } finally {
        this.resync = undefined;
      }
    })();
    return this.resync;
  }
}

/** Exchanges whose signed token carries the time, refused as an authentication failure when it is off. */
const CLOCK_IN_AUTH: ReadonlySet<string> = new Set(['coinbase']);
/** At most one clock resync per this many ms for authentication failures. */
const AUTH_RESYNC_MS = 5_000;
const VENUE_SECONDS = Symbol.for('rxtrade.ccxt.venueSeconds');

/**
 * Makes ccxt's `seconds()` of the instance the venue's: Coinbase's JWT takes `nbf`/`exp` from
 * `seconds()`, which ccxt does not correct by `options.timeDifference` (only `nonce()` is).
 */
function venueSeconds(exchange: Exchange): void {
  const ex = exchange as unknown as Record<PropertyKey, unknown> & { milliseconds: () => number; options: Record<string, unknown> };
  if (ex[VENUE_SECONDS] === true) return;
  ex[VENUE_SECONDS] = true;
  const ms = ex.milliseconds.bind(exchange);
  ex['seconds'] = () => Math.floor((ms() - (typeof ex.options['timeDifference'] === 'number' ? (ex.options['timeDifference'] as number) : 0)) / 1000);
}

/**
 * Waits `ms` on `clock`'s timers (a `LiveClock`'s are real ones; a virtual clock's fire when it is
 * advanced).
 *
 * @example
 * ```ts
 * await sleep(new LiveClock(), 250);
 * ```
 */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimer(clock.now() + Math.max(0, ms), () => resolve());
  });
}
