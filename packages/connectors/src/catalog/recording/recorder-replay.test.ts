/**
 * A recorded session replays exactly: a live pass (runPaper on a data client's feed, recorded by a
 * CatalogRecorder as it runs) and a replay of the catalog through runBacktest see the same events in
 * the same order and give the same orders, fills and final equity.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { filter, map, merge, tap } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest, runPaper, mergeByTime } from '@rxtrade/backtest';
import { BacktestClock, defineInstrument, ReplayDataClient, type MarketData, type Pipeline } from '@rxtrade/core';
import { smaCrossover } from '../../../../../examples/sma-crossover/src/strategy';
import { readBarsCsv } from '../../read-bars-csv';
import { ParquetCatalog } from '../parquet-catalog';
import { CatalogRecorder } from './catalog-recorder';
import { recordedSeries } from './recorded-series';
import { BTC, ETH, removeTempDirs, replayOrder, session, tempDir } from './__fixtures__/recorder-kit';

afterAll(removeTempDirs);

const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const googBars = readBarsCsv(fileURLToPath(new URL('../../../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url)), { instrumentId: goog.id }).bars;
const btc = defineInstrument({ symbol: 'BTC/USDT', venue: 'BINANCE', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });
const eth = defineInstrument({ symbol: 'ETH/USDT', venue: 'BINANCE', assetClass: 'spot', base: 'ETH', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });
const fillKey = (f: { side: string; quantity: { toString(): string }; price: { toString(): string }; commission: { toString(): string } }): string =>
  `${f.side} ${f.quantity.toString()} @ ${f.price.toString()} fee ${f.commission.toString()}`;

/** Records `client` while a paper run trades on it; resolves with the run and the recorder's counts. */
async function livePass(client: ReplayDataClient, pipeline: Pipeline, catalog: ParquetCatalog, instruments: ReturnType<typeof defineInstrument>[], maxEvents: number) {
  const recorder = new CatalogRecorder(catalog, { rotation: { maxEvents, maxAgeMs: 60_000 }, spool: { dir: join(tempDir(), 'spool'), fsync: 'never' } });
  await recorder.start(client);
  const paper = runPaper(pipeline, { feed: client.events, clock: new BacktestClock(0), instruments, ledger: { startingCash: 100_000 }, venue: { commission: 0.002 }, strategyId: 'live' });
  await client.connect();
  const result = await paper;
  const stats = await recorder.stop();
  return { result, stats };
}

describe('a recorded session replays exactly', () => {
  it('GOOG bars through the SMA crossover: the same bars, fills and final equity (31 fills, 176251.036)', async () => {
    const catalog = await ParquetCatalog.open(join(tempDir(), 'catalog'), { threads: 1 });
    const pipeline = smaCrossover({ instrumentId: goog.id, fast: 10, slow: 30, size: 100 });
    const client = new ReplayDataClient({ data: googBars });
    client.subscribe({ kind: 'BARS', instrumentId: goog.id });
    const live = await livePass(client, pipeline, catalog, [goog], 100);
    expect(live.stats.rotations).toBeGreaterThanOrEqual(2);
    expect(live.stats).toMatchObject({ received: 1047, written: 1047, dropped: { late: 0, duplicate: 0, invalid: 0, overflow: 0 } });
    expect(live.result.summary.fills).toBe(31);

    const stored: MarketData[] = [];
    for await (const bar of catalog.query({ dataType: 'bars', instruments: [goog] })) stored.push(bar);
    expect(stored).toEqual(googBars);
    const replay = await runBacktest(pipeline, { data: recordedSeries(catalog, { instruments: [goog] }), instruments: [goog], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 }, strategyId: 'live' });
    expect(replay.fills.map(fillKey)).toEqual(live.result.fills.map(fillKey));
    expect(replay.fills.map((f) => f.ts)).toEqual(live.result.fills.map((f) => f.ts));
    expect(replay.summary.finalEquity.toString()).toBe('176251.036');
    expect(live.result.summary.finalEquity.toString()).toBe('176251.036');
    catalog.close();
  });

  it('trades, quotes, book snapshots and deltas and bars of two instruments: the same events in the same order, and the same fills', async () => {
    const catalog = await ParquetCatalog.open(join(tempDir(), 'catalog'), { threads: 1 });
    const feed = replayOrder(session(6_000, 11));
    // Every event the pipeline sees, in order; it buys or sells 0.01 BTC every 40th BTC trade.
    const seen: MarketData[][] = [];
    const pipeline: Pipeline = (ctx) => {
      const log: MarketData[] = [];
      seen.push(log);
      let n = 0;
      const all = merge(ctx.market.books(), ctx.market.quotes(), ctx.market.trades(), ctx.market.bars()).pipe(tap((e) => log.push(e)));
      return all.pipe(
        filter((e) => e.type === 'Trade' && e.instrumentId === BTC && ++n % 40 === 0),
        map(() => ctx.orderFactory.market({ instrumentId: btc.id, side: (n / 40) % 2 === 1 ? 'BUY' : 'SELL', quantity: '0.01' })),
      );
    };
    const client = new ReplayDataClient({ data: feed });
    for (const instrumentId of [BTC, ETH]) for (const kind of ['BARS', 'TRADES', 'QUOTES', 'BOOKS'] as const) client.subscribe({ kind, instrumentId });
    const live = await livePass(client, pipeline, catalog, [btc, eth], 700);
    expect(live.stats).toMatchObject({ received: 6_000, written: 6_000, dropped: { late: 0, duplicate: 0, invalid: 0, overflow: 0 } });
    expect(live.stats.rotations).toBeGreaterThanOrEqual(2);
    expect(seen[0]).toEqual(feed);

    const series = recordedSeries(catalog, { instruments: [btc, eth] });
    const stored: MarketData[][] = [];
    for (const q of series) {
      const s: MarketData[] = [];
      for await (const e of q) s.push(e);
      stored.push(s);
    }
    expect([...mergeByTime(stored)]).toEqual(feed);
    const replay = await runBacktest(pipeline, { data: series, instruments: [btc, eth], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 }, strategyId: 'live' });
    expect(seen[1]).toEqual(feed);
    expect(replay.fills.length).toBeGreaterThan(10);
    expect(replay.fills.map(fillKey)).toEqual(live.result.fills.map(fillKey));
    expect(replay.summary.finalEquity.toString()).toBe(live.result.summary.finalEquity.toString());
    catalog.close();
  });
});
