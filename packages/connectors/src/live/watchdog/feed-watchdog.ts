/**
 * Watches the subscriptions of a {@link DataClient} for feeds that die quietly: a subscription that
 * stops sending while the connection still says CONNECTED, or a connection that drops. It resubscribes
 * and reconnects with backoff, fills the gap from history on recovery, and hands the node one cleaned
 * stream: per subscription in order, without duplicates. All its timers are on the clock, so tests run
 * on virtual time.
 */
import { Subject, type Observable, type Subscription } from 'rxjs';
import { z } from 'zod';
import {
  ConnectionStatus,
  MarketDataKind,
  StateError,
  ValidationError,
  marketDataKind,
  parseWith,
  type Clock,
  type DataClient,
  type DataSubscription,
  type InstrumentId,
  type MarketData,
  type TimerHandle,
} from '@rxtrade/core';
import type { NodeFeed } from '../live-node-view';
import { BackoffConfigSchema, backoffDelay, seededRandom, type BackoffPolicy } from './backoff';
import { FeedOrder } from './feed-order';
import { ClockSchema, DataClientSchema, MarketDataKindSchema, functionSchema } from './schemas';

const positiveMs = z.number().positive().finite();

/**
 * Schema of a {@link WatchedSubscription}.
 *
 * @example
 * ```ts
 * parseWith(WatchedSubscriptionSchema, { kind: 'BARS', instrumentId: 'BTCUSDT.BINANCE', staleAfterMs: 90_000 }, 'subscription');
 * ```
 */
export const WatchedSubscriptionSchema = z.strictObject({
  kind: MarketDataKindSchema,
  instrumentId: z
    .string()
    .min(1)
    .transform((s) => s as InstrumentId),
  /** Overrides the kind's `staleAfterMs` for this subscription. */
  staleAfterMs: positiveMs.optional(),
});

/**
 * A subscription to watch, with its own staleness limit if it needs one.
 *
 * @example
 * ```ts
 * const sub: WatchedSubscription = { kind: 'BARS', instrumentId: btc.id, staleAfterMs: 90_000 };
 * ```
 */
export type WatchedSubscription = z.input<typeof WatchedSubscriptionSchema>;

const StaleAfterByKindSchema = z.strictObject({
  BARS: positiveMs.optional(),
  TRADES: positiveMs.optional(),
  QUOTES: positiveMs.optional(),
  BOOKS: positiveMs.optional(),
});

/**
 * Schema of {@link FeedWatchdogConfig}.
 *
 * @example
 * ```ts
 * parseWith(FeedWatchdogConfigSchema, { client, clock, subscriptions: [{ kind: 'BARS', instrumentId: btc.id }], staleAfterMs: { BARS: 90_000 } }, 'FeedWatchdogConfig');
 * ```
 */
