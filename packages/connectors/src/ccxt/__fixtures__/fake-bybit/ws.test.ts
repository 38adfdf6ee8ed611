/**
 * The real ccxt.pro Bybit client against the fake Bybit over WebSocket: the public topics (book snapshot
 * and deltas, trades, tickers, klines), the private topics after `auth` (orders, executions), orders over
 * the trade socket, a wrong secret refused, a silent socket found by ccxt's keep-alive, a restart.
 */
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../fake-exchange/wait-for';
import { bybitCcxtOptions } from './ccxt-options';
import { FakeBybit } from './fake-bybit';

let fake: FakeBybit;
let ex: Exchange;

beforeEach(async () => {
  fake = await FakeBybit.start({ balances: { USDT: 100_000, BTC: 1 }, linearWallet: { USDT: 50_000 } });
  fake.spot.setBook('BTCUSDT', { bids: [[29_999, 1], [29_998, 2]], asks: [[30_001, 1], [30_002, 2]] });
  fake.linear.setBook('BTCUSDT', { bids: [[29_990, 5]], asks: [[30_010, 5]] });
  ex = new ccxt.pro.bybit(bybitCcxtOptions(fake, { keepAlive: 300 }));
  await ex.loadMarkets();
});

afterEach(async () => {
  await ex.close();
  await fake.stop();
});

describe('ccxt.pro bybit against the fake over WebSocket', () => {
  it('keeps the book from the snapshot and the deltas, and streams trades, tickers and klines', async () => {
    const first = await ex.watchOrderBook('BTC/USDT');
    expect([first.bids.slice(0, 2), first.asks.slice(0, 2)]).toEqual([[[29_999, 1], [29_998, 2]], [[30_001, 1], [30_002, 2]]]);
    expect(fake.topics()).toEqual(['orderbook.50.BTCUSDT']);
    fake.spot.setLevel('BTCUSDT', 'bid', 30_000, 0.7);
    fake.spot.setLevel('BTCUSDT', 'ask', 30_001, 0);
    await waitFor(() => (ex.orderbooks['BTC/USDT']?.asks[0]?.[0] === 30_002 ? true : undefined), 'the delta removing 30001');
    expect(ex.orderbooks['BTC/USDT']!.bids.slice(0, 2)).toEqual([[30_000, 0.7], [29_999, 1]]);
    const trades = ex.watchTrades('BTC/USDT:USDT');
    await waitFor(() => fake.topics().includes('publicTrade.BTCUSDT') || undefined, 'the trade subscription');
    fake.linear.trade('BTCUSDT', { side: 'sell', price: 29_990, qty: 0.3 });
    expect((await trades).map((t) => [t.symbol, t.price, t.amount, t.side])).toEqual([['BTC/USDT:USDT', 29_990, 0.3, 'sell']]);
    const ticker = await ex.watchTicker('BTC/USDT:USDT');
    expect([ticker.symbol, ticker.last, ticker.bid, ticker.ask]).toEqual(['BTC/USDT:USDT', 29_990, 29_990, 30_010]);
    const candles = ex.watchOHLCV('BTC/USDT', '1m');
    await waitFor(() => fake.topics().includes('kline.1.BTCUSDT') || undefined, 'the kline subscription');
    fake.spot.trade('BTCUSDT', { side: 'buy', price: 30_002, qty: 0.5 });
    const [c] = (await candles).slice(-1);
    expect(c?.slice(1)).toEqual([30_002, 30_002, 30_002, 30_002, 0.5]);
  });

  it('logs in, streams orders and executions, and places, amends and cancels over the trade socket', async () => {
    const orders = ex.watchOrders();
    const mine = ex.watchMyTrades();
    await waitFor(() => (fake.topics().includes('order') && fake.topics().includes('execution')) || undefined, 'the private subscriptions');
    const created = await ex.createOrderWs('BTC/USDT', 'limit', 'buy', 0.5, 29_999, { clientOrderId: 'ws-1' });
    expect(fake.server.requests.some((r) => r.startsWith('POST /v5/order/create'))).toBe(false);
    expect(created.clientOrderId).toBe('ws-1');
    const [o] = await orders;
    expect([o?.id, o?.clientOrderId, o?.status, o?.amount]).toEqual([created.id!, 'ws-1', 'open', 0.5]);
    await ex.editOrderWs(created.id!, 'BTC/USDT', 'limit', 'buy', 0.4, 29_999);
    fake.spot.trade('BTCUSDT', { side: 'sell', price: 29_999, qty: 1.4 }); // the scripted 1 BTC first, then ours
    const [t] = await mine;
    expect([t?.order, t?.price, t?.amount, t?.takerOrMaker, t?.fee?.currency]).toEqual([created.id!, 29_999, 0.4, 'maker', 'BTC']);
    const next = await ex.createOrderWs('BTC/USDT:USDT', 'limit', 'buy', 0.01, 29_000, { clientOrderId: 'ws-2' });
    await ex.cancelOrderWs(next.id!, 'BTC/USDT:USDT');
    await waitFor(() => (fake.linear.getOrder('BTCUSDT', { clientOrderId: 'ws-2' })?.status === 'canceled' ? true : undefined), 'the cancel');
    await expect(ex.createOrderWs('BTC/USDT', 'limit', 'buy', 5, 29_000)).rejects.toThrow(ccxt.InsufficientFunds); // 145,000 USDT
  });

  it('a wrong secret is refused at login', async () => {
    const wrong = new ccxt.pro.bybit(bybitCcxtOptions(fake, { secret: 'not-the-secret' }));
    wrong.markets = ex.markets;
    wrong.options['enableUnifiedAccount'] = true;
    wrong.options['enableUnifiedMargin'] = false;
    await expect(wrong.watchOrders()).rejects.toThrow(/Invalid sign/);
    await wrong.close();
  });

  it('a silent socket times out on ccxt’s keep-alive; a restart closes the watch; duplicates are absorbed', async () => {
    await ex.watchOrderBook('BTC/USDT');
    fake.faults.silent = true;
    await expect(ex.watchOrderBook('BTC/USDT')).rejects.toThrow(ccxt.RequestTimeout);
    fake.faults.silent = false;
    await ex.watchOrderBook('BTC/USDT'); // resubscribes on a new socket, which sends a fresh snapshot
    const pending = ex.watchTrades('BTC/USDT');
    await waitFor(() => fake.topics().includes('publicTrade.BTCUSDT') || undefined, 'the trade subscription');
    fake.restart();
    await expect(pending).rejects.toThrow(ccxt.NetworkError);
    fake.faults.duplicate = true;
    const again = ex.watchTrades('BTC/USDT');
    await waitFor(() => fake.topics().includes('publicTrade.BTCUSDT') || undefined, 'the trade subscription again');
    fake.spot.trade('BTCUSDT', { side: 'buy', price: 30_001, qty: 0.2 });
    // ccxt keeps both copies (it does not deduplicate Bybit trades); they carry one trade id
    await waitFor(() => (ex.trades['BTC/USDT']?.length === 2 ? true : undefined), 'both copies');
    const copies = ex.trades['BTC/USDT']!;
    expect([copies.map((t) => t.amount), new Set(copies.map((t) => t.id)).size]).toEqual([[0.2, 0.2], 1]);
    await again;
  });
});
