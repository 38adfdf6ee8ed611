/**
 * CcxtDataClient with the real ccxt pro client against the fake Binance: quotes, trades and books over
 * its market streams; a socket that goes silent without closing found by the staleness watchdog and
 * resynced; a gap in the book's update ids resynced from a REST snapshot; the trades printed while a
 * socket was silent backfilled; bars paged from klines.
 */
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BacktestClock, instrumentId, type MarketData, type OrderBookDelta, type OrderBookSnapshot } from '@rxtrade/core';
import { binanceCcxtOptions } from './__fixtures__/fake-binance/ccxt-options';
import { FakeBinance } from './__fixtures__/fake-binance/fake-binance';
import { CcxtDataClient } from './ccxt-data-client';
import { loadCcxtInstruments, type CcxtInstruments } from './ccxt-instruments';

let fake: FakeBinance;
let exchange: Exchange;
let client: CcxtDataClient;
const events: MarketData[] = [];
const btc = instrumentId('BTCUSDT.BINANCE');

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeEach(async () => {
  events.length = 0;
  fake = await FakeBinance.start({ balances: { USDT: 1000 } });
  fake.spot.setBook('BTCUSDT', { bids: [[29_999, 1], [29_998, 2]], asks: [[30_001, 1], [30_002, 2]] });
  // ccxt delays each new dial of a socket it dialed within 30 s (1 s, doubling per dial: its own reconnect
  // backoff), which would stack seconds on every reconnect these tests cause; the adapter's backoff below
  // is what they exercise.
  exchange = new ccxt.pro.binance(binanceCcxtOptions(fake, { options: { ws: { backoff: { base: 20, max: 100 } } } }));
  const instruments = await loadCcxtInstruments(exchange, { venue: 'BINANCE', symbols: ['BTC/USDT'] });
  client = new CcxtDataClient({ exchange, instruments, staleAfterMs: { QUOTES: 300, BOOKS: 300, TRADES: 5000 }, bookDepth: 5, backoff: { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 } });
  client.events.subscribe((e) => events.push(e));
});

/** Whether the fake's market socket carries `stream` (the subscription reached the venue). */
const subscribed = (stream: string): true | undefined => fake.socketsOf('market').some((s) => (s.state.get('streams') as Set<string> | undefined)?.has(stream)) || undefined;

let ticker: ReturnType<typeof setInterval> | undefined;
/** A live market: the best bid's size changes every 40 ms, so a healthy feed is never quiet for long. */
function tickMarket(): void {
  let k = 0;
  ticker = setInterval(() => {
    const best = fake.spot.bestBid('BTCUSDT')!;
    fake.spot.setLevel('BTCUSDT', 'bid', best[0], k++ % 2 === 0 ? best[1] + 0.5 : best[1] - 0.5);
  }, 40);
}

afterEach(async () => {
  clearInterval(ticker);
  await client.disconnect();
  await exchange.close();
  await fake.stop();
});

/** The book as the fake holds it, at depth 5, as rxtrade levels. */
const fakeBook = () => {
  const d = fake.spot.depth('BTCUSDT', 5);
  return { bids: d.bids.map(([price, size]) => ({ price, size })), asks: d.asks.map(([price, size]) => ({ price, size })) };
};

/** Replays published book events into one book. */
function replay(evts: readonly MarketData[]): { bids: { price: number; size: number }[]; asks: { price: number; size: number }[] } {
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  for (const e of evts) {
    if (e.type === 'OrderBookSnapshot') {
      bids.clear();
      asks.clear();
    }
    if (e.type !== 'OrderBookSnapshot' && e.type !== 'OrderBookDelta') continue;
    for (const l of (e as OrderBookSnapshot | OrderBookDelta).bids) (l.size === 0 ? bids.delete(l.price) : bids.set(l.price, l.size));
    for (const l of (e as OrderBookSnapshot | OrderBookDelta).asks) (l.size === 0 ? asks.delete(l.price) : asks.set(l.price, l.size));
  }
  return {
    bids: [...bids].sort((a, b) => b[0] - a[0]).map(([price, size]) => ({ price, size })),
    asks: [...asks].sort((a, b) => a[0] - b[0]).map(([price, size]) => ({ price, size })),
  };
}

