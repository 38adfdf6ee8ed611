import ccxt from 'ccxt';
import { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../fake-exchange/wait-for';
import { binanceCcxtOptions } from './ccxt-options';
import { FakeBinance } from './fake-binance';

let fake: FakeBinance;
let ex: InstanceType<typeof ccxt.pro.binance>;

const subscribed = (stream: string): boolean =>
  fake.socketsOf('market', 'spot').some((s) => (s.state.get('streams') as Set<string>).has(stream));

beforeEach(async () => {
  fake = await FakeBinance.start({ balances: { USDT: 100_000, BTC: 2 } });
  fake.spot.setBook('BTCUSDT', { bids: [[29_999, 1], [29_998, 2]], asks: [[30_001, 1], [30_002, 2]] });
  ex = new ccxt.pro.binance(binanceCcxtOptions(fake));
  await ex.loadMarkets();
});

afterEach(async () => {
  await ex.close();
  await fake.stop();
});

describe('fake Binance spot WebSocket through ccxt.pro', { timeout: 5000 }, () => {
  it('watchOrderBook syncs the diff stream to the REST snapshot and applies later updates', async () => {
    const first = ex.watchOrderBook('BTC/USDT');
    await waitFor(() => subscribed('btcusdt@depth@100ms'), 'the depth subscription');
    fake.spot.setLevel('BTCUSDT', 'bid', 29_997, 3);
    await first;
    // the update may reach ccxt before or after its REST snapshot; either way the book must converge
    const ob = await waitFor(() => {
      const b = ex.orderbooks['BTC/USDT'];
      return b !== undefined && b.bids.length === 3 ? b : undefined;
    }, 'the first update applied');
    expect(ob.bids.slice(0, 3)).toEqual([[29_999, 1], [29_998, 2], [29_997, 3]]);
    fake.spot.setLevel('BTCUSDT', 'ask', 30_001, 0);
    fake.spot.trade('BTCUSDT', { side: 'sell', price: 29_999, qty: 0.25 });
    const later = await waitFor(() => {
      const b = ex.orderbooks['BTC/USDT'];
      return b !== undefined && b.asks[0]?.[0] === 30_002 && b.bids[0]?.[1] === 0.75 ? b : undefined;
    }, 'the updated book');
    const depth = fake.spot.depth('BTCUSDT');
    expect(later.bids.slice(0, 3)).toEqual(depth.bids);
    expect(later.asks.slice(0, 1)).toEqual(depth.asks.slice(0, 1));
    expect(later.nonce).toBe(depth.lastUpdateId);
  });

  it('watchTrades, watchTicker and watchOHLCV see a scripted print', async () => {
    const t = ex.watchTrades('BTC/USDT');
    const k = ex.watchOHLCV('BTC/USDT', '1m');
    const x = ex.watchTicker('BTC/USDT');
    await waitFor(() => subscribed('btcusdt@trade') && subscribed('btcusdt@kline_1m') && subscribed('btcusdt@miniTicker'), 'three subscriptions');
    const [print] = fake.spot.trade('BTCUSDT', { side: 'buy', price: 30_001, qty: 0.4 });
    const trades = await t;
    expect(trades.at(-1)).toMatchObject({ id: String(print!.id), price: 30_001, amount: 0.4, side: 'buy' });
    const candles = await k;
    const minute = Math.floor(print!.time / 60_000) * 60_000;
    expect(candles.at(-1)).toEqual([minute, 30_001, 30_001, 30_001, 30_001, 0.4]);
    const ticker = await x;
    // ccxt's watchTicker rides the 24h mini-ticker stream: last, open, high, low and volumes
    expect(ticker).toMatchObject({ last: 30_001, open: 30_001, high: 30_001, low: 30_001, baseVolume: 0.4 });
  });

  it('serves combined streams wrapped as {stream, data}', async () => {
    const ws = new WebSocket(`${fake.wsUrl}/stream?streams=btcusdt@aggTrade/btcusdt@bookTicker`);
    const got: Array<{ stream: string; data: Record<string, unknown> }> = [];
    ws.on('message', (m) => got.push(JSON.parse(String(m)) as (typeof got)[number]));
    await new Promise((r) => ws.once('open', r));
    fake.spot.trade('BTCUSDT', { side: 'sell', price: 29_999, qty: 0.1 });
    await waitFor(() => got.length >= 2, 'two combined messages');
    ws.close();
    expect(got.map((g) => g.stream).sort()).toEqual(['btcusdt@aggTrade', 'btcusdt@bookTicker']);
    const book = got.find((g) => g.stream === 'btcusdt@bookTicker')!.data;
    expect(book).toMatchObject({ s: 'BTCUSDT', b: '29999.00000000', B: '0.90000000', a: '30001.00000000' });
  });

  it('watchOrders and watchMyTrades get executionReports through the WebSocket API subscription', async () => {
    const orders = ex.watchOrders('BTC/USDT');
    await waitFor(() => fake.socketsOf('wsapi', 'spot').some((s) => typeof s.state.get('userDataSubscription') === 'number'), 'the user data subscription');
    const trades = ex.watchMyTrades('BTC/USDT');
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.5, 29_990, { clientOrderId: 'ws-watch-1' });
    const seen = await orders;
    expect(seen.at(-1)).toMatchObject({ clientOrderId: 'ws-watch-1', status: 'open', amount: 0.5, price: 29_990 });
    // another participant sells 3.3 down to our bid: 1 at 29_999 and 2 at 29_998 (scripted), then 0.3 from us as maker
    fake.spot.trade('BTCUSDT', { side: 'sell', price: 29_990, qty: 3.3 });
    const mine = await trades;
    expect(mine.at(-1)).toMatchObject({ order: '1000', price: 29_990, amount: 0.3, takerOrMaker: 'maker', side: 'buy' });
    expect(mine.at(-1)?.fee).toEqual({ cost: 0.0003, currency: 'BTC' });
    fake.spot.trade('BTCUSDT', { side: 'sell', price: 29_990, qty: 0.2 });
    let filled;
    while (filled === undefined) filled = (await ex.watchOrders('BTC/USDT')).find((o) => o.clientOrderId === 'ws-watch-1' && o.status === 'closed');
    expect(filled.filled).toBe(0.5);
    expect(fake.spot.balances.get('BTC')).toEqual({ free: 2 + 0.5 * 0.999, locked: 0 });
  });

  it('createOrderWs and cancelOrderWs place and cancel through order.place and order.cancel', async () => {
    const o = await ex.createOrderWs('BTC/USDT', 'limit', 'sell', 0.3, 30_500, { newClientOrderId: 'wsapi-1' });
    expect(o).toMatchObject({ clientOrderId: 'wsapi-1', status: 'open', amount: 0.3, price: 30_500 });
    expect(fake.spot.getOrder('BTCUSDT', { clientOrderId: 'wsapi-1' })?.status).toBe('new');
    expect(fake.spot.balances.get('BTC')).toEqual({ free: 1.7, locked: 0.3 });
    const c = await ex.cancelOrderWs(o.id!, 'BTC/USDT');
    expect(c.status).toBe('canceled');
    expect(fake.spot.balances.get('BTC')).toEqual({ free: 2, locked: 0 });
  });
});
