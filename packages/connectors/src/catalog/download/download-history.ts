/**
 * History from any ccxt exchange into a market-data catalog: bars through `fetchOHLCV`, trades through
 * `fetchTrades`, page by page inside the exchange's rate limit, written as it arrives so that a killed
 * download keeps what it wrote, and resumed from what the catalog holds.
 *
 * What makes a rerun fetch nothing twice and lose nothing:
 *
 * - Pages are time windows that partition the requested range: `[since, until)` of `limit` bars for
 *   bars; for trades a window that is halved while the venue returns a full page (the venue may have cut
 *   it, at either end) and doubled again while pages come back sparse. Every window written is complete,
 *   so a millisecond's trades never straddle two writes, and the catalog's last stored event says where
 *   the next run starts (`ranges()`).
 * - A batch of complete windows is written in one all-or-nothing catalog write. A process that dies
 *   between a fetch and its write loses that batch only; the rerun fetches it again, since the catalog
 *   does not hold it.
 * - A bar still forming is never stored (`ts + timeframe > now`), nor a trade at or after `now`.
 */
import type { Exchange, OHLCV, Trade as CcxtTrade } from 'ccxt';
import { ErrorCode, LiveClock, RxTradeError, ValidationError, parseWith, silentLogger, type Bar, type Clock, type InstrumentId, type Logger, type MarketData, type Trade } from '@rxtrade/core';
import { backoffDelay, seededRandom, type BackoffPolicy } from '../../live/watchdog/backoff';
import { exchangeSecrets } from '../../ccxt/ccxt-caller';
import { timeframeMs } from '../../ccxt/ccxt-data-client';
import { CcxtErrorKind, classifyCcxtError, toRxTradeError } from '../../ccxt/ccxt-errors';
import { ccxtInstrumentSymbol, loadCcxtInstruments, type CcxtInstruments } from '../../ccxt/ccxt-instruments';
import type { MarketDataCatalog } from '../market-data-catalog';
import { DownloadHistoryOptionsSchema, type DownloadHistoryOptions, type DownloadProgress } from './download-config';
import { missingSpans, tradePaging, type TimeSpan } from './history-paging';

/**
 * What a download did for one instrument.
 *
 * @example
 * ```ts
 * for (const i of summary.instruments) console.log(i.instrumentId, i.rows, i.requests, i.fetchedSpans.length);
 * ```
 */
export interface InstrumentDownload {
  readonly instrumentId: InstrumentId;
  /** The ccxt unified symbol. */
  readonly symbol: string;
  /** The spans of the requested range the catalog did not hold, which this run fetched (or was fetching). */
  readonly fetchedSpans: readonly TimeSpan[];
  /** Events written to the catalog. */
  readonly rows: number;
  /** Requests sent, retries included. */
  readonly requests: number;
  /** Requests repeated after throttling or a failure in transit. */
  readonly retries: number;
  /** Times of the first and last event written, epoch ms (absent when none was). */
  readonly first?: number;
  readonly last?: number;
  /** Events of the venue left out: a trade without a time, a price or a positive amount. */
  readonly dropped: number;
  /** What the venue could not give (Bybit serves its latest trades only). */
  readonly notes: readonly string[];
}

/**
 * What {@link downloadHistory} did.
 *
 * @example
 * ```ts
 * const { rows, requests } = await downloadHistory(options);
 * ```
 */
export interface DownloadSummary {
  readonly dataType: 'bars' | 'trades';
  /** Bars only. */
  readonly timeframe?: string;
  /** The requested range, epoch ms, `end` excluded. */
  readonly start: number;
  readonly end: number;
  readonly instruments: readonly InstrumentDownload[];
  /** Events written, all instruments. */
  readonly rows: number;
  /** Requests sent, all instruments, retries included. */
  readonly requests: number;
  readonly retries: number;
}

/**
 * A download stopped before its end: aborted through its `signal`, or a request that still failed after
 * its retries (or a catalog write that failed). Everything in `summary` was written; a rerun with the
 * same options fetches only the rest.
 *
 * @example
 * ```ts
 * try { await downloadHistory(options) } catch (e) { if (e instanceof DownloadInterruptedError) console.log(e.reason, e.summary.rows) }
 * ```
 */
