/**
 * A data client for tests of feed watchdogs and live nodes under the faults of real market data feeds:
 * on command it goes silent while still saying CONNECTED, closes and refuses reconnects, duplicates
 * messages, or reorders them within a window. Not for trading: it exists to show what the node does
 * when a feed misbehaves.
 */
import { BehaviorSubject, Subject, isObservable, type Observable, type Subscription } from 'rxjs';
import { z } from 'zod';
import {
  ConnectionStatus,
  NetworkError,
  ValidationError,
  marketDataKind,
  parseWith,
  type Bar,
  type BookLevel,
  type Clock,
  type DataClient,
  type DataSubscription,
  type InstrumentId,
  type MarketData,
  type OrderBookSnapshot,
} from '@rxtrade/core';
import { seededRandom } from './backoff';
import { ClockSchema, isDataClient } from './schemas';

/**
 * Schema of {@link FaultyDataClientConfig}.
 *
 * @example
 * ```ts
 * parseWith(FaultyDataClientConfigSchema, { source: new Subject<MarketData>(), clock }, 'FaultyDataClientConfig');
 * ```
 */
export const FaultyDataClientConfigSchema = z.strictObject({
  /** Names the client (default `FAULTY`). */
  id: z.string().min(1).default('FAULTY'),
  /**
   * Where the market data comes from: a `DataClient` (a `ReplayDataClient`), whose subscriptions,
   * history and first connect are passed through, or an Observable the test drives (a `Subject`), which
   * stands for the venue's whole market: the client keeps its bars for `requestBars` and its latest
   * quote, trade and book for `requestSnapshot`.
   */
  source: z.custom<DataClient | Observable<MarketData>>(
    (v) => isDataClient(v) || isObservable(v),
    'must be a DataClient (such as a ReplayDataClient) or an Observable of market data (such as a Subject)',
  ),
  /** The clock that times refusals and silences and stamps connect attempts. */
  clock: ClockSchema,
  /** Seeds the shuffle of `reorder: 'shuffle'` (default 1). */
  seed: z.number().int().default(1),
});

/**
 * Configuration of a {@link FaultyDataClient}.
 *
 * @example
 * ```ts
 * const config: FaultyDataClientConfig = { source: new Subject<MarketData>(), clock: new BacktestClock(0) };
 * ```
 */
export type FaultyDataClientConfig = z.input<typeof FaultyDataClientConfigSchema>;

/**
 * The message faults a {@link FaultyDataClient} injects, each off by default; change them at any time.
 *
 * @example
 * ```ts
 * client.faults.duplicateEvery = 3;  // every third message is sent twice
 * client.faults.reorderWindow = 4;   // messages go out four at a time, reversed
 * ```
 */
export interface DataFaults {
  /** Every n-th message delivered is sent twice in a row (0: never). */
  duplicateEvery: number;
  /** Messages are held until this many are waiting, then sent reordered (0 or 1: no reordering). */
  reorderWindow: number;
  /** How a held window is reordered: reversed, or shuffled with the seeded generator. */
  reorder: 'reverse' | 'shuffle';
}

/** Options of {@link FaultyDataClient.goSilent}. */
export interface SilenceOptions {
  /** Only this subscription goes silent (default: all of them). */
  readonly subscription?: DataSubscription;
  /** The feed comes back on the n-th `subscribe` call made after this one (for that subscription, when one is named). */
  readonly untilSubscribes?: number;
  /** The feed comes back after this many ms on the clock. */
  readonly forMs?: number;
}

/** Options of {@link FaultyDataClient.close}. */
export interface CloseOptions {
  /** This many `connect()` calls are refused (default 0). */
  readonly refuseAttempts?: number;
  /** `connect()` is refused until this many ms after the close (default 0). */
  readonly refuseForMs?: number;
}

/** One call to {@link FaultyDataClient.connect}. */
export interface ConnectAttempt {
  /** Clock time of the call. */
  readonly ts: number;
  readonly accepted: boolean;
}

interface Silence {
  readonly key: string | undefined;
  subscribesLeft: number;
  readonly until: number;
}

interface BookState {
  ts: number;
  sequence: number;
  readonly bids: Map<number, number>;
  readonly asks: Map<number, number>;
}

