/**
 * The market-data half of a ccxt venue. Each subscription is one watch loop over ccxt's WebSocket
 * methods: `watchOHLCV` (bars, published when they close), `watchTrades`, `watchBidsAsks` or
 * `watchTicker` (quotes) and `watchOrderBook` (books, as a snapshot then deltas). Every loop:
 *
 * - reconnects with jittered exponential backoff after a failure;
 * - has a staleness watchdog: a watch call that neither resolves nor fails within `staleAfterMs` (ccxt's
 *   known hung `watchOrderBook`, a socket that went silent without closing) is abandoned and its socket
 *   closed, which counts as a failure;
 * - after a reconnect, takes a REST snapshot (books, quotes) or backfills what it missed (`fetchTrades`
 *   since the last trade, `fetchOHLCV` since the last bar) before the live updates;
 * - keeps books consistent (sequence and crossed-book checks here, the venue's sequence and checksum
 *   rules in ccxt) and resyncs from a REST snapshot when a check fails.
 */
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { z } from 'zod';
import type { Exchange, OHLCV, Trade as CcxtTrade, Ticker } from 'ccxt';
import {
  ConnectionStatus,
  LiveClock,
  MarketDataKind,
  parseWith,
  type Bar,
  type Clock,
  type DataClient,
  type DataSubscription,
  type InstrumentId,
  type Logger,
  type MarketData,
  type Quote,
  type TimerHandle,
  type Trade,
  silentLogger,
} from '@rxtrade/core';
import { BackoffConfigSchema } from '../live/watchdog/backoff';
import { CcxtCaller, sleep } from './ccxt-caller';
import { BookSync } from './ccxt-book';
import { exchangeTraits } from './ccxt-capabilities';
import { CcxtErrorKind, classifyCcxtError } from './ccxt-errors';
import { CcxtInstruments } from './ccxt-instruments';
import { guardWsSequence, resubscribeBook } from './ccxt-ws-sequence';
import { settleCcxtWsPromises } from './ccxt-ws-settle';
import type { CcxtExchange } from './ccxt-types';

const staleLimits = z.strictObject({
  BARS: z.number().int().positive().optional(),
  TRADES: z.number().int().positive().optional(),
  QUOTES: z.number().int().positive().optional(),
  BOOKS: z.number().int().positive().optional(),
});

/**
 * Schema of {@link CcxtDataClientConfig}.
 *
 * @example
 * ```ts
 * parseWith(CcxtDataClientConfigSchema, { exchange, instruments }, 'CcxtDataClientConfig').timeframe; // '1m'
 * ```
 */
export const CcxtDataClientConfigSchema = z.strictObject({
  /** A ccxt pro exchange instance, its markets loaded. */
  exchange: z.custom<CcxtExchange>((v) => typeof v === 'object' && v !== null && typeof (v as Exchange).fetchOHLCV === 'function', 'must be a ccxt exchange instance'),
  /** The instruments that may be subscribed to (`loadCcxtInstruments`). */
  instruments: z.instanceof(CcxtInstruments, { message: 'must be CcxtInstruments (loadCcxtInstruments)' }),
  /** Bar timeframe of `BARS` subscriptions and `requestBars` (ccxt's names: `1m`, `1h`, `1d`; default `1m`). */
  timeframe: z.string().min(1).default('1m'),
  /**
   * How long a watch call may go without an update before its socket counts as silent, in ms: one
   * limit, or one per kind. Defaults: bars two timeframes plus 10 s, trades 60 s, quotes 30 s, books 30 s.
   */
  staleAfterMs: z.union([z.number().int().positive(), staleLimits]).optional(),
  /** Levels per side of published books (default 20). */
  bookDepth: z.number().int().positive().default(20),
  /** Waits between reconnects of a subscription. */
  backoff: BackoffConfigSchema.prefault({}),
  /** After a reconnect, fetch the trades missed since the last one (default true). */
  backfillTrades: z.boolean().default(true),
  /** Logs reconnects and resyncs (never a credential). */
  logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null && typeof (v as Logger).warn === 'function', 'must be a Logger').optional(),
  /**
   * The time of the staleness watchdog, the reconnect and throttling waits, and of which bar has closed
   * (default a `LiveClock`); ccxt's own timers (its keep-alive pings, its throttler) are ccxt's.
   */
  clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && typeof (v as Clock).now === 'function' && typeof (v as Clock).setTimer === 'function', 'must be a Clock').optional(),
});

