import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { instrumentId, MARKET_DATA_CHUNKS, TradeBarAggregator, ValidationError, type Bar, type MarketData, type Trade, type TradeBar, type TradeBarSpec } from '@rxtrade/core';
import { CatalogOverlapError } from '../catalog-errors';
import type { MarketDataCatalog } from '../market-data-catalog';
import { ParquetCatalog } from '../parquet-catalog';
import { tradesToBars } from './trades-to-bars';

const BTC = instrumentId('BTCUSDT.BINANCE');
const T0 = Date.UTC(2024, 2, 1);

/** A deterministic tape: n trades, about one every 700 ms, bursts of prints in one millisecond, a quiet 5 minutes. */
function tape(n: number): Trade[] {
  const out: Trade[] = [];
  let ts = T0;
  let cents = 6_200_000;
  for (let i = 0; i < n; i++) {
    ts += i % 4 === 3 ? 0 : i === Math.floor(n / 2) ? 300_000 : 1 + ((i * 7919) % 1400);
    cents += ((i * 31) % 7) - 3;
    out.push({ type: 'Trade', instrumentId: BTC, ts, price: cents / 100, size: (1 + ((i * 104729) % 2000)) / 1000, aggressor: i % 2 ? 'BUYER' : 'SELLER', tradeId: String(i) });
  }
  return out;
}