/**
 * An in-memory {@link DataClient} with injectable faults, over a recording or a stream the test drives.
 * Connection faults act on `connection` and `connect()`; message faults on `events`. Messages sent
 * while silent or closed are lost (counted in `stats.lost`), as on a real socket; history
 * (`requestBars`) and snapshots (`requestSnapshot`) still answer with everything the market produced.
 *
 * @example
 * ```ts
 * const clock = new BacktestClock(0);
 * const market = new Subject<MarketData>();
 * const client = new FaultyDataClient({ source: market, clock });
 * await client.connect();
 * client.goSilent({ untilSubscribes: 1 });   // CONNECTED, yet nothing arrives until a resubscribe
 * client.close({ refuseAttempts: 3 });       // DISCONNECTED; the next three connect() calls fail
 * client.faults.duplicateEvery = 1;          // every message twice
 * ```
 */
export class FaultyDataClient implements DataClient {
  readonly id: string;
  readonly events: Observable<MarketData>;
  readonly connection: Observable<ConnectionStatus>;
  /** The message faults in force. */
  readonly faults: DataFaults = { duplicateEvery: 0, reorderWindow: 0, reorder: 'reverse' };
  /** What happened to the source's messages: delivered (copies not counted), lost, sent twice. */
  readonly stats = { delivered: 0, lost: 0, duplicated: 0 };
  /** Every `connect()` call, in order. */
  readonly connectAttempts: ConnectAttempt[] = [];
  /** Every `subscribe` call, as `KIND instrumentId`, in order. */
  readonly subscribeCalls: string[] = [];
  private readonly source: DataClient | undefined;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly subject = new Subject<MarketData>();
  private readonly status = new BehaviorSubject<ConnectionStatus>(ConnectionStatus.DISCONNECTED);
  private readonly active = new Set<string>();
  private readonly subscription: Subscription;
  private readonly bars = new Map<InstrumentId, Bar[]>();
  private readonly latest = new Map<string, MarketData>();
  private readonly books = new Map<InstrumentId, BookState>();
  private held: MarketData[] = [];
  private silence: Silence | undefined;
  private refusal: { attemptsLeft: number; until: number } | undefined;
  private sourceConnected = false;

  constructor(config: FaultyDataClientConfig) {
    const c = parseWith(FaultyDataClientConfigSchema, config, 'FaultyDataClientConfig');
    this.id = c.id;
    this.clock = c.clock;
    this.random = seededRandom(c.seed);
    this.source = isDataClient(c.source) ? c.source : undefined;
    this.events = this.subject.asObservable();
    this.connection = this.status.asObservable();
    const feed = isDataClient(c.source) ? c.source.events : c.source;
    this.subscription = feed.subscribe({ next: (event) => this.onSourceEvent(event) });
  }

  /** Whether the connection is up. */
  get connected(): boolean {
    return this.status.value === ConnectionStatus.CONNECTED;
  }

  /** Messages held for reordering. */
  get heldMessages(): number {
    return this.held.length;
  }

  /**
   * Connects: refused with a `NetworkError` while a {@link close} says so, else `CONNECTED` (after
   * `RECONNECTING` when it had been connected before). The first connect also connects a
   * `DataClient` source (a replay plays its recording then).
   */
  async connect(): Promise<void> {
    const ts = this.clock.now();
    if (this.connected) {
      this.connectAttempts.push({ ts, accepted: true });
      return;
    }
    const refusal = this.refusal;
    if (refusal !== undefined && (refusal.attemptsLeft > 0 || ts < refusal.until)) {
      refusal.attemptsLeft--;
      this.connectAttempts.push({ ts, accepted: false });
      throw new NetworkError(`${this.id}: connection refused`);
    }
    this.refusal = undefined;
    this.connectAttempts.push({ ts, accepted: true });
    if (this.connectAttempts.some((a, i) => a.accepted && i < this.connectAttempts.length - 1)) this.status.next(ConnectionStatus.RECONNECTING);
    this.status.next(ConnectionStatus.CONNECTED);
    if (this.source !== undefined && !this.sourceConnected) {
      this.sourceConnected = true;
      await this.source.connect();
    }
  }