/**
 * Configuration of a {@link CcxtDataClient}.
 *
 * @example
 * ```ts
 * const config: CcxtDataClientConfig = { exchange, instruments, timeframe: '1h', staleAfterMs: { QUOTES: 10_000 } };
 * ```
 */
export type CcxtDataClientConfig = z.input<typeof CcxtDataClientConfigSchema>;

/** What one subscription's loop has been through. */
export interface CcxtStreamStats {
  readonly kind: MarketDataKind;
  readonly instrumentId: InstrumentId;
  /** Watch calls abandoned because nothing came within `staleAfterMs`. */
  stale: number;
  /** Failures (errors, stale calls) followed by a reconnect. */
  reconnects: number;
  /** Books resynced after a sequence or checksum failure. */
  resyncs: number;
  /** Trades or bars fetched after a reconnect. */
  backfilled: number;
}

class StaleWatch extends Error {
  constructor(ms: number) {
    super(`no update within ${ms} ms`);
  }
}

/**
 * Exchanges whose `watchBidsAsks` subscribes a one-level book topic into the book ccxt keeps per symbol
 * (Bybit's `orderbook.1`, whose snapshots would reset a full book of the same symbol): their quotes are
 * the top of the full book `watchOrderBook` keeps, so quotes and books of one symbol share one topic.
 */
const QUOTES_FROM_BOOK: ReadonlySet<string> = new Set(['bybit']);

const TIMEFRAME_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_592_000_000 };

/** The best bid and ask of a ccxt order book, as the ticker fields a quote is read from. */
function topOfBook(book: { bids: readonly (readonly (number | undefined)[])[]; asks: readonly (readonly (number | undefined)[])[]; timestamp?: number | undefined }): Ticker {
  const bid = book.bids[0];
  const ask = book.asks[0];
  return { bid: bid?.[0], bidVolume: bid?.[1], ask: ask?.[0], askVolume: ask?.[1], timestamp: book.timestamp } as unknown as Ticker;
}

/** A ccxt timeframe in ms (`'1m'` → 60 000). */
export function timeframeMs(timeframe: string): number {
  const m = /^(\d+)([smhdwM])$/.exec(timeframe);
  if (m === null) throw new Error(`timeframe: ${timeframe} is not a ccxt timeframe (1m, 5m, 1h, 1d…)`);
  return Number(m[1]) * TIMEFRAME_MS[m[2]!]!;
}

interface Stream {
  readonly sub: DataSubscription;
  readonly key: string;
  readonly symbol: string;
  readonly stats: CcxtStreamStats;
  active: boolean;
  failing: boolean;
  lastTs: number | undefined;
  lastTradeIds: Set<string>;
  lastCandle: OHLCV | undefined;
  book: BookSync | undefined;
  latest: MarketData | undefined;
}

/**
 * A `DataClient` for any exchange ccxt supports.
 *
 * @example
 * ```ts
 * const data = new CcxtDataClient({ exchange, instruments, timeframe: '1m' });
 * data.events.subscribe((e) => console.log(e.type, e.ts));
 * data.subscribe({ kind: 'QUOTES', instrumentId: instrumentId('BTCUSDT.BINANCE') });
 * await data.connect();
 * ```
 */
export class CcxtDataClient implements DataClient {
  readonly id: string;
  readonly events: Observable<MarketData>;
  readonly connection: Observable<ConnectionStatus>;
  readonly caller: CcxtCaller;
  /** The ccxt exchange instance (read as ccxt's type inside). */
  private readonly ex: Exchange;
  /** The ccxt exchange instance the client drives. */
  get exchange(): CcxtExchange {
    return this.ex;
  }

  private readonly config: z.output<typeof CcxtDataClientConfigSchema>;
  private readonly instruments: CcxtInstruments;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly subject = new Subject<MarketData>();
  private readonly status = new BehaviorSubject<ConnectionStatus>(ConnectionStatus.DISCONNECTED);
  private readonly streams = new Map<string, Stream>();
  private connected = false;
  private readonly tfMs: number;

