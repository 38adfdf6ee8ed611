/**
 * downloadHistory with the real ccxt client against the fake Bybit: bars paged from `/v5/market/kline`
 * (newest first, `start`/`end`/`limit`) equal to the scripted tape; trades from
 * `/v5/market/recent-trade`, which serves only the latest trades (60 on spot): what it has is stored,
 * a rerun adds only the newer ones, and the time it cannot give is named in the summary.
 */
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instrumentId, type Bar, type Trade } from '@rxtrade/core';
import { bybitCcxtOptions } from '../../ccxt/__fixtures__/fake-bybit/ccxt-options';
import { FakeBybit } from '../../ccxt/__fixtures__/fake-bybit/fake-bybit';
import { execUuid } from '../../ccxt/__fixtures__/fake-bybit/payloads';
import type { PublicTrade } from '../../ccxt/__fixtures__/fake-exchange/types';
import type { ParquetCatalog } from '../parquet-catalog';
import { downloadHistory } from './download-history';
import { MINUTE, T0, barsOfTape, clockAt, param, scriptTape, stored, tempCatalog, tradesOfTape } from './__fixtures__/history';

const btc = instrumentId('BTCUSDT.BYBIT');
let fake: FakeBybit;
let exchange: Exchange;
let catalog: ParquetCatalog;

const requests = (path: string): string[] => fake.server.requests.filter((r) => r.startsWith(`GET ${path}`));
const bybitTrades = (tape: readonly PublicTrade[]): Trade[] => tradesOfTape(btc, tape, (t) => execUuid(t.id));

beforeEach(async () => {
  fake = await FakeBybit.start({});
  exchange = new ccxt.bybit(bybitCcxtOptions(fake));
  catalog = await tempCatalog();
});

afterEach(async () => {
  catalog.close();
  await exchange.close();
  await fake.stop();
});

describe('downloadHistory on the fake Bybit', () => {
  it('pages bars from the kline endpoint into the catalog, equal to the tape, without the bar still forming', async () => {
    const tape = scriptTape(fake.spot, 'BTCUSDT', { minutes: 450 });
    const now = T0 + 400 * MINUTE + 30_000;
    const summary = await downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'bars', start: T0, pageLimit: 150, clock: clockAt(now) });
    // Bybit's kline list has no row for a minute without trades
    const expected = barsOfTape(btc, tape, MINUTE, false).filter((b) => b.ts + MINUTE <= now);
    expect(await stored<Bar>(catalog, 'bars', btc)).toEqual(expected);
    expect(summary.instruments[0]).toMatchObject({ instrumentId: btc, rows: expected.length, requests: 3 });
    expect(requests('/v5/market/kline').map((r) => [Number(param(r, 'start')), Number(param(r, 'end')), param(r, 'limit')])).toEqual(
      [0, 1, 2].map((i) => [T0 + i * 150 * MINUTE, T0 + (i + 1) * 150 * MINUTE - 1, '150']),
    );
  });

  it('stores the recent trades it serves and, rerun, only the newer ones', async () => {
    const first = scriptTape(fake.spot, 'BTCUSDT', { minutes: 20, perMinute: 2 }); // 34 trades
    const end = T0 + 60 * MINUTE;
    const one = await downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'trades', start: T0, end });
    expect(one.rows).toBe(first.length);
    expect(one.instruments[0]!.notes).toEqual([]);
    const more = scriptTape(fake.spot, 'BTCUSDT', { t0: T0 + 20 * MINUTE, minutes: 15, perMinute: 2 });
    const two = await downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'trades', start: T0, end });
    expect(two.rows).toBe(more.length);
    expect(await stored<Trade>(catalog, 'trades', btc)).toEqual(bybitTrades([...first, ...more]));
    // one request a run, for the latest 60 (Bybit's spot maximum)
    expect(requests('/v5/market/recent-trade').map((r) => param(r, 'limit'))).toEqual(['60', '60']);
  });

  it('names the time its latest trades no longer reach, and never stores a millisecond the page may have cut', async () => {
    const tape = scriptTape(fake.spot, 'BTCUSDT', { minutes: 40, perMinute: 3 });
    const latest = tape.slice(-60);
    const oldest = latest[0]!.time;
    const summary = await downloadHistory({ exchange, catalog, symbols: ['BTC/USDT'], dataType: 'trades', start: T0, end: T0 + 60 * MINUTE });
    expect(await stored<Trade>(catalog, 'trades', btc)).toEqual(bybitTrades(latest.filter((t) => t.time > oldest)));
    expect(summary.instruments[0]!.notes).toEqual([`bybit serves only its latest 60 trades: those from 2024-01-01T00:00:00.000Z to ${new Date(oldest).toISOString()} are not available`]);
  });
});