  /** Disconnects cleanly (a later `connect()` succeeds); a `DataClient` source is disconnected too. */
  async disconnect(): Promise<void> {
    this.held = [];
    if (this.status.value !== ConnectionStatus.DISCONNECTED) this.status.next(ConnectionStatus.DISCONNECTED);
    if (this.source !== undefined && this.sourceConnected) await this.source.disconnect();
  }

  /** Ends the client: the source is no longer listened to and `events` completes. */
  dispose(): void {
    this.subscription.unsubscribe();
    this.subject.complete();
  }

  subscribe(subscription: DataSubscription): void {
    const key = keyOf(subscription);
    this.active.add(key);
    this.subscribeCalls.push(key);
    this.source?.subscribe(subscription);
    const s = this.silence;
    if (s !== undefined && (s.key === undefined || s.key === key) && --s.subscribesLeft === 0) this.silence = undefined;
  }

  unsubscribe(subscription: DataSubscription): void {
    this.active.delete(keyOf(subscription));
    this.source?.unsubscribe(subscription);
  }

  /** The active subscriptions, as `KIND instrumentId`. */
  subscriptions(): readonly string[] {
    return [...this.active];
  }

  /**
   * The bars with `ts` in `[start, end]`, oldest first: from a `DataClient` source, or from every bar
   * the Observable source produced, delivered or not.
   */
  requestBars(instrumentId: InstrumentId, start: number, end: number): Promise<readonly Bar[]> {
    if (this.source !== undefined) return this.source.requestBars(instrumentId, start, end);
    if (!Number.isFinite(start)) return Promise.reject(new ValidationError([{ path: ['start'], message: `must be a finite number (epoch ms), got ${String(start)}` }]));
    if (!Number.isFinite(end) || end < start)
      return Promise.reject(new ValidationError([{ path: ['end'], message: `must be a finite number (epoch ms) >= start (${start}), got ${String(end)}` }]));
    return Promise.resolve((this.bars.get(instrumentId) ?? []).filter((b) => b.ts >= start && b.ts <= end));
  }

  /**
   * The current state of a subscription: the source's answer when it is a `DataClient` that has
   * `requestSnapshot`, else the latest bar, trade or quote seen, or the book built from the snapshots
   * and deltas seen.
   */
  requestSnapshot(subscription: DataSubscription): Promise<MarketData | undefined> {
    if (this.source?.requestSnapshot !== undefined) return this.source.requestSnapshot(subscription);
    if (subscription.kind !== 'BOOKS') return Promise.resolve(this.latest.get(keyOf(subscription)));
    const book = this.books.get(subscription.instrumentId);
    if (book === undefined) return Promise.resolve(undefined);
    const levels = (side: Map<number, number>, descending: boolean): BookLevel[] =>
      [...side].sort(([a], [b]) => (descending ? b - a : a - b)).map(([price, size]) => ({ price, size }));
    const snapshot: OrderBookSnapshot = {
      type: 'OrderBookSnapshot',
      instrumentId: subscription.instrumentId,
      ts: book.ts,
      sequence: book.sequence,
      bids: levels(book.bids, true),
      asks: levels(book.asks, false),
    };
    return Promise.resolve(snapshot);
  }

  /**
   * The feed goes silent without closing: the connection stays CONNECTED and messages are lost, until
   * `untilSubscribes` subscribe calls, `forMs` on the clock, or {@link resume}, whichever comes first
   * (none of them given: until `resume`).
   */
  goSilent(options: SilenceOptions = {}): void {
    const untilSubscribes = options.untilSubscribes ?? 0;
    const forMs = options.forMs ?? Infinity;
    if (!Number.isInteger(untilSubscribes) || untilSubscribes < 0)
      throw new ValidationError([{ path: ['untilSubscribes'], message: `must be a whole number >= 0, got ${untilSubscribes}` }]);
    if (!(forMs > 0)) throw new ValidationError([{ path: ['forMs'], message: `must be a positive number of ms, got ${forMs}` }]);
    this.silence = {
      key: options.subscription === undefined ? undefined : keyOf(options.subscription),
      subscribesLeft: untilSubscribes === 0 ? Infinity : untilSubscribes,
      until: this.clock.now() + forMs,
    };
  }

  /** Ends a silence. */
  resume(): void {
    this.silence = undefined;
  }