export class DownloadInterruptedError extends RxTradeError {
  /**
   * @param reason `aborted` (the signal) or `failed`.
   * @param summary what was written before the stop.
   * @param instrumentId the instrument being downloaded.
   * @param cause the signal's reason, or the error (an rxtrade error, without the request or credentials).
   */
  constructor(
    readonly reason: 'aborted' | 'failed',
    readonly summary: DownloadSummary,
    readonly instrumentId: InstrumentId | undefined,
    cause: unknown,
  ) {
    super(
      reason === 'aborted' ? ErrorCode.STATE : cause instanceof RxTradeError ? cause.code : ErrorCode.NETWORK,
      `download of ${summary.dataType}${instrumentId === undefined ? '' : ` of ${instrumentId}`} ${reason === 'aborted' ? 'aborted' : `failed: ${cause instanceof Error ? cause.message : String(cause)}`}; ` +
        `${summary.rows} events written, a rerun fetches the rest`,
      { cause },
    );
  }
}

/** Thrown inside a download when its signal aborts; turned into a DownloadInterruptedError. */
class Aborted extends Error {}

interface Progress {
  instrumentId: InstrumentId;
  symbol: string;
  fetchedSpans: TimeSpan[];
  rows: number;
  requests: number;
  retries: number;
  first: number | undefined;
  last: number | undefined;
  dropped: number;
  notes: string[];
  fetched: number;
}

/**
 * Downloads bars or trades of some symbols from a ccxt exchange into a catalog, fetching only what the
 * catalog does not hold for the requested range.
 *
 * Requests go through the exchange's own throttler (`enableRateLimit`, on by default in ccxt), one at a
 * time; a request the venue throttles (429, `RateLimitExceeded`, `DDoSProtection`) or that fails in
 * transit (`NetworkError`, `RequestTimeout`, 5xx) is repeated after a backoff wait, up to `retries`
 * times. Symbols become instrument ids as the ccxt adapters name them (`BTC/USDT` on `binance` is
 * `BTCUSDT.BINANCE`), so downloaded and live data share ids.
 *
 * @returns what was written; rejects with a {@link DownloadInterruptedError} (with the same summary) when
 *   aborted or when a request keeps failing, after writing what was fetched.
 * @example
 * ```ts
 * const exchange = new ccxt.binance();
 * const catalog = await ParquetCatalog.open('data/catalog');
 * const summary = await downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'bars', timeframe: '1h', start: new Date('2024-01-01'), onProgress: (p) => console.log(p.instrumentId, p.fetched) });
 * console.log(summary.rows);
 * ```
 */
