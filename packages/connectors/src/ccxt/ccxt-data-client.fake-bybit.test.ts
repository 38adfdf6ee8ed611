/**
 * CcxtDataClient with the real ccxt.pro Bybit client against the fake Bybit: the book from Bybit's
 * snapshot and deltas kept equal to the venue's, quotes from the ticker topic, trades backfilled after a
 * restart, bars paged from klines.
 */
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instrumentId, type MarketData, type OrderBookDelta, type OrderBookSnapshot } from '@rxtrade/core';
import { bybitCcxtOptions } from './__fixtures__/fake-bybit/ccxt-options';
import { FakeBybit } from './__fixtures__/fake-bybit/fake-bybit';
import { waitFor } from './__fixtures__/fake-exchange/wait-for';
import { CcxtDataClient } from './ccxt-data-client';
import { loadCcxtInstruments } from './ccxt-instruments';

let fake: FakeBybit;
let exchange: Exchange;
let client: CcxtDataClient;
const events: MarketData[] = [];
const btc = instrumentId('BTCUSDT-PERP.BYBIT');

beforeEach(async () => {
  events.length = 0;
  fake = await FakeBybit.start({ linearWallet: { USDT: 1000 } });
  fake.linear.setBook('BTCUSDT', { bids: [[29_999, 1], [29_998, 2]], asks: [[30_001, 1], [30_002, 2]] });
  exchange = new ccxt.pro.bybit(bybitCcxtOptions(fake));
  const instruments = await loadCcxtInstruments(exchange, { venue: 'BYBIT', symbols: ['BTC/USDT:USDT'] });
  client = new CcxtDataClient({ exchange, instruments, staleAfterMs: { QUOTES: 5000, BOOKS: 5000, TRADES: 5000 }, bookDepth: 5, backoff: { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 } });
  client.events.subscribe((e) => events.push(e));
});

afterEach(async () => {
  await client.disconnect();
  await exchange.close();
  await fake.stop();
});

const fakeBook = () => {
  const d = fake.linear.depth('BTCUSDT', 5);
  return { bids: d.bids.map(([price, size]) => ({ price, size })), asks: d.asks.map(([price, size]) => ({ price, size })) };
};

function replay(evts: readonly MarketData[]) {
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  for (const e of evts) {
    if (e.type === 'OrderBookSnapshot') (bids.clear(), asks.clear());
    if (e.type !== 'OrderBookSnapshot' && e.type !== 'OrderBookDelta') continue;
    for (const l of (e as OrderBookSnapshot | OrderBookDelta).bids) (l.size === 0 ? bids.delete(l.price) : bids.set(l.price, l.size));
    for (const l of (e as OrderBookSnapshot | OrderBookDelta).asks) (l.size === 0 ? asks.delete(l.price) : asks.set(l.price, l.size));
  }
  return {
    bids: [...bids].sort((a, b) => b[0] - a[0]).map(([price, size]) => ({ price, size })),
    asks: [...asks].sort((a, b) => a[0] - b[0]).map(([price, size]) => ({ price, size })),
  };
}