  constructor(config: CcxtDataClientConfig) {
    this.config = parseWith(CcxtDataClientConfigSchema, config, 'CcxtDataClientConfig');
    this.ex = this.config.exchange as Exchange;
    this.instruments = this.config.instruments;
    this.id = this.instruments.venue;
    this.logger = this.config.logger ?? silentLogger;
    this.tfMs = timeframeMs(this.config.timeframe);
    this.clock = this.config.clock ?? new LiveClock();
    this.caller = new CcxtCaller(this.ex, { venue: this.id, backoff: this.config.backoff, clock: this.clock });
    // Coinbase numbers its messages, Bybit each book topic's; ccxt checks neither: lost or reordered book
    // updates resubscribe the book for a fresh snapshot.
    guardWsSequence(this.ex, (gap) => this.logger.warn(`${this.id}: WebSocket book updates lost (expected ${gap.expected}, got ${gap.got}); book resubscribed`));
    // ccxt sends a subscription after its throttler's wait without observing the send: one on a socket the
    // watchdog (or the venue) closed meanwhile must not become the application's unhandled rejection.
    settleCcxtWsPromises(this.ex);
    this.events = this.subject.asObservable();
    this.connection = this.status.asObservable();
  }

  /** Each subscription's counters. */
  stats(): readonly CcxtStreamStats[] {
    return [...this.streams.values()].map((s) => ({ ...s.stats }));
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    this.connected = true;
    this.status.next(ConnectionStatus.CONNECTED);
    for (const s of this.streams.values()) this.start(s);
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    for (const s of this.streams.values()) s.active = false;
    this.status.next(ConnectionStatus.DISCONNECTED);
    await (this.ex as unknown as { close?: () => Promise<void> }).close?.().catch(() => undefined);
  }

  subscribe(subscription: DataSubscription): void {
    const key = `${subscription.kind}:${subscription.instrumentId}`;
    if (this.streams.has(key)) return;
    const symbol = this.instruments.symbolOf(subscription.instrumentId);
    const stream: Stream = {
      sub: { kind: subscription.kind, instrumentId: subscription.instrumentId },
      key,
      symbol,
      stats: { kind: subscription.kind, instrumentId: subscription.instrumentId, stale: 0, reconnects: 0, resyncs: 0, backfilled: 0 },
      active: false,
      failing: false,
      lastTs: undefined,
      lastTradeIds: new Set(),
      lastCandle: undefined,
      book: subscription.kind === 'BOOKS' ? new BookSync(subscription.instrumentId, this.config.bookDepth) : undefined,
      latest: undefined,
    };
    this.streams.set(key, stream);
    if (this.connected) this.start(stream);
  }

  unsubscribe(subscription: DataSubscription): void {
    const key = `${subscription.kind}:${subscription.instrumentId}`;
    const s = this.streams.get(key);
    if (s === undefined) return;
    s.active = false;
    this.streams.delete(key);
    this.updateStatus();
  }

  private staleAfter(kind: MarketDataKind): number {
    const c = this.config.staleAfterMs;
    if (typeof c === 'number') return c;
    const own = c?.[kind];
    if (own !== undefined) return own;
    switch (kind) {
      case 'BARS':
        return 2 * this.tfMs + 10_000;
      case 'TRADES':
        return 60_000;
      default:
        return 30_000;
    }
  }

  private start(s: Stream): void {
    if (s.active) return;
    s.active = true;
    void this.run(s);
  }

  private updateStatus(): void {
    if (!this.connected) return;
    const failing = [...this.streams.values()].some((s) => s.failing);
    const next = failing ? ConnectionStatus.RECONNECTING : ConnectionStatus.CONNECTED;
    if (this.status.value !== next) this.status.next(next);
  }

  private watch(s: Stream): Promise<unknown> {
    const ex = this.ex;
    const has = ex.has as Record<string, unknown>;
    switch (s.sub.kind) {
      case 'BARS':
        return ex.watchOHLCV(s.symbol, this.config.timeframe);
      case 'TRADES':
        return ex.watchTrades(s.symbol);
      case 'QUOTES':
        if (QUOTES_FROM_BOOK.has(ex.id)) return ex.watchOrderBook(s.symbol).then((book) => topOfBook(book));
        return has['watchBidsAsks'] === true ? ex.watchBidsAsks([s.symbol]).then((t) => t[s.symbol]) : ex.watchTicker(s.symbol);
      default:
        return ex.watchOrderBook(s.symbol);
    }
  }

  /** A watch call raced against the staleness limit; a stale call's late outcome is ignored. */
  private async watchOrStale(s: Stream): Promise<unknown> {
    const ms = this.staleAfter(s.sub.kind);
    const call = this.watch(s);
    let timer: TimerHandle | undefined;
    const stale = new Promise<never>((_, reject) => {
      timer = this.clock.setTimer(this.clock.now() + ms, () => reject(new StaleWatch(ms)));
    });
    try {
      return await Promise.race([call, stale]);
    } finally {
      timer?.cancel();
      call.catch(() => undefined);
    }
  }