describe('CcxtDataClient against a fake Binance', () => {
  it('publishes quotes; a silent socket is found stale, closed, reconnected and resynced from REST', async () => {
    client.subscribe({ kind: 'QUOTES', instrumentId: btc });
    await client.connect();
    tickMarket();
    await waitFor('the subscription', () => subscribed('btcusdt@bookTicker'));
    fake.spot.setLevel('BTCUSDT', 'bid', 30_000, 1);
    const q = await waitFor('a quote', () => events.find((e) => e.type === 'Quote' && e.bid === 30_000));
    expect(q).toMatchObject({ type: 'Quote', instrumentId: btc, bid: 30_000, ask: 30_001, askSize: 1 });
    const statuses: string[] = [];
    client.connection.subscribe((s) => statuses.push(s));
    fake.faults.silent = true; // the socket stays open, nothing arrives
    fake.spot.setLevel('BTCUSDT', 'ask', 30_000.5, 2);
    await waitFor('stale', () => client.stats()[0]!.stale > 0 || undefined);
    expect(statuses).toContain('RECONNECTING');
    fake.faults.silent = false;
    // The REST snapshot after the reconnect brings the ask set while the socket was silent.
    await waitFor('the resynced quote', () => events.find((e) => e.type === 'Quote' && e.ask === 30_000.5));
    await waitFor('connected', () => statuses.at(-1) === 'CONNECTED' || undefined);
    expect(fake.server.requests.some((r) => r.startsWith('GET /api/v3/ticker/bookTicker'))).toBe(true);
    expect(client.stats()[0]).toMatchObject({ kind: 'QUOTES' });
    expect(client.stats()[0]!.reconnects).toBeGreaterThanOrEqual(1);
  });

  it('runs its watchdog and its backoff on its clock: a silent socket is stale when the clock passes staleAfterMs, and is back after the clock passes the backoff', async () => {
    await client.disconnect();
    const clock = new BacktestClock(Date.now());
    client = new CcxtDataClient({ exchange, instruments: (client as unknown as { instruments: CcxtInstruments }).instruments, clock, staleAfterMs: { QUOTES: 60_000 }, backoff: { initialDelayMs: 5_000, maxDelayMs: 5_000, jitter: 0 } });
    client.events.subscribe((e) => events.push(e));
    client.subscribe({ kind: 'QUOTES', instrumentId: btc });
    await client.connect();
    // The one book change below reaches the quotes stream only once the subscription is in.
    await waitFor('the subscription', () => subscribed('btcusdt@bookTicker'));
    fake.spot.setLevel('BTCUSDT', 'bid', 30_000, 1);
    await waitFor('a quote', () => events.find((e) => e.type === 'Quote' && e.bid === 30_000));
    fake.faults.silent = true;
    fake.spot.setLevel('BTCUSDT', 'ask', 30_000.5, 2);
    clock.advanceTo(clock.now() + 59_999);
    await new Promise((r) => setTimeout(r, 100)); // wall time does not make a watch stale
    expect(client.stats()[0]!.stale).toBe(0);
    clock.advanceTo(clock.now() + 1);
    await waitFor('stale', () => client.stats()[0]!.stale > 0 || undefined);
    fake.faults.silent = false;
    await new Promise((r) => setTimeout(r, 100)); // the reconnect waits out its backoff on the clock, not on the wall
    expect(events.some((e) => e.type === 'Quote' && e.ask === 30_000.5)).toBe(false);
    clock.advanceTo(clock.now() + 5_000);
    await waitFor('the resynced quote', () => events.find((e) => e.type === 'Quote' && e.ask === 30_000.5));
    expect(client.stats()[0]!.reconnects).toBe(1);
  });

  it('keeps the book equal to the venue’s through deltas, and resyncs after a gap in the update ids', async () => {
    client.subscribe({ kind: 'BOOKS', instrumentId: btc });
    await client.connect();
    const snap = await waitFor('the snapshot', () => events.find((e) => e.type === 'OrderBookSnapshot'));
    expect(snap).toMatchObject({ ...fakeBook(), sequence: fake.spot.updateId('BTCUSDT') });
    tickMarket();
    fake.spot.setLevel('BTCUSDT', 'bid', 29_999.5, 0.5);
    fake.spot.setLevel('BTCUSDT', 'ask', 30_001, 0);
    await waitFor('the venue’s book, replayed from the deltas', () => JSON.stringify(replay(events)) === JSON.stringify(fakeBook()) && replay(events).bids.some((l) => l.price === 29_999.5) ? true : undefined);
    expect(client.stats()[0]!.resyncs).toBe(0);
    // Two updates swapped on the wire: the first to arrive skips an update id, so ccxt's U/u check fails.
    fake.faults.reorder = true;
    fake.spot.setLevel('BTCUSDT', 'bid', 29_997, 3);
    fake.spot.setLevel('BTCUSDT', 'ask', 30_003, 4);
    await waitFor('a resync', () => client.stats()[0]!.resyncs > 0 || undefined);
    fake.faults.reorder = false;
    fake.spot.setLevel('BTCUSDT', 'bid', 29_996, 1);
    await waitFor('the book after the resync', () => {
      const b = replay(events);
      return b.bids.some((l) => l.price === 29_996) && JSON.stringify(b) === JSON.stringify(fakeBook()) ? true : undefined;
    });
    const seqs = events.filter((e) => e.type === 'OrderBookDelta' || e.type === 'OrderBookSnapshot').map((e) => (e as OrderBookDelta).sequence);
    expect(events.filter((e) => e.type === 'OrderBookSnapshot').length).toBeGreaterThanOrEqual(2);
    expect(seqs.at(-1)).toBe(fake.spot.updateId('BTCUSDT'));
  });

  it('backfills the trades printed while the socket was down, each once', async () => {
    client.subscribe({ kind: 'TRADES', instrumentId: btc });
    await client.connect();
    await waitFor('the subscription', () => subscribed('btcusdt@trade'));
    fake.spot.trade('BTCUSDT', { side: 'buy', price: 30_001, qty: 0.1 });
    await waitFor('the first trade', () => events.find((e) => e.type === 'Trade'));
    fake.restart(); // every socket closed; the client reconnects after its backoff
    fake.spot.trade('BTCUSDT', { side: 'sell', price: 29_999, qty: 0.2 });
    fake.spot.trade('BTCUSDT', { side: 'sell', price: 29_999, qty: 0.3 });
    await waitFor('three trades', () => events.filter((e) => e.type === 'Trade').length >= 3 || undefined);
    await new Promise((r) => setTimeout(r, 100));
    const trades = events.filter((e) => e.type === 'Trade');
    expect(trades.map((t) => [t.price, t.size, t.aggressor])).toEqual([[30_001, 0.1, 'BUYER'], [29_999, 0.2, 'SELLER'], [29_999, 0.3, 'SELLER']]);
    expect(client.stats()[0]!.backfilled).toBe(2);
  });

  it('pages bars from klines, oldest first, leaving out the bar still forming', async () => {
    const minute = 60_000;
    const t0 = Math.floor(Date.now() / minute) * minute - 10 * minute;
    fake.spot.setTime(t0);
    for (let i = 0; i < 10; i++) {
      fake.spot.trade('BTCUSDT', { side: 'buy', price: 30_001, qty: 0.01, time: t0 + i * minute + 1000 });
      fake.spot.trade('BTCUSDT', { side: 'sell', price: 29_999, qty: 0.02, time: t0 + i * minute + 2000 });
    }
    const bars = await client.requestBars(btc, t0 + 2 * minute, t0 + 7 * minute);
    expect(bars.map((b) => (b.ts - t0) / minute)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(bars[0]).toMatchObject({ type: 'Bar', open: 30_001, high: 30_001, low: 29_999, close: 29_999, volume: 0.03 });
  });
});