describe('CcxtDataClient against a fake Bybit', () => {
  it('keeps the book equal to the venue’s from the orderbook.50 snapshot and deltas', async () => {
    client.subscribe({ kind: 'BOOKS', instrumentId: btc });
    await client.connect();
    const snap = await waitFor(() => events.find((e) => e.type === 'OrderBookSnapshot'), 'the snapshot', 3000);
    expect(snap).toMatchObject(fakeBook());
    fake.linear.setLevel('BTCUSDT', 'bid', 29_999.5, 0.5);
    fake.linear.setLevel('BTCUSDT', 'ask', 30_001, 0);
    fake.linear.setLevel('BTCUSDT', 'ask', 30_003, 4);
    await waitFor(() => (JSON.stringify(replay(events)) === JSON.stringify(fakeBook()) && replay(events).asks[0]?.price === 30_002 ? true : undefined), 'the venue’s book, replayed from the deltas', 3000);
    expect(fake.topics()).toEqual(['orderbook.50.BTCUSDT']);
    expect(client.stats()[0]!.resyncs).toBe(0);
  });

  it('sees a gap in a book topic’s u and resubscribes for Bybit’s fresh snapshot (a REST snapshot cannot be continued from the stream)', async () => {
    client.subscribe({ kind: 'BOOKS', instrumentId: btc });
    await client.connect();
    const snap = await waitFor(() => events.find((e): e is OrderBookSnapshot => e.type === 'OrderBookSnapshot'), 'the snapshot', 3000);
    expect(snap.sequence).toBe(fake.linear.updateId('BTCUSDT')); // Bybit's u, as the book's nonce
    fake.dropBookUpdates(1);
    fake.linear.setLevel('BTCUSDT', 'bid', 29_999.5, 0.5); // lost on the wire
    fake.linear.setLevel('BTCUSDT', 'ask', 30_003, 4); // its u skips one
    await waitFor(() => (JSON.stringify(replay(events)) === JSON.stringify(fakeBook()) && replay(events).bids[0]?.price === 29_999.5 ? true : undefined), 'the venue’s book after the gap', 3000);
    expect(client.stats()[0]!.resyncs).toBe(1);
    await waitFor(() => fake.topics().length === 1 || undefined, 'the new subscription', 3000);
    expect(fake.topics()).toEqual(['orderbook.50.BTCUSDT']);
    expect(fake.server.requests.filter((r) => r.startsWith('GET /v5/market/orderbook'))).toHaveLength(1);
    // The first snapshot, the REST one after the gap and the new subscription's, published before the next
    // change: a change that reached ccxt before the client took the new snapshot would come with it, as
    // part of that snapshot.
    await waitFor(() => events.filter((e) => e.type === 'OrderBookSnapshot').length === 3 || undefined, 'the new subscription’s snapshot', 3000);
    // the book went on from the new subscription's snapshot: its deltas follow it
    fake.linear.setLevel('BTCUSDT', 'bid', 29_998, 0);
    await waitFor(() => (JSON.stringify(replay(events)) === JSON.stringify(fakeBook()) && !replay(events).bids.some((l) => l.price === 29_998) ? true : undefined), 'the next delta', 3000);
    const last = events.at(-1) as OrderBookDelta;
    expect([last.type, last.sequence]).toEqual(['OrderBookDelta', fake.linear.updateId('BTCUSDT')]);
  });

  it('drops a duplicated delta and resyncs after reordered ones, keeping the venue’s book', async () => {
    client.subscribe({ kind: 'BOOKS', instrumentId: btc });
    await client.connect();
    await waitFor(() => events.find((e) => e.type === 'OrderBookSnapshot'), 'the snapshot', 3000);
    fake.faults.duplicate = true;
    fake.linear.setLevel('BTCUSDT', 'bid', 29_999.5, 0.5);
    fake.linear.setLevel('BTCUSDT', 'ask', 30_001, 0);
    await waitFor(() => (JSON.stringify(replay(events)) === JSON.stringify(fakeBook()) && replay(events).asks[0]?.price === 30_002 ? true : undefined), 'the book through duplicates', 3000);
    expect(client.stats()[0]!.resyncs).toBe(0);
    fake.faults.duplicate = false;
    fake.faults.reorder = true;
    fake.linear.setLevel('BTCUSDT', 'bid', 29_999.6, 0.1);
    fake.linear.setLevel('BTCUSDT', 'bid', 29_999.6, 0.2);
    await waitFor(() => client.stats()[0]!.resyncs > 0 || undefined, 'a resync after the reordered deltas', 3000);
    fake.faults.reorder = false;
    fake.linear.setLevel('BTCUSDT', 'bid', 29_999.7, 0.3);
    await waitFor(() => (JSON.stringify(replay(events)) === JSON.stringify(fakeBook()) && replay(events).bids[0]?.price === 29_999.7 ? true : undefined), 'the venue’s book after the resync', 3000);
  });

  it('quotes from the top of the orderbook.50 book (ccxt’s watchBidsAsks would subscribe orderbook.1 into the same book)', async () => {
    client.subscribe({ kind: 'QUOTES', instrumentId: btc });
    await client.connect();
    await waitFor(() => fake.topics().length > 0 || undefined, 'the subscription', 3000);
    // The first quote is the snapshot's top: change the book only once it arrived (a change made as the
    // subscription registers could land in the snapshot itself, and the snapshot's quote would be lost).
    await waitFor(() => events.find((e) => e.type === 'Quote'), 'the snapshot quote', 3000);
    fake.linear.setLevel('BTCUSDT', 'bid', 29_999.5, 0.5);
    const q = await waitFor(() => events.find((e) => e.type === 'Quote' && e.bid === 29_999.5), 'a quote', 3000)
    expect(q).toMatchObject({ instrumentId: btc, bidSize: 0.5, ask: 30_001, askSize: 1 });
    expect(fake.topics()).toEqual(['orderbook.50.BTCUSDT']);
    fake.linear.setLevel('BTCUSDT', 'bid', 29_998, 3); // below the top: no new quote
    fake.linear.setLevel('BTCUSDT', 'ask', 30_000.5, 2);
    await waitFor(() => events.find((e) => e.type === 'Quote' && e.ask === 30_000.5), 'the next quote', 3000);
    expect(events.filter((e) => e.type === 'Quote').map((e) => e.type === 'Quote' && [e.bid, e.bidSize, e.ask, e.askSize])).toEqual([
      [29_999, 1, 30_001, 1],
      [29_999.5, 0.5, 30_001, 1],
      [29_999.5, 0.5, 30_000.5, 2],
    ]);
  });

  it('quotes and a full book of one symbol coexist on one instance: each is the venue’s', async () => {
    client.subscribe({ kind: 'QUOTES', instrumentId: btc });
    client.subscribe({ kind: 'BOOKS', instrumentId: btc });
    await client.connect();
    await waitFor(() => events.find((e) => e.type === 'OrderBookSnapshot'), 'the snapshot', 3000);
    await waitFor(() => events.find((e) => e.type === 'Quote'), 'a quote', 3000);
    fake.linear.setLevel('BTCUSDT', 'bid', 29_999.5, 0.5);
    fake.linear.setLevel('BTCUSDT', 'ask', 30_000.5, 2);
    fake.linear.setLevel('BTCUSDT', 'bid', 29_997, 7);
    await waitFor(() => (JSON.stringify(replay(events)) === JSON.stringify(fakeBook()) && replay(events).bids.some((l) => l.price === 29_997) ? true : undefined), 'the venue’s book', 3000);
    const quote = await waitFor(() => events.find((e) => e.type === 'Quote' && e.ask === 30_000.5), 'the quote at the new top', 3000);
    expect(quote).toMatchObject({ bid: 29_999.5, bidSize: 0.5, ask: 30_000.5, askSize: 2 });
    expect(replay(events)).toEqual(fakeBook());
    expect(client.stats().map((x) => x.resyncs)).toEqual([0, 0]);
  });

  it('backfills the trades printed while the socket was down, each once', async () => {
    client.subscribe({ kind: 'TRADES', instrumentId: btc });
    await client.connect();
    await waitFor(() => fake.topics().includes('publicTrade.BTCUSDT') || undefined, 'the subscription', 3000);
    fake.linear.trade('BTCUSDT', { side: 'buy', price: 30_001, qty: 0.1 });
    await waitFor(() => events.find((e) => e.type === 'Trade'), 'the first trade', 3000);
    fake.restart();
    fake.linear.trade('BTCUSDT', { side: 'sell', price: 29_999, qty: 0.2 });
    fake.linear.trade('BTCUSDT', { side: 'sell', price: 29_999, qty: 0.3 });
    await waitFor(() => events.filter((e) => e.type === 'Trade').length >= 3 || undefined, 'three trades', 3000);
    await new Promise((r) => setTimeout(r, 100));
    expect(events.filter((e) => e.type === 'Trade').map((t) => [t.price, t.size, t.aggressor])).toEqual([[30_001, 0.1, 'BUYER'], [29_999, 0.2, 'SELLER'], [29_999, 0.3, 'SELLER']]);
    expect(fake.server.requests.some((r) => r.startsWith('GET /v5/market/recent-trade'))).toBe(true);
  });

  it('pages bars from klines, oldest first, leaving out the bar still forming', async () => {
    const minute = 60_000;
    const t0 = Math.floor(Date.now() / minute) * minute - 10 * minute;
    fake.linear.setBook('BTCUSDT', { bids: [], asks: [] });
    for (let i = 0; i < 10; i++) {
      fake.linear.trade('BTCUSDT', { side: 'buy', price: 30_001, qty: 0.01, time: t0 + i * minute + 1000 });
      fake.linear.trade('BTCUSDT', { side: 'sell', price: 29_999, qty: 0.02, time: t0 + i * minute + 2000 });
    }
    const bars = await client.requestBars(btc, t0 + 2 * minute, t0 + 7 * minute);
    expect(bars.map((b) => (b.ts - t0) / minute)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(bars[0]).toMatchObject({ type: 'Bar', open: 30_001, high: 30_001, low: 29_999, close: 29_999, volume: 0.03 });
  });
});