  /** Closes the exchange's sockets that carry this subscription (all of them when none can be told apart). */
  private closeSockets(s: Stream): void {
    const clients = (this.ex as unknown as { clients?: Record<string, { subscriptions?: Record<string, unknown>; close?: () => unknown }> }).clients ?? {};
    const market = this.instruments.marketOf(s.sub.instrumentId);
    const needles = [String(market.id).toLowerCase(), s.symbol.toLowerCase()];
    const all = Object.values(clients);
    const mine = all.filter((c) => Object.keys(c.subscriptions ?? {}).some((k) => needles.some((n) => k.toLowerCase().includes(n))));
    for (const c of mine.length > 0 ? mine : all) {
      try {
        void Promise.resolve(c.close?.()).catch(() => undefined);
      } catch {
        // already closed
      }
    }
  }

  private async run(s: Stream): Promise<void> {
    let attempt = 0;
    let recover = false;
    while (s.active && this.connected) {
      try {
        if (recover) {
          await this.recover(s);
          recover = false;
        }
        const value = await this.watchOrStale(s);
        if (!s.active) return;
        if (s.failing) {
          s.failing = false;
          this.updateStatus();
        }
        attempt = 0;
        const resync = this.handle(s, value);
        if (resync !== undefined) {
          s.stats.resyncs++;
          this.logger.warn(`${this.id}: book ${s.sub.instrumentId} resynced: ${resync}`);
          this.resetCcxtBook(s);
          recover = true;
        }
      } catch (error) {
        if (!s.active) return;
        const stale = error instanceof StaleWatch;
        if (stale) {
          s.stats.stale++;
          this.closeSockets(s);
        }
        const kind = classifyCcxtError(error);
        if (s.sub.kind === 'BOOKS' && kind === CcxtErrorKind.TIMESTAMP) {
          // ccxt's ChecksumError (an InvalidNonce): the venue's sequence or checksum did not match.
          s.stats.resyncs++;
          this.resetCcxtBook(s);
        }
        s.stats.reconnects++;
        s.failing = true;
        this.updateStatus();
        this.logger.warn(`${this.id}: ${s.key} ${stale ? 'went silent' : 'failed'}; reconnecting`, { error: stale ? (error as Error).message : this.caller.map(error, 'watch').message });
        recover = true;
        await sleep(this.clock, this.caller.delay(attempt++));
      }
    }
  }

  /**
   * Forgets the book, here and in ccxt: the next watched book is a fresh snapshot (on Bybit and Coinbase,
   * whose snapshots come only with a subscription, the book is subscribed again).
   */
  private resetCcxtBook(s: Stream): void {
    s.book?.reset();
    resubscribeBook(this.ex, s.symbol);
  }

  /** After a reconnect: a REST snapshot (books, quotes) or the trades and bars missed. */
  private async recover(s: Stream): Promise<void> {
    try {
      switch (s.sub.kind) {
        case 'BOOKS': {
          s.book?.reset();
          const snap = await this.caller.read('fetchOrderBook', () => this.ex.fetchOrderBook(s.symbol, this.config.bookDepth));
          const out = s.book!.update(snap, this.clock.now());
          if (out !== undefined && !('reason' in out)) this.publish(s, out);
          // The next watched book starts from its own snapshot: compare it as a snapshot, not a delta.
          s.book!.reset();
          break;
        }
        case 'QUOTES': {
          const q = await this.fetchQuote(s);
          if (q !== undefined && (s.lastTs === undefined || q.ts >= s.lastTs)) this.publish(s, q);
          break;
        }
        case 'TRADES': {
          if (!this.config.backfillTrades || s.lastTs === undefined) break;
          // ccxt's Coinbase refuses `since` without `until`, and Coinbase requires `limit` (at most 1000)
          const bounded = exchangeTraits(this.ex.id).tradesSinceNeedsUntil === true;
          const params = bounded ? { until: this.clock.now() } : {};
          const trades = await this.caller.read('fetchTrades', () => this.ex.fetchTrades(s.symbol, s.lastTs, bounded ? 1000 : undefined, params));
          const n = this.handleTrades(s, trades);
          s.stats.backfilled += n;
          break;
        }
        case 'BARS': {
          if (s.lastCandle === undefined) break;
          const since = s.lastCandle[0]!;
          const candles = await this.caller.read('fetchOHLCV', () => this.ex.fetchOHLCV(s.symbol, this.config.timeframe, since));
          const before = s.lastTs;
          this.handleCandles(s, candles);
          if (s.lastTs !== before) s.stats.backfilled += candles.filter((c) => c[0]! > (before ?? -1) && c[0]! + this.tfMs <= this.clock.now()).length;
          break;
        }
      }
    } catch (error) {
      this.logger.warn(`${this.id}: ${s.key} recovery failed`, { error: this.caller.map(error, 'recover').message });
    }
  }

