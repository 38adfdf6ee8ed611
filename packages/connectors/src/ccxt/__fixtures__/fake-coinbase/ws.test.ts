import ccxt from 'ccxt';
import { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../fake-exchange/wait-for';
import { coinbaseCcxtOptions } from './ccxt-options';
import { FakeCoinbase } from './fake-coinbase';
import { cdpKey } from './jwt';

let fake: FakeCoinbase;
let ex: InstanceType<typeof ccxt.pro.coinbase>;

beforeEach(async () => {
  fake = await FakeCoinbase.start({ balances: { USD: 100_000, BTC: 2 }, heartbeatMs: 50 });
  fake.venue.setBook('BTC-USD', { bids: [[29_999, 1], [29_998, 2]], asks: [[30_001, 1], [30_002, 2]] });
  ex = new ccxt.pro.coinbase({ ...coinbaseCcxtOptions(fake, { timeout: 1000 }), streaming: { keepAlive: 100 } });
  await ex.loadMarkets();
});

afterEach(async () => {
  await ex.close();
  await fake.stop();
});

describe('fake Coinbase Advanced Trade WebSocket through ccxt.pro', { timeout: 5000 }, () => {
  it('watchOrderBook: the level2 snapshot, then updates', async () => {
    const first = await ex.watchOrderBook('BTC/USD');
    expect([first.bids, first.asks]).toEqual([[[29_999, 1], [29_998, 2]], [[30_001, 1], [30_002, 2]]]);
    fake.venue.setLevel('BTC-USD', 'ask', 30_001, 0);
    fake.venue.trade('BTC-USD', { side: 'sell', price: 29_999, qty: 0.25 });
    const ob = await waitFor(() => (ex.orderbooks['BTC/USD']?.bids[0]?.[1] === 0.75 && ex.orderbooks['BTC/USD']?.asks[0]?.[0] === 30_002 ? ex.orderbooks['BTC/USD'] : undefined), 'the updated book');
    const d = fake.venue.depth('BTC-USD');
    expect([ob.bids, ob.asks]).toEqual([d.bids, d.asks]);
  });

  it('watchTrades and watchTicker see a scripted print', async () => {
    const t = ex.watchTrades('BTC/USD');
    const x = ex.watchTicker('BTC/USD');
    await waitFor(() => fake.subscribers('market_trades', 'BTC-USD').length > 0 && fake.subscribers('ticker', 'BTC-USD').length > 0, 'two subscriptions');
    await x; // the ticker snapshot
    const [print] = fake.venue.trade('BTC-USD', { side: 'buy', price: 30_001, qty: 0.4 });
    const trades = await waitFor(() => (ex.trades['BTC/USD']?.some((tr) => tr.id === String(print!.id)) ? ex.trades['BTC/USD'] : undefined), 'the print');
    await t;
    expect(trades.at(-1)).toMatchObject({ id: String(print!.id), price: 30_001, amount: 0.4, side: 'buy' });
    const ticker = await waitFor(() => (ex.tickers['BTC/USD']?.last === 30_001 ? ex.tickers['BTC/USD'] : undefined), 'the ticker');
    expect(ticker).toMatchObject({ bid: 29_999, bidVolume: 1, ask: 30_001, askVolume: 0.6, baseVolume: 0.4 });
  });

  it('watchOrders: the user channel (JWT) reports the order and its fills as cumulative quantities', async () => {
    const first = ex.watchOrders();
    await waitFor(() => fake.subscribers('user').length > 0, 'the user subscription');
    await first; // the snapshot of open orders (none)
    const o = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.5, 29_990, { client_order_id: 'ws-1' });
    const open = await waitFor(() => ex.orders?.find((x) => x.clientOrderId === 'ws-1'), 'the open order');
    expect(open).toMatchObject({ id: o.id, status: 'open', remaining: 0.5, filled: 0, price: 29_990, side: 'buy' });
    fake.venue.trade('BTC-USD', { side: 'sell', price: 29_990, qty: 3.3 }); // 3 scripted, then 0.3 of ours
    const partial = await waitFor(() => ex.orders?.filter((x) => x.id === o.id).find((x) => x.filled === 0.3), 'the partial fill');
    expect(partial).toMatchObject({ status: 'open', remaining: 0.2, average: 29_990 });
    fake.venue.trade('BTC-USD', { side: 'sell', price: 29_990, qty: 0.2 });
    const done = await waitFor(() => ex.orders?.filter((x) => x.id === o.id).find((x) => x.status === 'closed'), 'the fill');
    expect(done.filled).toBe(0.5);
    expect((done.info as { total_fees: string }).total_fees).toBe('59.98'); // 0.4 % of 0.5 × 29,990
  });

  it('a silent socket (open, but no message and no pong) times out on ccxt’s keep-alive; a new watch then gets a fresh snapshot', async () => {
    await ex.watchOrderBook('BTC/USD');
    const socket = Object.values(ex.clients)[0]!;
    fake.faults.silent = true;
    fake.venue.setLevel('BTC-USD', 'bid', 29_999, 4); // while silent: the client never hears of it
    const started = Date.now();
    await expect(ex.watchOrderBook('BTC/USD')).rejects.toThrow(ccxt.RequestTimeout);
    // keepAlive 100 ms × 2 missed pongs, checked every 100 ms: found within a few intervals, the socket closed
    expect(Date.now() - started).toBeLessThan(1000);
    expect(socket.isOpen()).toBe(false);
    fake.faults.silent = false;
    const book = await ex.watchOrderBook('BTC/USD'); // a new socket, a new level2 snapshot
    expect(book.bids[0]).toEqual([29_999, 4]);
  });

  it('a user subscription with a JWT of another key fails with authentication failure', async () => {
    const other = cdpKey(fake.key.name);
    const bad = new ccxt.pro.coinbase(coinbaseCcxtOptions(fake, { secret: other.privateKeyPem }));
    bad.setMarkets(ex.markets, ex.currencies as never); // its loadMarkets would fail at the private fee tier already
    await expect(bad.watchOrders()).rejects.toThrow(/authentication failure/);
    expect(fake.lastAuthError).toBe('signature does not verify with the key');
    await bad.close();
  });

  it('serves candles and heartbeats, and numbers every message of a connection', async () => {
    const ws = new WebSocket(fake.wsUrl);
    const got: Array<{ channel: string; sequence_num: number; events: Array<Record<string, unknown>> }> = [];
    ws.on('message', (m) => got.push(JSON.parse(String(m)) as (typeof got)[number]));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'subscribe', product_ids: ['BTC-USD'], channel: 'candles' }));
    ws.send(JSON.stringify({ type: 'subscribe', channel: 'heartbeats' }));
    await waitFor(() => got.filter((g) => g.channel === 'heartbeats').length >= 2, 'two heartbeats');
    fake.venue.trade('BTC-USD', { side: 'buy', price: 30_001, qty: 0.1 });
    const candle = await waitFor(() => got.find((g) => g.channel === 'candles' && (g.events[0]!['candles'] as unknown[]).length > 0), 'a candle');
    ws.close();
    expect(candle.events[0]).toMatchObject({ type: 'update', candles: [{ product_id: 'BTC-USD', open: '30001', high: '30001', low: '30001', close: '30001', volume: '0.1' }] });
    expect(Number((candle.events[0]!['candles'] as Array<{ start: string }>)[0]!.start) % 300).toBe(0);
    expect(got.map((g) => g.sequence_num)).toEqual(got.map((_, i) => i));
  });
});