export async function downloadHistory(options: DownloadHistoryOptions): Promise<DownloadSummary> {
  const o = parseWith(DownloadHistoryOptionsSchema, options, 'options');
  const ex = o.exchange as Exchange;
  const catalog: MarketDataCatalog = o.catalog;
  const clock: Clock = o.clock ?? new LiveClock();
  const logger: Logger = o.logger ?? silentLogger;
  const signal = o.signal;
  const bars = o.dataType === 'bars';
  if (!bars && o.timeframe !== undefined) throw new ValidationError([{ path: ['options', 'timeframe'], message: 'is for bars only' }]);
  const timeframe = o.timeframe ?? '1m';
  let tf = 1;
  if (bars) {
    try {
      tf = timeframeMs(timeframe);
    } catch {
      throw new ValidationError([{ path: ['options', 'timeframe'], message: `${timeframe} is not a ccxt timeframe (1m, 5m, 1h, 1d...)` }]);
    }
    const known = ex.timeframes as Record<string, unknown> | undefined;
    if (known !== undefined && Object.keys(known).length > 0 && known[timeframe] === undefined)
      throw new ValidationError([{ path: ['options', 'timeframe'], message: `${ex.id} has no timeframe ${timeframe} (its timeframes: ${Object.keys(known).join(', ')})` }]);
  }
  const method = bars ? 'fetchOHLCV' : 'fetchTrades';
  if ((ex.has as Record<string, unknown>)[method] !== true) throw new RxTradeError(ErrorCode.UNSUPPORTED, `${ex.id} has no ${method}: it cannot give ${o.dataType}`);
  if ((ex as unknown as { enableRateLimit?: unknown }).enableRateLimit === false)
    throw new ValidationError([{ path: ['options', 'exchange'], message: `enableRateLimit is off: a download sends request after request, and the venue would throttle or ban them (leave ccxt's enableRateLimit on)` }]);
  const now = clock.now();
  const start = o.start;
  const end = o.end ?? now;
  if (!(end > start)) throw new ValidationError([{ path: ['options', 'end'], message: `must be after start (${new Date(start).toISOString()}), got ${new Date(end).toISOString()}` }]);

  const venue = o.instruments?.venue ?? o.venue ?? ex.id.toUpperCase().replace(/[^A-Z0-9_-]/g, '');
  const policy: BackoffPolicy = o.backoff;
  const random = policy.seed !== undefined ? seededRandom(policy.seed) : Math.random;
  const done: Progress[] = [];
  let current: Progress | undefined;

  const summary = (): DownloadSummary => {
    const all = current !== undefined && !done.includes(current) ? [...done, current] : done;
    const instruments = all.map((p): InstrumentDownload => ({
      instrumentId: p.instrumentId,
      symbol: p.symbol,
      fetchedSpans: [...p.fetchedSpans],
      rows: p.rows,
      requests: p.requests,
      retries: p.retries,
      ...(p.first !== undefined ? { first: p.first, last: p.last! } : {}),
      dropped: p.dropped,
      notes: [...p.notes],
    }));
    return {
      dataType: o.dataType,
      ...(bars ? { timeframe } : {}),
      start,
      end,
      instruments,
      rows: instruments.reduce((n, i) => n + i.rows, 0),
      requests: instruments.reduce((n, i) => n + i.requests, 0),
      retries: instruments.reduce((n, i) => n + i.retries, 0),
    };
  };

  /** Waits `ms` on the clock, or until the signal aborts. */
  const wait = (ms: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const onAbort = (): void => {
        timer.cancel();
        reject(new Aborted());
      };
      const timer = clock.setTimer(clock.now() + Math.max(0, ms), () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  /** One request, raced against the signal (a read abandoned in flight is harmless). */
  const send = <T>(fn: () => Promise<T>): Promise<T> => {
    if (signal?.aborted === true) return Promise.reject(new Aborted());
    const call = fn();
    if (signal === undefined) return call;
    call.catch(() => undefined);
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(new Aborted());
      signal.addEventListener('abort', onAbort, { once: true });
      call.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  };

  /** A read with retries after throttling and failures in transit; other errors mapped and thrown. */
  const read = async <T>(operation: string, fn: () => Promise<T>, p?: Progress): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      if (p !== undefined) p.requests++;
      try {
        return await send(fn);
      } catch (error) {
        if (error instanceof Aborted) throw error;
        const kind = classifyCcxtError(error);
        const mapped = toRxTradeError(error, { venue, operation, secrets: exchangeSecrets(ex) });
        if ((kind !== CcxtErrorKind.RATE_LIMIT && kind !== CcxtErrorKind.UNKNOWN_OUTCOME) || attempt >= o.retries) throw mapped;
        if (p !== undefined) p.retries++;
        const ms = backoffDelay(attempt, policy, random());
        logger.warn(`${venue} ${operation}: retrying in ${ms} ms (${attempt + 1} of ${o.retries})`, { error: mapped.message });
        await wait(ms);
      }
    }
  };

  let instruments: CcxtInstruments;
  let symbols: string[];
  try {
    ({ instruments, symbols } = await resolveSymbols(ex, o.symbols, venue, o.instruments, (fn) => read('loadMarkets', fn)));
  } catch (error) {
    if (error instanceof Aborted) throw new DownloadInterruptedError('aborted', summary(), undefined, signal?.reason);
    throw error;
  }

  for (let index = 0; index < symbols.length; index++) {
    const symbol = symbols[index]!;
    const market = instruments.marketOf(instruments.instrumentOf(symbol)!.id);
    const p: Progress = { instrumentId: instruments.instrumentOf(symbol)!.id, symbol, fetchedSpans: [], rows: 0, requests: 0, retries: 0, first: undefined, last: undefined, dropped: 0, notes: [], fetched: 0 };
    current = p;
    const batch: MarketData[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const events = batch.splice(0);
      await catalog.write(events);
      p.rows += events.length;
      p.first ??= events[0]!.ts;
      p.last = events[events.length - 1]!.ts;
    };
    try {
      const stored = await catalog.ranges({ dataType: o.dataType, instruments: [p.instrumentId] });
      // Bars never reach past the last closed one, trades never to now: what is left of the range.
      const spans = missingSpans(stored, start, end, tf, o.fillGaps)
        .map((s) => ({ start: s.start, end: Math.min(s.end, bars ? now - tf + 1 : now) }))
        .filter((s) => s.end > s.start);
      const total = spans.reduce((n, s) => n + (s.end - s.start), 0);
      let before = 0;
      const report = (reached: number, span: TimeSpan): void => {
        if (o.onProgress === undefined) return;
        const progress: DownloadProgress = {
          instrumentId: p.instrumentId,
          symbol,
          dataType: o.dataType,
          fetched: p.fetched,
          written: p.rows,
          requests: p.requests,
          reached,
          start,
          end,
          fraction: total === 0 ? 1 : Math.min(1, (before + (reached - span.start)) / total),
          index,
          count: symbols.length,
        };
        o.onProgress(progress);
      };
      const add = async (events: readonly MarketData[]): Promise<void> => {
        for (const e of events) batch.push(e);
        p.fetched += events.length;
        if (batch.length >= o.batchRows) await flush();
      };
      let recent: CcxtTrade[] | undefined;
      for (const span of spans) {
        p.fetchedSpans.push(span);
        if (bars) {
          // never more than the venue serves: a window wider than its page would lose bars
          const max = ohlcvLimit(ex, market.type ?? 'spot');
          const limit = Math.min(o.pageLimit ?? max ?? 500, max ?? Number.MAX_SAFE_INTEGER);
          for (let since = span.start; since < span.end; ) {
            const until = since + limit * tf;
            const page: OHLCV[] = await read('fetchOHLCV', () => ex.fetchOHLCV(symbol, timeframe, since, limit, { until: until - 1 }), p);
            await add(barsOf(p.instrumentId, page, since, Math.min(until, span.end), tf, now));
            since = until;
            report(Math.min(since, span.end), span);
          }
        } else {
          const paging = tradePaging(ex.id);
          const limit = paging.known ? Math.min(o.pageLimit ?? Infinity, paging.limit(market.type ?? 'spot')) : (o.pageLimit ?? paging.limit(market.type ?? 'spot'));
          if (paging.history === 'recent') {
            recent ??= await read('fetchTrades', () => ex.fetchTrades(symbol, undefined, limit), p);
            const sorted = [...recent].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
            const full = recent.length >= limit;
            const oldest = sorted[0]?.timestamp ?? span.end;
            // A full page may have cut the oldest millisecond: only later ones are known to be whole.
            const from = full ? Math.max(span.start, oldest + 1) : span.start;
            if (full && oldest >= span.start)
              p.notes.push(
                `${ex.id} serves only its latest ${limit} trades: those from ${new Date(span.start).toISOString()} to ${new Date(Math.min(oldest, span.end - 1)).toISOString()} are not available`,
              );
            const { trades, dropped } = tradesOf(p.instrumentId, recent, from, span.end);
            p.dropped += dropped;
            await add(trades);
            report(span.end, span);
          } else {
            const unit = paging.timeUnitMs ?? 1;
            const maxWindow = Math.max(unit, Math.floor((paging.maxWindowMs ?? Number.MAX_SAFE_INTEGER) / unit) * unit);
            let window = Math.min(maxWindow, 3_600_000);
            for (let since = span.start; since < span.end; ) {
              const from = Math.floor(since / unit) * unit;
              const to = Math.min(from + window, Math.ceil(span.end / unit) * unit);
              const page: CcxtTrade[] = await read('fetchTrades', () => ex.fetchTrades(symbol, from, limit, { until: to }), p);
              if (page.length >= limit) {
                // The venue cut the page (at either end): ask for half the window.
                if (to - from <= unit)
                  throw new RxTradeError(ErrorCode.UNSUPPORTED, `${ex.id} has ${page.length} trades or more of ${symbol} within ${unit} ms at ${new Date(from).toISOString()}: more than a page (${limit}), which time windows cannot split`);
                window = Math.max(unit, Math.floor((to - from) / 2 / unit) * unit);
                continue;
              }
              const { trades, dropped } = tradesOf(p.instrumentId, page, since, Math.min(to, span.end));
              p.dropped += dropped;
              await add(trades);
              since = Math.min(to, span.end);
              if (page.length < limit / 4) window = Math.min(maxWindow, window * 2);
              report(since, span);
            }
          }
        }
        before += span.end - span.start;
      }
      await flush();
      done.push(p);
    } catch (error) {
      const aborted = error instanceof Aborted;
      // What was fetched is complete: keep it (a batch whose write failed is no longer in `batch`).
      let cause: unknown = aborted ? signal?.reason : error;
      if (batch.length > 0) {
        try {
          await flush();
        } catch (writeError) {
          cause = writeError;
        }
      }
      throw new DownloadInterruptedError(aborted ? 'aborted' : 'failed', summary(), p.instrumentId, cause);
    }
  }
  current = undefined;
  return summary();
}