export const FeedWatchdogConfigSchema = z
  .strictObject({
    /** The data client whose subscriptions are watched. */
    client: DataClientSchema,
    /** Staleness timers, backoff waits and `now()`: a `LiveClock` live, a `BacktestClock` in tests. */
    clock: ClockSchema,
    /** The subscriptions to make and watch (more can be added with `watch`). */
    subscriptions: z.array(WatchedSubscriptionSchema).default([]),
    /** No message for this many ms makes a subscription STALE: one limit for every kind, or one per kind. */
    staleAfterMs: z.union([positiveMs, StaleAfterByKindSchema]).optional(),
    /** Waits between resubscribes of a stale subscription and between reconnects. */
    resubscribe: BackoffConfigSchema.prefault({}),
    /** On recovery, fetch what was missed: bars from history, a snapshot for other kinds (default true). */
    backfill: z.boolean().default(true),
    /** A backfill that has not answered after this many ms is given up (default 30 000). */
    backfillTimeoutMs: positiveMs.default(30_000),
    /** After the connection drops, call `client.connect()` with backoff until it holds (default true; false when the client reconnects by itself). */
    reconnect: z.boolean().default(true),
    /** Called with a feed's health each time it changes (wire it to the node's `reportFeedHealth`). */
    onHealth: functionSchema<(feed: NodeFeed) => void>().optional(),
    /** Called with the errors of reconnects and backfills (the watchdog keeps trying). */
    onError: functionSchema<(error: unknown, context: { readonly feed: string | undefined; readonly action: 'reconnect' | 'backfill' }) => void>().optional(),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.subscriptions.forEach((s, i) => {
      const key = `${s.kind} ${s.instrumentId}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['subscriptions', i], message: `${s.kind} ${s.instrumentId} is listed twice` });
      seen.add(key);
      if (staleLimit(s, c.staleAfterMs) === undefined)
        ctx.addIssue({ code: 'custom', path: ['subscriptions', i, 'staleAfterMs'], message: missingLimit(s.kind) });
    });
  });

/**
 * Configuration of a {@link FeedWatchdog}.
 *
 * @example
 * ```ts
 * const config: FeedWatchdogConfig = {
 *   client, clock: new LiveClock(),
 *   subscriptions: [{ kind: 'BARS', instrumentId: btc.id }, { kind: 'QUOTES', instrumentId: btc.id }],
 *   staleAfterMs: { BARS: 90_000, QUOTES: 5_000 },
 *   resubscribe: { initialDelayMs: 1_000, maxDelayMs: 30_000 },
 *   onHealth: (feed) => node.reportFeedHealth(feed),
 * };
 * ```
 */
export type FeedWatchdogConfig = z.input<typeof FeedWatchdogConfigSchema>;

/**
 * The health of one watched subscription, with the counts of what the watchdog dropped and fetched.
 *
 * @example
 * ```ts
 * const { status, duplicates, outOfOrder } = watchdog.feed({ kind: 'BARS', instrumentId: btc.id })!;
 * ```
 */
export interface FeedHealth extends NodeFeed {
  readonly subscription: DataSubscription;
  readonly staleAfterMs: number;
  /** Events dropped because one at the same position had been passed. */
  readonly duplicates: number;
  /** Events dropped because they came before the last one passed. */
  readonly outOfOrder: number;
  /** Events passed that came from a backfill (history or snapshot). */
  readonly backfilled: number;
  /** Times the watchdog unsubscribed and subscribed again. */
  readonly resubscribes: number;
}

type WatchState = 'HEALTHY' | 'STALE' | 'DISCONNECTED' | 'RECOVERING';

interface Watch {
  readonly subscription: DataSubscription;
  readonly name: string;
  readonly staleAfterMs: number;
  readonly order: FeedOrder;
  /** RECOVERING: connected again after a drop, nothing received yet (reported as DISCONNECTED). */
  state: WatchState;
  reported: NodeFeed | undefined;
  lastArrival: number | undefined;
  /** Staleness is counted from the later of this and the last arrival (the watch's start, the last (re)connect). */
  aliveSince: number;
  /** Clock time the watch began: the backfill's start when no event has been passed yet. */
  readonly since: number;
  staleTimer: TimerHandle | undefined;
  resubscribeTimer: TimerHandle | undefined;
  resubscribeAttempt: number;
  /** Live events held while a backfill is in flight. */
  buffer: MarketData[] | undefined;
  backfillTimer: TimerHandle | undefined;
  reconnects: number;
  duplicates: number;
  outOfOrder: number;
  backfilled: number;
  resubscribes: number;
}

/**
 * Watches each subscription of a data client: no message for `staleAfterMs` makes it STALE, and it is
 * unsubscribed and subscribed again, with backoff, until a message arrives; a dropped connection makes
 * every subscription DISCONNECTED, and `client.connect()` is retried with backoff until it holds, then
 * every subscription is made again. On recovery the gap is filled (bars from `requestBars(id, last bar
 * seen, now)`, a snapshot from `requestSnapshot` for the other kinds when the client has it) and passed
 * before the live events that arrived meanwhile; then the feed is HEALTHY again, its reconnect count
 * one higher. `events` carries every watched subscription's events in order, each once.
 *
 * @example
 * ```ts
 * const watchdog = new FeedWatchdog({
 *   client, clock,
 *   subscriptions: [{ kind: 'BARS', instrumentId: btc.id }],
 *   staleAfterMs: { BARS: 90_000 },
 *   onHealth: (feed) => console.log(feed.name, feed.status, feed.reconnects),
 * });
 * watchdog.events.subscribe((event) => node.process(event));
 * watchdog.start(); // subscribes on the client
 * await client.connect();
 * ```
 */
export class FeedWatchdog {
  /** The cleaned stream: watched subscriptions only, each in order and once, gaps filled on recovery. */
  readonly events: Observable<MarketData>;
  private readonly client: DataClient;
  private readonly clock: Clock;
  private readonly staleAfter: z.output<typeof FeedWatchdogConfigSchema>['staleAfterMs'];
  private readonly policy: BackoffPolicy;
  private readonly random: () => number;
  private readonly backfill: boolean;
  private readonly backfillTimeoutMs: number;
  private readonly reconnect: boolean;
  private readonly onHealth: ((feed: NodeFeed) => void) | undefined;
  private readonly onError: ((error: unknown, context: { readonly feed: string | undefined; readonly action: 'reconnect' | 'backfill' }) => void) | undefined;
  private readonly out = new Subject<MarketData>();
  private readonly watches = new Map<string, Watch>();
  /** Subscriptions to make at `start()`, with their staleness limits. */
  private readonly initial: { subscription: DataSubscription; staleAfterMs: number }[];
  private subscriptions: Subscription[] = [];
  private phase: 'idle' | 'running' | 'stopped' = 'idle';
  private connected = false;
  private status: ConnectionStatus | undefined;
  private everConnected = false;
  private reconnectTimer: TimerHandle | undefined;
  private reconnectAttempt = 0;
  private unwatchedEvents = 0;

  constructor(config: FeedWatchdogConfig) {
    const c = parseWith(FeedWatchdogConfigSchema, config, 'FeedWatchdogConfig');
    this.client = c.client;
    this.clock = c.clock;
    this.staleAfter = c.staleAfterMs;
    this.policy = c.resubscribe;
    this.random = c.resubscribe.seed === undefined ? Math.random : seededRandom(c.resubscribe.seed);
    this.backfill = c.backfill;
    this.backfillTimeoutMs = c.backfillTimeoutMs;
    this.reconnect = c.reconnect;
    this.onHealth = c.onHealth;
    this.onError = c.onError;
    this.initial = c.subscriptions.map((s) => ({ subscription: { kind: s.kind, instrumentId: s.instrumentId }, staleAfterMs: staleLimit(s, c.staleAfterMs)! }));
    this.events = this.out.asObservable();
  }

  /**
   * Subscribes the client to every configured subscription and starts watching them and the
   * connection. Before the connection first says CONNECTED the feeds are DISCONNECTED and no reconnect
   * is tried: the first `connect()` is the node's.
   *
   * @throws StateError when already started or stopped.
   */
  start(): void {
    if (this.phase !== 'idle') throw new StateError(`feed watchdog of ${this.client.id}: already ${this.phase === 'running' ? 'started' : 'stopped'}`);
    this.phase = 'running';
    this.subscriptions.push(this.client.events.subscribe({ next: (event) => this.onEvent(event) }));
    this.subscriptions.push(this.client.connection.subscribe({ next: (status) => this.onStatus(status) }));
    for (const { subscription, staleAfterMs } of this.initial.splice(0)) this.add(subscription, staleAfterMs);
  }

  /**
   * Starts watching one more subscription (and subscribes the client to it).
   *
   * @throws ValidationError naming the field when the subscription is malformed, already watched or has no staleness limit.
   */
  watch(subscription: WatchedSubscription): void {
    const s = parseWith(WatchedSubscriptionSchema, subscription, 'subscription');
    const limit = staleLimit(s, this.staleAfter);
    if (limit === undefined) throw new ValidationError([{ path: ['subscription', 'staleAfterMs'], message: missingLimit(s.kind) }]);
    if (this.watches.has(keyOf(s)) || this.initial.some((i) => keyOf(i.subscription) === keyOf(s))) throw new ValidationError([{ path: ['subscription'], message: `${s.kind} ${s.instrumentId} is already watched` }]);
    if (this.phase === 'stopped') throw new StateError(`feed watchdog of ${this.client.id}: stopped`);
    if (this.phase === 'idle') {
      this.initial.push({ subscription: { kind: s.kind, instrumentId: s.instrumentId }, staleAfterMs: limit });
      return;
    }
    this.add({ kind: s.kind, instrumentId: s.instrumentId }, limit);
  }

  /** Stops watching a subscription: its timers are cancelled and the client is unsubscribed. Unknown ones are ignored. */
  unwatch(subscription: DataSubscription): void {
    const key = keyOf(subscription);
    const w = this.watches.get(key);
    if (w === undefined) return;
    this.cancelTimers(w);
    this.watches.delete(key);
    this.client.unsubscribe(w.subscription);
  }

  /** Stops everything: every timer is cancelled, the client unsubscribed, and `events` completes. */
  stop(): void {
    if (this.phase === 'stopped') return;
    const wasRunning = this.phase === 'running';
    this.phase = 'stopped';
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
    this.reconnectTimer?.cancel();
    this.reconnectTimer = undefined;
    for (const w of this.watches.values()) {
      this.cancelTimers(w);
      if (wasRunning) this.client.unsubscribe(w.subscription);
    }
    this.watches.clear();
    this.out.complete();
  }

  /** The health of every watched subscription. */
  feeds(): readonly FeedHealth[] {
    return [...this.watches.values()].map((w) => this.health(w));
  }

  /** The health of one watched subscription; undefined when it is not watched. */
  feed(subscription: DataSubscription): FeedHealth | undefined {
    const w = this.watches.get(keyOf(subscription));
    return w && this.health(w);
  }

  /** Events of subscriptions that are not watched, dropped from `events`. */
  get unwatched(): number {
    return this.unwatchedEvents;
  }

  private add(subscription: DataSubscription, staleAfterMs: number): void {
    const now = this.clock.now();
    const w: Watch = {
      subscription,
      name: `${subscription.kind.toLowerCase()}:${subscription.instrumentId}`,
      staleAfterMs,
      order: new FeedOrder(),
      state: 'DISCONNECTED',
      reported: undefined,
      lastArrival: undefined,
      aliveSince: now,
      since: now,
      staleTimer: undefined,
      resubscribeTimer: undefined,
      resubscribeAttempt: 0,
      buffer: undefined,
      backfillTimer: undefined,
      reconnects: 0,
      duplicates: 0,
      outOfOrder: 0,
      backfilled: 0,
      resubscribes: 0,
    };
    this.watches.set(keyOf(subscription), w);
    this.client.subscribe(subscription);
    if (this.connected) {
      w.state = 'HEALTHY';
      this.armStale(w);
    }
    this.report(w);
  }

  private onEvent(event: MarketData): void {
    const w = this.watches.get(`${marketDataKind(event)} ${event.instrumentId}`);
    if (w === undefined) {
      this.unwatchedEvents++;
      return;
    }
    w.lastArrival = this.clock.now();
    if (w.buffer !== undefined) {
      w.buffer.push(event);
      return;
    }
    if (w.state === 'STALE' || w.state === 'RECOVERING') {
      this.recover(w, event);
      return;
    }
    this.pass(w, event, false);
  }

  private onStatus(status: ConnectionStatus): void {
    if (this.phase !== 'running') return;
    const now = this.clock.now();
    this.status = status;
    if (status === ConnectionStatus.CONNECTED) {
      if (this.connected) return;
      this.connected = true;
      this.reconnectTimer?.cancel();
      this.reconnectTimer = undefined;
      this.reconnectAttempt = 0;
      const again = this.everConnected;
      this.everConnected = true;
      for (const w of this.watches.values()) {
        w.aliveSince = now;
        if (again) {
          // The venue forgot the subscriptions with the connection: make them again.
          this.resubscribe(w);
          w.state = 'RECOVERING';
        } else w.state = 'HEALTHY';
        this.armStale(w);
        this.report(w);
      }
      return;
    }
    this.connected = false;
    for (const w of this.watches.values()) {
      w.staleTimer?.cancel();
      w.staleTimer = undefined;
      w.resubscribeTimer?.cancel();
      w.resubscribeTimer = undefined;
      w.state = 'DISCONNECTED';
      this.report(w);
    }
    // RECONNECTING: the client is at it; a connect() of ours would race it.
    if (status === ConnectionStatus.DISCONNECTED) this.scheduleReconnect(now);
  }

  private scheduleReconnect(at: number): void {
    if (!this.reconnect || !this.everConnected || this.connected || this.reconnectTimer !== undefined || this.phase !== 'running') return;
    this.reconnectTimer = this.clock.setTimer(Math.max(at, this.clock.now()), () => {
      this.reconnectTimer = undefined;
      if (this.status !== ConnectionStatus.DISCONNECTED || this.phase !== 'running') return;
      const attemptAt = this.clock.now();
      const attempt = this.reconnectAttempt++;
      let connecting: Promise<void>;
      try {
        connecting = this.client.connect();
      } catch (error) {
        connecting = Promise.reject(error);
      }
      connecting.then(
        () => undefined,
        (error: unknown) => {
          if (this.status !== ConnectionStatus.DISCONNECTED || this.phase !== 'running') return;
          this.onError?.(error, { feed: undefined, action: 'reconnect' });
          // Waits are counted from the attempt, not from when its failure arrived.
          this.scheduleReconnect(attemptAt + this.delay(attempt));
        },
      );
    });
  }

  private armStale(w: Watch): void {
    if (w.staleTimer !== undefined) return;
    const from = Math.max(w.aliveSince, w.lastArrival ?? -Infinity);
    w.staleTimer = this.clock.setTimer(Math.max(from + w.staleAfterMs, this.clock.now()), () => {
      w.staleTimer = undefined;
      if (!this.connected || (w.state !== 'HEALTHY' && w.state !== 'RECOVERING') || w.buffer !== undefined) return;
      const since = Math.max(w.aliveSince, w.lastArrival ?? -Infinity);
      // One timer per staleness period rather than one per message: when a message came meanwhile, wait again from it.
      if (this.clock.now() - since < w.staleAfterMs) this.armStale(w);
      else this.goStale(w);
    });
  }

  private goStale(w: Watch): void {
    w.state = 'STALE';
    this.report(w);
    w.resubscribeAttempt = 0;
    this.retryResubscribe(w);
  }

  private retryResubscribe(w: Watch): void {
    this.resubscribe(w);
    const wait = this.delay(w.resubscribeAttempt++);
    w.resubscribeTimer = this.clock.setTimer(this.clock.now() + wait, () => {
      w.resubscribeTimer = undefined;
      if (w.state === 'STALE' && w.buffer === undefined && this.connected) this.retryResubscribe(w);
    });
  }

  private resubscribe(w: Watch): void {
    this.client.unsubscribe(w.subscription);
    this.client.subscribe(w.subscription);
    w.resubscribes++;
  }

  private recover(w: Watch, first: MarketData): void {
    w.resubscribeTimer?.cancel();
    w.resubscribeTimer = undefined;
    const request = this.backfill ? this.backfillRequest(w) : undefined;
    if (request === undefined) {
      this.pass(w, first, false);
      this.markHealthy(w);
      return;
    }
    w.buffer = [first];
    let settled = false;
    const finish = (history: readonly MarketData[]): void => {
      if (settled) return;
      settled = true;
      w.backfillTimer?.cancel();
      w.backfillTimer = undefined;
      if (this.watches.get(keyOf(w.subscription)) !== w || this.phase !== 'running') return;
      const kind = w.subscription.kind;
      const gap = history.filter((e) => e.instrumentId === w.subscription.instrumentId && marketDataKind(e) === kind);
      // Stable sort: history oldest first, whatever order the venue answered in.
      gap.sort((a, b) => a.ts - b.ts);
      for (const event of gap) this.pass(w, event, true);
      const live = w.buffer ?? [];
      w.buffer = undefined;
      for (const event of live) this.pass(w, event, false);
      if (this.connected && (w.state === 'STALE' || w.state === 'RECOVERING')) this.markHealthy(w);
    };
    w.backfillTimer = this.clock.setTimer(this.clock.now() + this.backfillTimeoutMs, () => {
      w.backfillTimer = undefined;
      if (settled) return;
      this.onError?.(new StateError(`${w.name}: backfill gave no answer in ${this.backfillTimeoutMs} ms`), { feed: w.name, action: 'backfill' });
      finish([]);
    });
    request.then(finish, (error: unknown) => {
      if (!settled) this.onError?.(error, { feed: w.name, action: 'backfill' });
      finish([]);
    });
  }

  private backfillRequest(w: Watch): Promise<readonly MarketData[]> | undefined {
    const { kind, instrumentId } = w.subscription;
    if (kind === MarketDataKind.BARS) {
      const from = w.order.lastTs ?? w.since;
      const to = this.clock.now();
      return to < from ? undefined : this.client.requestBars(instrumentId, from, to);
    }
    if (this.client.requestSnapshot === undefined) return undefined;
    return this.client.requestSnapshot(w.subscription).then((snapshot) => (snapshot === undefined ? [] : [snapshot]));
  }

  private markHealthy(w: Watch): void {
    w.state = 'HEALTHY';
    w.reconnects++;
    w.resubscribeAttempt = 0;
    w.aliveSince = this.clock.now();
    this.armStale(w);
    this.report(w);
  }

  private pass(w: Watch, event: MarketData, fromBackfill: boolean): void {
    const verdict = w.order.check(event);
    if (verdict === 'duplicate') w.duplicates++;
    else if (verdict === 'outOfOrder') w.outOfOrder++;
    else {
      if (fromBackfill) w.backfilled++;
      this.out.next(event);
    }
  }

  private delay(attempt: number): number {
    return backoffDelay(attempt, this.policy, this.policy.jitter === 0 ? 0 : this.random());
  }

  private cancelTimers(w: Watch): void {
    w.staleTimer?.cancel();
    w.staleTimer = undefined;
    w.resubscribeTimer?.cancel();
    w.resubscribeTimer = undefined;
    w.backfillTimer?.cancel();
    w.backfillTimer = undefined;
    w.buffer = undefined;
  }

  private health(w: Watch): FeedHealth {
    return {
      name: w.name,
      status: w.state === 'RECOVERING' ? 'DISCONNECTED' : w.state,
      lastMessageTs: w.lastArrival,
      reconnects: w.reconnects,
      subscription: w.subscription,
      staleAfterMs: w.staleAfterMs,
      duplicates: w.duplicates,
      outOfOrder: w.outOfOrder,
      backfilled: w.backfilled,
      resubscribes: w.resubscribes,
    };
  }

  private report(w: Watch): void {
    const status = w.state === 'RECOVERING' ? 'DISCONNECTED' : w.state;
    if (w.reported !== undefined && w.reported.status === status && w.reported.reconnects === w.reconnects) return;
    const feed: NodeFeed = { name: w.name, status, lastMessageTs: w.lastArrival, reconnects: w.reconnects };
    w.reported = feed;
    this.onHealth?.(feed);
  }
}

function keyOf(subscription: DataSubscription): string {
  return `${subscription.kind} ${subscription.instrumentId}`;
}

function staleLimit(s: { kind: MarketDataKind; staleAfterMs?: number | undefined }, staleAfterMs: number | Partial<Record<MarketDataKind, number | undefined>> | undefined): number | undefined {
  if (s.staleAfterMs !== undefined) return s.staleAfterMs;
  if (typeof staleAfterMs === 'number') return staleAfterMs;
  return staleAfterMs?.[s.kind];
}

function missingLimit(kind: MarketDataKind): string {
  return `no staleness limit for ${kind}: set staleAfterMs (for every kind), staleAfterMs.${kind}, or this subscription's staleAfterMs`;
}
