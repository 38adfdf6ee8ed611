/**
 * downloadHistory with the real ccxt client against the fake Binance spot: bars paged from
 * `/api/v3/klines`, trades from `/api/v3/aggTrades` in windows under an hour, each equal to the scripted
 * tape; a download aborted half-way and one stopped by a burst of failures beyond its retries, each
 * resumed to exactly the history without asking again for what the catalog holds; the exchange's rate
 * limit and the backoff after throttling kept.
 */
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NetworkError, ValidationError, instrumentId, type Bar, type Trade } from '@rxtrade/core';
import { binanceCcxtOptions } from '../../ccxt/__fixtures__/fake-binance/ccxt-options';
import { FakeBinance } from '../../ccxt/__fixtures__/fake-binance/fake-binance';
import type { PublicTrade } from '../../ccxt/__fixtures__/fake-exchange/types';
import type { MarketDataCatalog } from '../market-data-catalog';
import type { ParquetCatalog } from '../parquet-catalog';
import { DownloadInterruptedError, downloadHistory } from './download-history';
import { MINUTE, T0, barsOfTape, clockAt, param, scriptTape, stored, tempCatalog, timeRequests, tradesOfTape } from './__fixtures__/history';

const btc = instrumentId('BTCUSDT.BINANCE');
const fast = { initialDelayMs: 5, maxDelayMs: 20, jitter: 0 };
let fake: FakeBinance;
let exchange: Exchange;
let catalog: ParquetCatalog;
let tape: PublicTrade[];

const klines = (): string[] => fake.server.requests.filter((r) => r.startsWith('GET /api/v3/klines'));
const aggTrades = (): string[] => fake.server.requests.filter((r) => r.startsWith('GET /api/v3/aggTrades'));

beforeEach(async () => {
  fake = await FakeBinance.start({});
  exchange = new ccxt.binance(binanceCcxtOptions(fake));
  catalog = await tempCatalog();
  tape = scriptTape(fake.spot, 'BTCUSDT', { minutes: 600 });
});

afterEach(async () => {
  catalog.close();
  await exchange.close();
  await fake.stop();
});