  /** Handles one watched value; returns a reason when the book must be resynced. */
  private handle(s: Stream, value: unknown): string | undefined {
    switch (s.sub.kind) {
      case 'BARS':
        this.handleCandles(s, value as OHLCV[]);
        return undefined;
      case 'TRADES':
        this.handleTrades(s, value as CcxtTrade[]);
        return undefined;
      case 'QUOTES': {
        const q = this.quoteOf(s, value as Ticker | undefined);
        const last = s.latest?.type === 'Quote' ? s.latest : undefined;
        // a book update below the top leaves the quote as it was
        if (q !== undefined && !(last !== undefined && last.bid === q.bid && last.ask === q.ask && last.bidSize === q.bidSize && last.askSize === q.askSize)) this.publish(s, q);
        return undefined;
      }
      default: {
        const out = s.book!.update(value as Parameters<BookSync['update']>[0], this.clock.now());
        if (out === undefined) return undefined;
        if ('reason' in out) return out.reason;
        this.publish(s, out);
        return undefined;
      }
    }
  }

  private publish(s: Stream, event: MarketData): void {
    s.latest = event;
    s.lastTs = event.ts;
    this.subject.next(event);
  }

  /** Publishes the bars that have closed: a candle is final once a later one exists (or its time is over). */
  private handleCandles(s: Stream, candles: readonly OHLCV[]): void {
    const sorted = [...candles].filter((c) => typeof c[0] === 'number').sort((a, b) => a[0]! - b[0]!);
    for (const c of sorted) {
      const last = s.lastCandle;
      if (last !== undefined && c[0]! < last[0]!) continue;
      if (last !== undefined && c[0]! > last[0]! && (s.lastTs === undefined || last[0]! > s.lastTs)) this.publish(s, this.barOf(s, last));
      s.lastCandle = c;
    }
    const last = s.lastCandle;
    if (last !== undefined && last[0]! + this.tfMs <= this.clock.now() && (s.lastTs === undefined || last[0]! > s.lastTs) && sorted.length > 1) {
      // History (a backfill) whose last bar is over: it is final too.
      this.publish(s, this.barOf(s, last));
    }
  }

  private barOf(s: Stream, c: OHLCV): Bar {
    return { type: 'Bar', instrumentId: s.sub.instrumentId, ts: c[0]!, open: c[1]!, high: c[2]!, low: c[3]!, close: c[4]!, volume: c[5] ?? 0 };
  }

  /** Publishes trades not seen yet (by id, at or after the last trade's time); returns how many. */
  private handleTrades(s: Stream, trades: readonly CcxtTrade[]): number {
    let n = 0;
    const sorted = [...trades].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    for (const t of sorted) {
      const ts = t.timestamp;
      const id = t.id === undefined || t.id === null ? `${ts}:${t.price}:${t.amount}` : String(t.id);
      if (ts === undefined || ts === null || t.price === undefined || t.amount === undefined || !(t.amount! > 0)) continue;
      if (s.lastTs !== undefined && ts < s.lastTs) continue;
      if (s.lastTradeIds.has(id)) continue;
      if (s.lastTs !== undefined && ts > s.lastTs) s.lastTradeIds.clear();
      s.lastTradeIds.add(id);
      const trade: Trade = { type: 'Trade', instrumentId: s.sub.instrumentId, ts, price: t.price, size: t.amount!, aggressor: t.side === 'buy' ? 'BUYER' : t.side === 'sell' ? 'SELLER' : 'NONE', tradeId: id };
      this.publish(s, trade);
      n++;
    }
    return n;
  }