/** The bars of a page with `ts` in `[from, to)` and closed by `now`, oldest first, each time once. */
function barsOf(instrumentId: InstrumentId, page: readonly OHLCV[], from: number, to: number, tf: number, now: number): Bar[] {
  const out: Bar[] = [];
  const sorted = page.filter((c) => typeof c[0] === 'number').sort((a, b) => a[0]! - b[0]!);
  for (const c of sorted) {
    const ts = c[0]!;
    if (ts < from || ts >= to || ts + tf > now) continue;
    if (out.length > 0 && out[out.length - 1]!.ts === ts) continue;
    out.push({ type: 'Bar', instrumentId, ts, open: c[1]!, high: c[2]!, low: c[3]!, close: c[4]!, volume: c[5] ?? 0 });
  }
  return out;
}

const DIGITS = /^\d{1,15}$/;

/**
 * The trades of a page with `ts` in `[from, to)`, oldest first, each id once. Trades of one millisecond
 * are in the venue's order: by id where the ids are numbers (ccxt sorts them as strings), as ccxt gave
 * them otherwise.
 */
function tradesOf(instrumentId: InstrumentId, page: readonly CcxtTrade[], from: number, to: number): { trades: Trade[]; dropped: number } {
  let dropped = 0;
  const seen = new Set<string>();
  const kept: { t: Trade; i: number }[] = [];
  page.forEach((t, i) => {
    const ts = t.timestamp;
    if (typeof ts !== 'number' || typeof t.price !== 'number' || typeof t.amount !== 'number' || !(t.amount > 0)) {
      dropped++;
      return;
    }
    if (ts < from || ts >= to) return;
    const id = t.id === undefined || t.id === null ? `${ts}:${t.price}:${t.amount}` : String(t.id);
    if (seen.has(id)) return;
    seen.add(id);
    kept.push({ t: { type: 'Trade', instrumentId, ts, price: t.price, size: t.amount, aggressor: t.side === 'buy' ? 'BUYER' : t.side === 'sell' ? 'SELLER' : 'NONE', tradeId: id }, i });
  });
  kept.sort((a, b) => {
    if (a.t.ts !== b.t.ts) return a.t.ts - b.t.ts;
    if (DIGITS.test(a.t.tradeId) && DIGITS.test(b.t.tradeId)) return Number(a.t.tradeId) - Number(b.t.tradeId);
    return a.i - b.i;
  });
  return { trades: kept.map((k) => k.t), dropped };
}