  /**
   * The socket closes: `DISCONNECTED`, messages are lost, held ones too, and the next `refuseAttempts`
   * connects, and every connect until `refuseForMs` after now, are refused.
   */
  close(options: CloseOptions = {}): void {
    const attempts = options.refuseAttempts ?? 0;
    const forMs = options.refuseForMs ?? 0;
    if (!Number.isInteger(attempts) || attempts < 0) throw new ValidationError([{ path: ['refuseAttempts'], message: `must be a whole number >= 0, got ${attempts}` }]);
    if (!(forMs >= 0) || !Number.isFinite(forMs)) throw new ValidationError([{ path: ['refuseForMs'], message: `must be a finite number of ms >= 0, got ${forMs}` }]);
    this.refusal = { attemptsLeft: attempts, until: this.clock.now() + forMs };
    this.stats.lost += this.held.length;
    this.held = [];
    if (this.status.value !== ConnectionStatus.DISCONNECTED) this.status.next(ConnectionStatus.DISCONNECTED);
  }

  /** Sends the messages held for reordering now, reordered as a window would be. */
  flush(): void {
    const window = this.held;
    this.held = [];
    if (this.faults.reorder === 'reverse') window.reverse();
    else
      for (let i = window.length - 1; i > 0; i--) {
        // Fisher-Yates.
        const j = Math.floor(this.random() * (i + 1));
        [window[i], window[j]] = [window[j]!, window[i]!];
      }
    for (const event of window) this.deliver(event);
  }

  private onSourceEvent(event: MarketData): void {
    this.record(event);
    const key = `${marketDataKind(event)} ${event.instrumentId}`;
    if (!this.active.has(key)) return;
    if (!this.connected || this.silenced(key)) {
      this.stats.lost++;
      return;
    }
    if (this.faults.reorderWindow > 1) {
      this.held.push(event);
      if (this.held.length >= this.faults.reorderWindow) this.flush();
      return;
    }
    this.deliver(event);
  }

  private silenced(key: string): boolean {
    const s = this.silence;
    if (s === undefined) return false;
    if (this.clock.now() >= s.until) {
      this.silence = undefined;
      return false;
    }
    return s.key === undefined || s.key === key;
  }

  private deliver(event: MarketData): void {
    this.stats.delivered++;
    this.subject.next(event);
    if (this.faults.duplicateEvery > 0 && this.stats.delivered % this.faults.duplicateEvery === 0) {
      this.stats.duplicated++;
      this.subject.next(event);
    }
  }

  /** What the venue knows whatever reached the client: history and the latest state. */
  private record(event: MarketData): void {
    if (this.source !== undefined && event.type === 'Bar') return; // the source answers history itself
    switch (event.type) {
      case 'Bar': {
        const bars = this.bars.get(event.instrumentId) ?? [];
        if (bars.length === 0) this.bars.set(event.instrumentId, bars);
        bars.push(event);
        this.latest.set(`BARS ${event.instrumentId}`, event);
        break;
      }
      case 'Trade':
        this.latest.set(`TRADES ${event.instrumentId}`, event);
        break;
      case 'Quote':
        this.latest.set(`QUOTES ${event.instrumentId}`, event);
        break;
      case 'OrderBookSnapshot':
        this.books.set(event.instrumentId, {
          ts: event.ts,
          sequence: event.sequence,
          bids: new Map(event.bids.map((l) => [l.price, l.size])),
          asks: new Map(event.asks.map((l) => [l.price, l.size])),
        });
        break;
      case 'OrderBookDelta': {
        const book = this.books.get(event.instrumentId);
        if (book === undefined) break; // a delta without a book to apply it to
        book.ts = event.ts;
        book.sequence = event.sequence;
        for (const [side, levels] of [
          [book.bids, event.bids],
          [book.asks, event.asks],
        ] as const)
          for (const l of levels) {
            if (l.size === 0) side.delete(l.price);
            else side.set(l.price, l.size);
          }
      }
    }
  }
}

function keyOf(subscription: DataSubscription): string {
  if (typeof subscription !== 'object' || subscription === null) throw new ValidationError([{ path: ['subscription'], message: 'must be { kind, instrumentId }' }]);
  return `${subscription.kind} ${subscription.instrumentId}`;
}