  private quoteOf(s: Stream, t: Ticker | undefined): Quote | undefined {
    if (t === undefined || typeof t.bid !== 'number' || typeof t.ask !== 'number' || !(t.bid > 0) || !(t.ask > 0) || t.bid > t.ask) return undefined;
    return { type: 'Quote', instrumentId: s.sub.instrumentId, ts: t.timestamp ?? this.clock.now(), bid: t.bid, ask: t.ask, bidSize: t.bidVolume ?? 0, askSize: t.askVolume ?? 0 };
  }

  private async fetchQuote(s: Stream): Promise<Quote | undefined> {
    const has = this.ex.has as Record<string, unknown>;
    const ticker = has['fetchBidsAsks'] === true ? (await this.caller.read('fetchBidsAsks', () => this.ex.fetchBidsAsks([s.symbol])))[s.symbol] : await this.caller.read('fetchTicker', () => this.ex.fetchTicker(s.symbol));
    return this.quoteOf(s, ticker);
  }

  /**
   * Bars with `ts` in `[start, end]`, oldest first, from `fetchOHLCV` page by page; the bar still
   * forming is left out.
   */
  async requestBars(instrumentId: InstrumentId, start: number, end: number): Promise<readonly Bar[]> {
    const symbol = this.instruments.symbolOf(instrumentId);
    const features = this.ex.features as Record<string, Record<string, unknown> | undefined> | undefined;
    const type = this.instruments.marketOf(instrumentId).type ?? 'spot';
    const byType = features?.[type];
    const f = (byType?.['fetchOHLCV'] ?? (byType?.['linear'] as Record<string, unknown> | undefined)?.['fetchOHLCV']) as { limit?: number } | undefined;
    const limit = f?.limit ?? 500;
    const bars: Bar[] = [];
    const now = this.clock.now();
    let since = start;
    for (let pages = 0; since <= end && pages < 10_000; pages++) {
      const page = await this.caller.read('fetchOHLCV', () => this.ex.fetchOHLCV(symbol, this.config.timeframe, since, limit));
      let last = -Infinity;
      for (const c of page) {
        const ts = c[0]!;
        last = Math.max(last, ts);
        if (ts < since || ts < start || ts > end || ts + this.tfMs > now) continue;
        bars.push({ type: 'Bar', instrumentId, ts, open: c[1]!, high: c[2]!, low: c[3]!, close: c[4]!, volume: c[5] ?? 0 });
      }
      if (page.length === 0 || last < since) break;
      since = last + 1;
      if (page.length < limit) break;
    }
    const seen = new Set<number>();
    return bars.filter((b) => (seen.has(b.ts) ? false : (seen.add(b.ts), true))).sort((a, b) => a.ts - b.ts);
  }

  /** The current state of one subscription from REST: the book, the quote, the last trade, the last closed bar. */
  async requestSnapshot(subscription: DataSubscription): Promise<MarketData | undefined> {
    const symbol = this.instruments.symbolOf(subscription.instrumentId);
    const id = subscription.instrumentId;
    switch (subscription.kind) {
      case 'BOOKS': {
        const book = await this.caller.read('fetchOrderBook', () => this.ex.fetchOrderBook(symbol, this.config.bookDepth));
        const sync = new BookSync(id, this.config.bookDepth);
        const out = sync.update(book, this.clock.now());
        return out !== undefined && !('reason' in out) ? out : undefined;
      }
      case 'QUOTES':
        return this.fetchQuote({ sub: subscription, symbol } as Stream);
      case 'TRADES': {
        const trades = await this.caller.read('fetchTrades', () => this.ex.fetchTrades(symbol, undefined, 1));
        const t = trades[trades.length - 1];
        if (t === undefined || t.timestamp === undefined) return undefined;
        return { type: 'Trade', instrumentId: id, ts: t.timestamp, price: t.price ?? 0, size: t.amount ?? 0, aggressor: t.side === 'buy' ? 'BUYER' : t.side === 'sell' ? 'SELLER' : 'NONE', tradeId: String(t.id) };
      }
      default: {
        const now = this.clock.now();
        const candles = await this.caller.read('fetchOHLCV', () => this.ex.fetchOHLCV(symbol, this.config.timeframe, now - 3 * this.tfMs));
        const closed = candles.filter((c) => c[0]! + this.tfMs <= now);
        const c = closed[closed.length - 1];
        return c === undefined ? undefined : { type: 'Bar', instrumentId: id, ts: c[0]!, open: c[1]!, high: c[2]!, low: c[3]!, close: c[4]!, volume: c[5] ?? 0 };
      }
    }
  }
}