/** `features[type].fetchOHLCV.limit` (or that of its linear contracts), where ccxt says it. */
function ohlcvLimit(ex: Exchange, marketType: string): number | undefined {
  const byType = (ex.features as Record<string, Record<string, unknown> | undefined> | undefined)?.[marketType];
  const f = (byType?.['fetchOHLCV'] ?? (byType?.['linear'] as Record<string, unknown> | undefined)?.['fetchOHLCV']) as { limit?: unknown } | undefined;
  return typeof f?.limit === 'number' && f.limit > 0 ? f.limit : undefined;
}

/** The ccxt symbols of `wanted` (ccxt symbols or instrument ids of the venue) and their instruments. */
async function resolveSymbols(
  ex: Exchange,
  wanted: readonly string[],
  venue: string,
  given: CcxtInstruments | undefined,
  read: (fn: () => Promise<unknown>) => Promise<unknown>,
): Promise<{ instruments: CcxtInstruments; symbols: string[] }> {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const symbols: string[] = [];
  if (given !== undefined) {
    wanted.forEach((s, i) => {
      const instrument = given.instrumentOf(s) ?? given.get(s);
      if (instrument === undefined) issues.push({ path: ['options', 'symbols', i], message: `${s} is not one of the instruments given (${given.venue})` });
      else symbols.push(given.symbolOf(instrument.id));
    });
    if (issues.length > 0) throw new ValidationError(issues);
    return { instruments: given, symbols: [...new Set(symbols)] };
  }
  await read(() => ex.loadMarkets());
  const markets = Object.values(ex.markets ?? {}).filter((m) => m !== undefined);
  wanted.forEach((s, i) => {
    if (ex.markets?.[s] !== undefined) return void symbols.push(s);
    const m = markets.find((x) => `${ccxtInstrumentSymbol(x)}.${venue}` === s);
    if (m !== undefined) return void symbols.push(m.symbol);
    issues.push({ path: ['options', 'symbols', i], message: `${s} is not a market of ${ex.id} (give a ccxt symbol such as BTC/USDT, or an instrument id such as BTCUSDT.${venue})` });
  });
  if (issues.length > 0) throw new ValidationError(issues);
  const unique = [...new Set(symbols)];
  return { instruments: await loadCcxtInstruments(ex, { venue, symbols: unique }), symbols: unique };
}
