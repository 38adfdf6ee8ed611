/**
 * Helpers of the recorder's tests: temporary folders, a catalog whose writes wait until the test lets
 * them go (or fail on command), and a seeded session of every data type over two instruments.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instrumentId, type InstrumentId, type MarketData } from '@rxtrade/core';
import type { CatalogWriteOptions } from '../../catalog-config';
import type { MarketDataCatalog } from '../../market-data-catalog';
import type { CatalogRecorder, RecorderEvents } from '../catalog-recorder';

const dirs: string[] = [];

/** A new temporary folder, removed by {@link removeTempDirs}. */
export function tempDir(prefix = 'recorder-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export const BTC: InstrumentId = instrumentId('BTC/USDT.BINANCE');
export const ETH: InstrumentId = instrumentId('ETH/USDT.BINANCE');

/** A seeded generator (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A session of `n` events over BTC and ETH as a venue sends them: trades (several in one millisecond at
 * times), quotes, book snapshots and deltas, and a bar per instrument each second, sent when it closes
 * (a second after its time, so bars arrive behind the other types). Events of one millisecond come in
 * the order a replay of the catalog gives them (snapshots, deltas, quotes, trades, bars; BTC before
 * ETH). {@link replayOrder} of it is what a replay of its recording gives.
 */
export function session(n: number, seed = 7, start = Date.UTC(2024, 2, 1)): MarketData[] {
  const rand = seeded(seed);
  const out: MarketData[] = [];
  let ts = start;
  let trade = 0;
  let sequence = 0;
  let nextBar = start + 1000;
  const price = { [BTC]: 62_000, [ETH]: 3_400 } as Record<string, number>;
  // The levels of each book, so that a delta removes the old ones and the book never crosses.
  const books = new Map<string, { bids: number[]; asks: number[] }>();
  while (out.length < n) {
    ts += 1 + Math.floor(rand() * 40);
    const tick: MarketData[] = [];
    if (ts >= nextBar) {
      for (const id of [BTC, ETH]) {
        const p = price[id]!;
        tick.push({ type: 'Bar', instrumentId: id, ts: nextBar - 1000, open: p, high: p * 1.001, low: p * 0.999, close: p, volume: Math.round(rand() * 1e6) / 1e3 });
      }
      nextBar += 1000;
    }
    for (const id of [BTC, ETH]) {
      const r = rand();
      price[id] = Math.round(price[id]! * (1 + (rand() - 0.5) * 0.001) * 100) / 100;
      const p = price[id]!;
      if (r < 0.05 || (r < 0.3 && !books.has(id))) {
        books.set(id, { bids: [p - 0.5, p - 1], asks: [p + 0.5] });
        tick.push({ type: 'OrderBookSnapshot', instrumentId: id, ts, sequence: ++sequence, bids: [{ price: p - 0.5, size: 1.5 }, { price: p - 1, size: 2 }], asks: [{ price: p + 0.5, size: 1 }] });
      } else if (r < 0.3) {
        const book = books.get(id)!;
        const [bid, ask] = [p - 0.5, p + 0.5];
        const bids = [...book.bids.filter((x) => x !== bid).map((price) => ({ price, size: 0 })), { price: bid, size: Math.round(rand() * 100 + 1) / 100 }];
        const asks = [...book.asks.filter((x) => x !== ask).map((price) => ({ price, size: 0 })), { price: ask, size: Math.round(rand() * 100 + 1) / 100 }];
        books.set(id, { bids: [bid], asks: [ask] });
        tick.push({ type: 'OrderBookDelta', instrumentId: id, ts, sequence: ++sequence, bids, asks });
      }
      else if (r < 0.6) tick.push({ type: 'Quote', instrumentId: id, ts, bid: p - 0.5, ask: p + 0.5, bidSize: Math.round(rand() * 100) / 10, askSize: Math.round(rand() * 100) / 10 });
      else {
        const burst = rand() < 0.2 ? 3 : 1;
        for (let k = 0; k < burst; k++) tick.push({ type: 'Trade', instrumentId: id, ts, price: p, size: Math.round(rand() * 1000 + 1) / 1000, aggressor: rand() < 0.5 ? 'BUYER' : 'SELLER', tradeId: String(++trade) });
      }
    }
    tick.sort((a, b) => RANK[a.type] - RANK[b.type] || (a.instrumentId === b.instrumentId ? 0 : a.instrumentId === BTC ? -1 : 1));
    out.push(...tick);
  }
  return out.slice(0, n);
}

const RANK = { OrderBookSnapshot: 0, OrderBookDelta: 1, Quote: 2, Trade: 3, Bar: 4 } as const;

/**
 * Events in the order a replay of the catalog gives them, computed here without the catalog: by time,
 * then data type (snapshots, deltas, quotes, trades, bars), then instrument (BTC first), then arrival.
 */
export function replayOrder(events: readonly MarketData[]): MarketData[] {
  const inst = (e: MarketData): number => (e.instrumentId === BTC ? 0 : 1);
  return events
    .map((e, i) => [e, i] as const)
    .sort(([a, i], [b, j]) => a.ts - b.ts || RANK[a.type] - RANK[b.type] || inst(a) - inst(b) || i - j)
    .map(([e]) => e);
}

/** A catalog whose writes wait for {@link release} (when `gated`) and fail while `failNext` > 0. */
export class GatedCatalog implements MarketDataCatalog {
  gated = false;
  failNext = 0;
  writes = 0;
  private waiting: (() => void)[] = [];

  constructor(readonly inner: MarketDataCatalog) {}

  /** Lets every waiting write (and the next ones, until gated again) go. */
  release(): void {
    this.gated = false;
    for (const go of this.waiting.splice(0)) go();
  }

  /** Writes waiting for {@link release}. */
  get blocked(): number {
    return this.waiting.length;
  }

  async write(data: Iterable<MarketData> | AsyncIterable<MarketData>, options?: CatalogWriteOptions) {
    this.writes++;
    if (this.gated) await new Promise<void>((r) => this.waiting.push(r));
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('disk full (simulated)');
    }
    return this.inner.write(data, options);
  }
  importBarsCsv: MarketDataCatalog['importBarsCsv'] = (...a) => this.inner.importBarsCsv(...a);
  query: MarketDataCatalog['query'] = (q) => this.inner.query(q);
  ranges: MarketDataCatalog['ranges'] = (f) => this.inner.ranges(f);
  consolidate: MarketDataCatalog['consolidate'] = (o) => this.inner.consolidate(o);
  close(): void | Promise<void> {
    return this.inner.close();
  }
}

/** Resolves with the next `name` event of `emitter` (within `timeoutMs`). */
export function next<K extends keyof RecorderEvents>(recorder: CatalogRecorder, name: K, timeoutMs = 10_000): Promise<Parameters<RecorderEvents[K]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${name}' event within ${timeoutMs} ms`)), timeoutMs);
    const once = recorder.once.bind(recorder) as (n: K, fn: (value: Parameters<RecorderEvents[K]>[0]) => void) => unknown;
    once(name, (value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** Every event of the catalog for BTC and ETH, in replay order. */
export async function readAll(catalog: MarketDataCatalog): Promise<MarketData[]> {
  const { recordedSeries } = await import('../recorded-series');
  const { mergeByTime } = await import('@rxtrade/backtest');
  const series: MarketData[][] = [];
  for (const q of recordedSeries(catalog, { instruments: [BTC, ETH] })) {
    const s: MarketData[] = [];
    for await (const e of q) s.push(e);
    series.push(s);
  }
  return [...mergeByTime(series)];
}