describe('fake Coinbase faults as ccxt sees them', { timeout: 5000 }, () => {
  it('429 is RateLimitExceeded, 503 ExchangeNotAvailable', async () => {
    fake.faults.failHttp({ status: 429, retryAfterS: 1, match: /^GET \/api\/v3\/brokerage\/market\/product_book$/ });
    await expect(ex.fetchOrderBook('BTC/USD')).rejects.toThrow(ccxt.RateLimitExceeded);
    fake.faults.failHttp({ status: 503 });
    await expect(ex.fetchBalance()).rejects.toThrow(ccxt.ExchangeNotAvailable);
    await expect(ex.fetchOrderBook('BTC/USD')).resolves.toMatchObject({ bids: [[29_999, 1], [29_998, 2]] });
  });

  it('a swallowed acknowledgement is RequestTimeout while the order rests; sending it again returns the same order', async () => {
    fake.faults.swallowAcks(1, /^POST \/api\/v3\/brokerage\/orders$/);
    await expect(ex.createOrder('BTC/USD', 'limit', 'buy', 0.1, 29_000, { client_order_id: 'lost' })).rejects.toThrow(ccxt.RequestTimeout);
    expect(fake.venue.openOrders().map((o) => o.clientOrderId)).toEqual(['lost']);
    const again = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.1, 29_000, { client_order_id: 'lost' });
    expect(again.id).toBe(fake.orderId(fake.venue.openOrders()[0]!));
    expect(fake.venue.openOrders()).toHaveLength(1);
  });

  it('a restart closes the socket: the open watch fails with NetworkError', async () => {
    await ex.watchOrderBook('BTC/USD');
    const pending = ex.watchOrderBook('BTC/USD');
    fake.restart();
    await expect(pending).rejects.toThrow(ccxt.NetworkError);
  });

  it('duplicated and reordered messages carry their sequence numbers (the adapter drops and resyncs on them)', async () => {
    const ws = new WebSocket(fake.wsUrl);
    const seqs: number[] = [];
    ws.on('message', (m) => seqs.push((JSON.parse(String(m)) as { sequence_num: number }).sequence_num));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'subscribe', product_ids: ['BTC-USD'], channel: 'level2' }));
    await waitFor(() => seqs.length === 2, 'subscriptions and snapshot');
    fake.faults.duplicate = true;
    fake.venue.setLevel('BTC-USD', 'bid', 29_997, 1);
    await waitFor(() => seqs.length === 4, 'the duplicate');
    fake.faults.duplicate = false;
    fake.faults.reorder = true;
    fake.venue.setLevel('BTC-USD', 'bid', 29_996, 1);
    fake.venue.setLevel('BTC-USD', 'bid', 29_995, 1);
    await waitFor(() => seqs.length === 6, 'the swapped pair');
    ws.close();
    expect(seqs).toEqual([0, 1, 2, 2, 4, 3]);
  });
});