describe('downloadHistory on the fake Binance', () => {
  it('pages bars from klines into the catalog, equal to the tape, without the bar still forming', async () => {
    // Now is half-way through minute 500: bars up to minute 499 are closed.
    const now = T0 + 500 * MINUTE + 30_000;
    const summary = await downloadHistory({ exchange, catalog, symbols: ['BTCUSDT.BINANCE'], dataType: 'bars', timeframe: '1m', start: T0, pageLimit: 100, clock: clockAt(now), backoff: fast });
    const expected = barsOfTape(btc, tape, MINUTE, true).filter((b) => b.ts + MINUTE <= now);
    expect(expected).toHaveLength(500);
    expect(await stored<Bar>(catalog, 'bars', btc)).toEqual(expected);
    expect(summary.rows).toBe(500);
    expect(summary.instruments[0]).toMatchObject({ instrumentId: btc, symbol: 'BTC/USDT', rows: 500, requests: 5, retries: 0 });
    // five pages of 100 minutes, each asked for by its own window
    expect(klines().map((r) => [Number(param(r, 'startTime')), Number(param(r, 'endTime')), Number(param(r, 'limit'))])).toEqual(
      [0, 1, 2, 3, 4].map((i) => [T0 + i * 100 * MINUTE, T0 + (i + 1) * 100 * MINUTE - 1, 100]),
    );
  });

  it('asks for the exchange page size from ccxt features and stops at the end given', async () => {
    const end = T0 + 250 * MINUTE;
    await downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'bars', start: T0, end });
    expect(await stored<Bar>(catalog, 'bars', btc)).toEqual(barsOfTape(btc, tape, MINUTE, true).filter((b) => b.ts < end));
    expect(klines().map((r) => param(r, 'limit'))).toEqual(['1000']);
    // a larger page than the venue serves would leave bars out of its window: it is cut to the venue's
    await downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'bars', start: T0, end: T0 + 300 * MINUTE, pageLimit: 5000 });
    expect(klines().map((r) => [Number(param(r, 'startTime')), param(r, 'limit')])).toEqual([[T0, '1000'], [end, '1000']]);
  });

  it('pages trades in windows under an hour, halving a window the venue cut, equal to the tape', async () => {
    const end = T0 + 300 * MINUTE;
    const progress: number[] = [];
    const summary = await downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'trades', start: T0, end, pageLimit: 40, backoff: fast, onProgress: (p) => progress.push(p.fraction) });
    const expected = tradesOfTape(btc, tape).filter((t) => t.ts < end);
    expect(await stored<Trade>(catalog, 'trades', btc)).toEqual(expected);
    expect(summary.rows).toBe(expected.length);
    const windows = aggTrades().map((r) => [Number(param(r, 'startTime')), Number(param(r, 'endTime'))] as const);
    for (const [from, to] of windows) expect(to - from).toBeLessThan(3_600_000);
    // a page of 40 was cut: its window was asked for again, halved
    expect(windows.length).toBeGreaterThan(summary.requests - windows.length);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('resumes an aborted download from the catalog: nothing fetched twice, nothing lost', async () => {
    const now = T0 + 600 * MINUTE;
    const controller = new AbortController();
    const first = downloadHistory({
      exchange,
      catalog,
      symbols: ['BTC/USDT'],
      dataType: 'bars',
      start: T0,
      pageLimit: 100,
      batchRows: 1,
      clock: clockAt(now),
      signal: controller.signal,
      onProgress: (p) => {
        if (p.fetched >= 300) controller.abort(new Error('stopped by the user'));
      },
    });
    const error = await first.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadInterruptedError);
    expect((error as DownloadInterruptedError).reason).toBe('aborted');
    expect((error as DownloadInterruptedError).summary.rows).toBe(300);
    expect(klines()).toHaveLength(3);

    const second = await downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'bars', start: T0, pageLimit: 100, clock: clockAt(now) });
    expect(second.rows).toBe(300);
    // the rerun starts where the catalog ends: no window it holds is asked for again
    expect(klines().slice(3).map((r) => Number(param(r, 'startTime')))).toEqual([300, 400, 500].map((m) => T0 + m * MINUTE));
    expect(await stored<Bar>(catalog, 'bars', btc)).toEqual(barsOfTape(btc, tape, MINUTE, true).filter((b) => b.ts + MINUTE <= now));

    // all there: a third run sends no request
    const third = await downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'bars', start: T0, pageLimit: 100, clock: clockAt(now) });
    expect(third).toMatchObject({ rows: 0, requests: 0 });
    expect(klines()).toHaveLength(6);
  });

  it('keeps what it wrote when failures outlast the retries, and the rerun completes the trades exactly', async () => {
    const end = T0 + 240 * MINUTE;
    let armed: number | undefined;
    const failing = downloadHistory({
      exchange,
      catalog,
      symbols: ['BTC/USDT'],
      dataType: 'trades',
      start: T0,
      end,
      pageLimit: 1000,
      batchRows: 1,
      retries: 2,
      backoff: fast,
      onProgress: (p) => {
        // past two hours, the venue fails three times in a row: one more than the retries
        if (armed === undefined && p.reached >= T0 + 120 * MINUTE) {
          armed = p.reached;
          fake.faults.failHttp({ status: 503, count: 3, match: /aggTrades/ });
        }
      },
    });
    const error = (await failing.then(() => undefined, (e: unknown) => e)) as DownloadInterruptedError;
    expect(error).toBeInstanceOf(DownloadInterruptedError);
    expect(error.reason).toBe('failed');
    expect(error.cause).toBeInstanceOf(NetworkError);
    // the venue's reason without the request's query string
    expect(error.message).toContain('503');
    expect(error.message).not.toContain('symbol=BTCUSDT');
    const written = error.summary.rows;
    const last = error.summary.instruments[0]!.last!;
    // every window before the failure, and nothing after
    expect(written).toBe(tape.filter((t) => t.time < armed!).length);
    const before = aggTrades().length;

    const rerun = await downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'trades', start: T0, end, backoff: fast });
    expect(rerun.rows + written).toBe(tape.filter((t) => t.time < end).length);
    // the rerun asks for the time before the first stored trade (the tape starts 1.234 s after start) and
    // after the last one, never for what the catalog holds
    const first = error.summary.instruments[0]!.first!;
    const asked = aggTrades().slice(before).map((r) => [Number(param(r, 'startTime')), Number(param(r, 'endTime'))] as const);
    expect(asked[0]).toEqual([T0, first]);
    for (const [from] of asked.slice(1)) expect(from).toBeGreaterThan(last);
    const trades = await stored<Trade>(catalog, 'trades', btc);
    expect(trades).toEqual(tradesOfTape(btc, tape).filter((t) => t.ts < end));
    expect(new Set(trades.map((t) => t.tradeId)).size).toBe(trades.length);
  });

  it('loses only the batch of a write that failed (as a process killed before its write), fetched again by the rerun', async () => {
    const now = T0 + 600 * MINUTE;
    let writes = 0;
    // the third write fails as if the process died between fetching the batch and writing it
    const failing: MarketDataCatalog = {
      write: (data, o) => (++writes === 3 ? Promise.reject(new Error('disk full')) : catalog.write(data, o)),
      importBarsCsv: (...a) => catalog.importBarsCsv(...a),
      query: (q) => catalog.query(q),
      ranges: (f) => catalog.ranges(f),
      consolidate: (o) => catalog.consolidate(o),
      close: () => undefined,
    };
    const error = (await downloadHistory({ exchange, catalog: failing, symbols: ['BTC/USDT'], dataType: 'bars', start: T0, pageLimit: 100, batchRows: 200, clock: clockAt(now) }).then(
      () => undefined,
      (e: unknown) => e,
    )) as DownloadInterruptedError;
    expect(error).toBeInstanceOf(DownloadInterruptedError);
    expect(error.cause).toEqual(new Error('disk full'));
    expect(error.summary.rows).toBe(400);
    expect(klines()).toHaveLength(6);
    const rerun = await downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'bars', start: T0, pageLimit: 100, clock: clockAt(now) });
    expect(rerun.rows).toBe(200);
    expect(klines().slice(6).map((r) => Number(param(r, 'startTime')))).toEqual([T0 + 400 * MINUTE, T0 + 500 * MINUTE]);
    expect(await stored<Bar>(catalog, 'bars', btc)).toEqual(barsOfTape(btc, tape, MINUTE, true).filter((b) => b.ts + MINUTE <= now));
  });

  it('waits the backoff after a throttled request, then goes on', async () => {
    const log = timeRequests(fake.server.requests);
    fake.faults.failHttp({ status: 429, retryAfterS: 1, count: 2, match: /klines/ });
    const summary = await downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'bars', start: T0, end: T0 + 300 * MINUTE, pageLimit: 100, backoff: { initialDelayMs: 150, maxDelayMs: 1000, jitter: 0 } });
    expect(summary).toMatchObject({ rows: 300, requests: 5, retries: 2 });
    const times = log.filter((l) => l.request.startsWith('GET /api/v3/klines')).map((l) => l.at);
    // after the first 429 150 ms, after the second 300 ms
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(145);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(295);
    expect(await stored<Bar>(catalog, 'bars', btc)).toEqual(barsOfTape(btc, tape, MINUTE, true).filter((b) => b.ts < T0 + 300 * MINUTE));
  });

  it("keeps to the exchange's rate limit through ccxt's throttler, and refuses an exchange without it", async () => {
    await exchange.close();
    const rateLimit = 100;
    exchange = new ccxt.binance(binanceCcxtOptions(fake, { rateLimit }));
    // ccxt's cost of a spot klines request (Binance's request weight 2 of 6,000 a minute, in rateLimits)
    const cost = (exchange.api as { public: { get: { klines: { cost: number } } } }).public.get.klines.cost;
    expect(cost).toBe(0.4);
    await exchange.loadMarkets();
    const log = timeRequests(fake.server.requests);
    await downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'bars', start: T0, end: T0 + 600 * MINUTE, pageLimit: 60 });
    const times = log.filter((l) => l.request.startsWith('GET /api/v3/klines')).map((l) => l.at);
    expect(times).toHaveLength(10);
    // one request per cost x rateLimit (40 ms), the throttler's bucket holding at most one in reserve
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual((times.length - 1) * cost * rateLimit - rateLimit - 5);

    const unthrottled = new ccxt.binance(binanceCcxtOptions(fake, { enableRateLimit: false }));
    await expect(downloadHistory({ exchange: unthrottled, catalog, symbols: ['BTC/USDT'], dataType: 'bars', start: T0 })).rejects.toThrow(/options\.exchange: enableRateLimit is off/);
    await unthrottled.close();
  });

  it('refuses bad options by name', async () => {
    await expect(downloadHistory({ exchange, catalog, symbols: ['DOGE/EUR'], dataType: 'bars', start: T0 })).rejects.toThrow(/options\.symbols\[0\]: DOGE\/EUR is not a market of binance/);
    await expect(downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'trades', timeframe: '1m', start: T0 })).rejects.toThrow(/options\.timeframe: is for bars only/);
    await expect(downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'bars', timeframe: '7m', start: T0 })).rejects.toThrow(/options\.timeframe: binance has no timeframe 7m/);
    await expect(downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'bars', start: T0, end: T0 })).rejects.toThrow(/options\.end: must be after start/);
    await expect(downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'bars', start: T0, pagelimit: 5 } as never)).rejects.toThrow(ValidationError);
    expect(klines()).toHaveLength(0);
  });
});