/** The bars the aggregator builds in memory, as plain bars of `series` (what the catalog should hold). */
function inMemory(trades: Trade[], spec: TradeBarSpec, series: string, end?: number): Bar[] {
  const agg = new TradeBarAggregator(spec);
  const out: Bar[] = [];
  const emit = (b: TradeBar) => out.push({ type: 'Bar', instrumentId: instrumentId(series), ts: b.ts, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume });
  for (const t of trades) agg.push(t, emit);
  if (end !== undefined) agg.advanceTo(end, emit);
  agg.finish(emit);
  return out;
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const dirs: string[] = [];
const catalogs: ParquetCatalog[] = [];
async function open(): Promise<ParquetCatalog> {
  const dir = mkdtempSync(join(tmpdir(), 'trades-to-bars-'));
  dirs.push(dir);
  const c = await ParquetCatalog.open(dir, { threads: 1 });
  catalogs.push(c);
  return c;
}
afterEach(() => {
  for (const c of catalogs.splice(0)) c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('tradesToBars', () => {
  it('writes tick bars of an instrument as a series of their own, equal to the bars built in memory', async () => {
    const catalog = await open();
    const trades = tape(5000);
    await catalog.write(trades);
    const summary = await tradesToBars(catalog, { instrumentId: BTC, bars: { type: 'tick', trades: 100 } });
    const expected = inMemory(trades, { type: 'tick', trades: 100 }, 'BTCUSDT.BINANCE-100-TICK-LAST');
    expect(summary).toEqual({ seriesId: 'BTCUSDT.BINANCE-100-TICK-LAST', trades: 5000, bars: expected.length, rows: expected.length, skipped: 0, replaced: 0 });
    expect(expected.length).toBeGreaterThan(40);
    expect(await all(catalog.query({ dataType: 'bars', instruments: [summary.seriesId] }))).toEqual(expected);
    expect(await all(catalog.query({ dataType: 'bars', instruments: [BTC] }))).toEqual([]); // the instrument's own bars untouched
    expect((await catalog.ranges({ dataType: 'bars' })).map((r) => r.instrumentId)).toEqual(['BTCUSDT.BINANCE-100-TICK-LAST']);
  });

  it('builds time bars over [start, end): periods that end by `end` are complete, flat bars for the quiet minutes', async () => {
    const catalog = await open();
    const trades = tape(3000);
    await catalog.write(trades);
    const start = T0 + 10 * 60_000;
    const end = T0 + 40 * 60_000;
    const spec: TradeBarSpec = { type: 'time', timeframe: 60_000, empty: 'flat', partial: 'drop' };
    const summary = await tradesToBars(catalog, { instrumentId: BTC, bars: spec, start: new Date(start), end });
    const inRange = trades.filter((t) => t.ts >= start && t.ts < end);
    const expected = inMemory(inRange, spec, 'BTCUSDT.BINANCE-1-MINUTE-LAST', end);
    const stored = await all(catalog.query({ dataType: 'bars', instruments: [summary.seriesId] }));
    expect(stored).toEqual(expected);
    expect(summary.trades).toBe(inRange.length);
    // Thirty whole minutes, each complete although the last holds no trade after it (partial: 'drop' drops nothing).
    expect(stored.map((b) => (b.ts - start) / 60_000)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(stored.filter((b) => b.volume === 0).length).toBeGreaterThanOrEqual(4); // the quiet five minutes
  });

  it('refuses to write the series over itself unless onOverlap says how, and replaces it with onOverlap: replace', async () => {
    const catalog = await open();
    await catalog.write(tape(2000));
    const options = { instrumentId: BTC, bars: { type: 'volume', volume: 20 } } as const;
    const first = await tradesToBars(catalog, options);
    await expect(tradesToBars(catalog, options)).rejects.toBeInstanceOf(CatalogOverlapError);
    const again = await tradesToBars(catalog, { ...options, onOverlap: 'replace' });
    expect(again.replaced).toBe(first.rows);
    expect(again.rows).toBe(first.rows);
  });

  it('writes into another catalog, under a series id of your choice', async () => {
    const source = await open();
    const target = await open();
    await source.write(tape(1000));
    const summary = await tradesToBars(source, { instrumentId: BTC, bars: { type: 'value', value: 250_000 }, target, seriesId: 'BTC-DOLLAR' });
    expect(summary.seriesId).toBe('BTC-DOLLAR');
    expect(await all(target.query({ dataType: 'bars', instruments: ['BTC-DOLLAR'] }))).toHaveLength(summary.rows);
    expect(await source.ranges({ dataType: 'bars' })).toEqual([]);
  });

  it('streams: bars are written while the trades are still being read, a chunk at a time', async () => {
    const trades = tape(20_000);
    const log: string[] = [];
    let pulled = 0;
    // A catalog that hands the trades out in chunks of 1,000 and logs when its write takes each bar.
    const fake: MarketDataCatalog = {
      query: () =>
        ({
          [MARKET_DATA_CHUNKS]: () => {
            let i = 0;
            return {
              next: async () => {
                if (i >= trades.length) return { done: true, value: undefined };
                log.push(`chunk ${i / 1000}`);
                const chunk = trades.slice(i, i + 1000);
                i += 1000;
                return { done: false, value: chunk };
              },
            };
          },
        }) as never,
      write: async (data: Iterable<MarketData> | AsyncIterable<MarketData>) => {
        for await (const _ of data as AsyncIterable<MarketData>) if (pulled++ === 0) log.push('first bar written');
        return { rows: pulled, skipped: 0, replaced: 0 };
      },
      importBarsCsv: () => Promise.reject(new Error('unused')),
      ranges: () => Promise.resolve([]),
      consolidate: () => Promise.reject(new Error('unused')),
      close: () => {},
    };
    const summary = await tradesToBars(fake, { instrumentId: BTC, bars: { type: 'tick', trades: 200 } });
    expect(summary.trades).toBe(20_000);
    expect(log.indexOf('first bar written')).toBe(1); // right after the first chunk, 19 chunks before the end
    expect(log.filter((l) => l.startsWith('chunk'))).toHaveLength(20);
  });

  it('stops on its signal and leaves the catalog as it was', async () => {
    const catalog = await open();
    await catalog.write(tape(5000));
    const controller = new AbortController();
    controller.abort(new Error('stopped by the user'));
    await expect(tradesToBars(catalog, { instrumentId: BTC, bars: { type: 'tick', trades: 10 }, signal: controller.signal })).rejects.toThrow(/stopped by the user/);
    expect(await catalog.ranges({ dataType: 'bars' })).toEqual([]);
  });

  it('rejects options that would make bars of one time, and unknown or bad options, naming the field', async () => {
    const catalog = await open();
    const field = async (options: unknown) => {
      try {
        await tradesToBars(catalog, options as never);
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).field;
      }
      return 'no error';
    };
    expect(await field({ instrumentId: BTC, bars: { type: 'tick', trades: 10, closeAt: 'trade' } })).toBe('options.bars.closeAt');
    expect(await field({ instrumentId: BTC, bars: { type: 'volume', volume: 1, closeAt: 'trade', split: true } })).toBe('options.bars.closeAt');
    expect(await field({ instrumentId: BTC, bars: { type: 'tick', trades: 0 } })).toBe('options.bars.trades');
    expect(await field({ instrumentId: BTC, bars: { type: 'tick', trades: 5 }, onOverlaps: 'skip' })).toBe('options.onOverlaps');
    expect(await field({ instrumentId: BTC, bars: { type: 'tick', trades: 5 }, start: 10, end: 5 })).toBe('options.end');
    expect(await field({ instrumentId: BTC, bars: { type: 'tick', trades: 5 }, seriesId: BTC })).toBe('options.seriesId');
  });
});
