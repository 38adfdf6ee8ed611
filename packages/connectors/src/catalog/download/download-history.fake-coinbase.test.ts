/**
 * downloadHistory with the real ccxt client against the fake Coinbase Advanced Trade: bars from product
 * candles (whole seconds, at most 300 a page through ccxt, newest first), trades from the product's
 * market trades (`start`/`end` in whole seconds, newest first, `limit` at most 1000) in windows halved
 * while a page comes back full, both equal to the scripted tape; an aborted trade download resumed to
 * exactly the tape.
 */
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instrumentId, type Bar, type Trade } from '@rxtrade/core';
import { coinbaseCcxtOptions } from '../../ccxt/__fixtures__/fake-coinbase/ccxt-options';
import { FakeCoinbase } from '../../ccxt/__fixtures__/fake-coinbase/fake-coinbase';
import type { PublicTrade } from '../../ccxt/__fixtures__/fake-exchange/types';
import type { ParquetCatalog } from '../parquet-catalog';
import { DownloadInterruptedError, downloadHistory } from './download-history';
import { MINUTE, T0, barsOfTape, param, scriptTape, stored, tempCatalog, tradesOfTape } from './__fixtures__/history';

const btc = instrumentId('BTC-USD.COINBASE');
let fake: FakeCoinbase;
let exchange: Exchange;
let catalog: ParquetCatalog;
let tape: PublicTrade[];

const requests = (what: 'candles' | 'ticker'): string[] => fake.server.requests.filter((r) => r.startsWith('GET ') && r.includes(`/products/BTC-USD/${what}`));

beforeEach(async () => {
  fake = await FakeCoinbase.start({});
  exchange = new ccxt.coinbase(coinbaseCcxtOptions(fake));
  catalog = await tempCatalog();
  tape = scriptTape(fake.venue, 'BTC-USD', { minutes: 400 });
});

afterEach(async () => {
  catalog.close();
  await exchange.close();
  await fake.stop();
});

describe('downloadHistory on the fake Coinbase', () => {
  it('pages bars from product candles, 300 a page as ccxt features say, equal to the tape', async () => {
    const end = T0 + 400 * MINUTE;
    const summary = await downloadHistory({ exchange, catalog, symbols: ['BTC/USD'], dataType: 'bars', start: T0, end });
    // Coinbase lists no candle for a minute without trades
    const expected = barsOfTape(btc, tape, MINUTE, false);
    expect(await stored<Bar>(catalog, 'bars', btc)).toEqual(expected);
    expect(summary.instruments[0]).toMatchObject({ instrumentId: btc, rows: expected.length, requests: 2 });
    expect(requests('candles').map((r) => [Number(param(r, 'start')), Number(param(r, 'end'))])).toEqual([
      [T0 / 1000, T0 / 1000 + 300 * 60 - 1],
      [T0 / 1000 + 300 * 60, T0 / 1000 + 600 * 60 - 1],
    ]);
  });

  it('pages trades in windows of whole seconds, equal to the tape, and resumes an abort without a duplicate', async () => {
    const end = T0 + 200 * MINUTE;
    const expected = tradesOfTape(btc, tape).filter((t) => t.ts < end);
    const controller = new AbortController();
    const options = { exchange, catalog, symbols: ['BTC-USD.COINBASE'], dataType: 'trades', start: T0, end, pageLimit: 30, batchRows: 20 } as const;
    const error = await downloadHistory({
      ...options,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.reached >= T0 + 90 * MINUTE) controller.abort();
      },
    }).then(() => undefined, (e: unknown) => e as DownloadInterruptedError);
    expect(error).toBeInstanceOf(DownloadInterruptedError);
    const written = error!.summary.instruments[0]!;
    expect(written.rows).toBeGreaterThan(0);
    expect(await stored<Trade>(catalog, 'trades', btc)).toEqual(expected.filter((t) => t.ts <= written.last!));
    const before = requests('ticker').length;

    const rerun = await downloadHistory(options);
    expect(rerun.rows + written.rows).toBe(expected.length);
    const trades = await stored<Trade>(catalog, 'trades', btc);
    expect(trades).toEqual(expected);
    expect(new Set(trades.map((t) => t.tradeId)).size).toBe(trades.length);
    // every window in whole seconds, within the venue's 1000-trade limit; the rerun asks for the time
    // before the first stored trade (it is 1.234 s after start), then from the second of the last one on
    const windows = requests('ticker').map((r) => [Number(param(r, 'start')), Number(param(r, 'end')), Number(param(r, 'limit'))] as const);
    for (const [, , limit] of windows) expect(limit).toBe(30);
    expect(windows[before]!.slice(0, 2)).toEqual([T0 / 1000, T0 / 1000 + 2]);
    for (const [from] of windows.slice(before + 1)) expect(from).toBeGreaterThanOrEqual(Math.floor(written.last! / 1000));
  });
});
