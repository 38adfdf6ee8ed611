/**
 * The real ccxt Bybit client (its signing and parsing, unchanged) against the fake Bybit over REST:
 * markets, book, trades, klines with paging, orders by orderLinkId (create, fetch, amend, cancel), fills
 * with cursor paging, balance, positions, leverage and margin mode, funding, and every fault as the ccxt
 * error it should be.
 */
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bybitCcxtOptions } from './ccxt-options';
import { FakeBybit } from './fake-bybit';

let fake: FakeBybit;
let ex: Exchange;

beforeEach(async () => {
  fake = await FakeBybit.start({ balances: { USDT: 100_000, BTC: 1 }, linearWallet: { USDT: 50_000 } });
  fake.spot.setBook('BTCUSDT', { bids: [[29_999, 1], [29_998, 2]], asks: [[30_001, 1], [30_002, 2]] });
  fake.linear.setBook('BTCUSDT', { bids: [[29_990, 5]], asks: [[30_010, 5]] });
  ex = new ccxt.bybit(bybitCcxtOptions(fake, { options: { fetchOrder: { acknowledged: true } } }));
  await ex.loadMarkets();
});

afterEach(async () => {
  await ex.close();
  await fake.stop();
});

describe('ccxt bybit against the fake over REST', () => {
  it('loads spot and linear markets with their exact filters, and only the endpoints it needs', async () => {
    const spot = ex.market('BTC/USDT');
    const perp = ex.market('BTC/USDT:USDT');
    expect([spot.id, spot.type, spot.precision.price, spot.precision.amount, spot.limits.amount?.min, spot.limits.cost?.min]).toEqual(['BTCUSDT', 'spot', 0.01, 0.000001, 0.000048, 1]);
    expect([perp.id, perp.type, perp.linear, perp.settle, perp.precision.price, perp.precision.amount, perp.limits.cost?.min, perp.limits.leverage?.max]).toEqual(['BTCUSDT', 'swap', true, 'USDT', 0.1, 0.001, 5, 100]);
    const paths = fake.server.requests.map((r) => r.split('?')[0]);
    expect(new Set(paths)).toEqual(new Set(['GET /v5/asset/coin/query-info', 'GET /v5/market/instruments-info']));
    expect(Object.keys(ex.markets as object).sort()).toEqual(['BTC/USDT', 'BTC/USDT:USDT', 'ETH/USDT', 'ETH/USDT:USDT']);
  });

  it('reads the book, the ticker and recent trades', async () => {
    const book = await ex.fetchOrderBook('BTC/USDT', 5);
    expect([book.bids, book.asks]).toEqual([[[29_999, 1], [29_998, 2]], [[30_001, 1], [30_002, 2]]]);
    expect(fake.server.requests.at(-1)).toBe('GET /v5/market/orderbook?symbol=BTCUSDT&category=spot&limit=5');
    fake.spot.trade('BTCUSDT', { side: 'buy', price: 30_001, qty: 0.4 });
    fake.spot.trade('BTCUSDT', { side: 'sell', price: 29_999, qty: 0.1 });
    const trades = await ex.fetchTrades('BTC/USDT');
    expect(trades.map((t) => [t.price, t.amount, t.side])).toEqual([[30_001, 0.4, 'buy'], [29_999, 0.1, 'sell']]);
    const t = await ex.fetchTicker('BTC/USDT:USDT');
    expect([t.bid, t.ask, t.bidVolume, t.askVolume]).toEqual([29_990, 30_010, 5, 5]);
  });

  it('pages klines from a start time, oldest first', async () => {
    const minute = 60_000;
    const t0 = Math.floor(Date.now() / minute) * minute - 30 * minute;
    // ETHUSDT has no scripted book: each print is at its own price
    for (let i = 0; i < 30; i++) fake.spot.trade('ETHUSDT', { side: 'buy', price: 30_000 + i, qty: 0.01, time: t0 + i * minute + 5 });
    const page1 = await ex.fetchOHLCV('ETH/USDT', '1m', t0, 10);
    const page2 = await ex.fetchOHLCV('ETH/USDT', '1m', page1.at(-1)![0]! + minute, 10);
    expect([...page1, ...page2].map((c) => (c[0]! - t0) / minute)).toEqual([...Array(20).keys()]);
    expect(page2[0]).toEqual([t0 + 10 * minute, 30_010, 30_010, 30_010, 30_010, 0.01]);
    const all = await ex.fetchOHLCV('ETH/USDT', '1m', t0, 100);
    expect(all).toHaveLength(30);
  });

  it('accepts a post-only order that would take and cancels it at once, as Bybit does (EC_PostOnlyWillTakeLiquidity)', async () => {
    for (const symbol of ['BTC/USDT', 'BTC/USDT:USDT']) {
      const venue = symbol === 'BTC/USDT' ? fake.spot : fake.linear;
      const ask = venue.bestAsk('BTCUSDT')![0];
      const created = await ex.createOrder(symbol, 'limit', 'buy', 0.01, ask, { clientOrderId: `po-${venue === fake.spot ? 's' : 'l'}`, postOnly: true });
      expect(created.id).toBeTruthy();
      const order = await ex.fetchOrder(created.id!, symbol);
      expect([order.status, order.filled, order.timeInForce, order.postOnly]).toEqual(['canceled', 0, 'PO', true]);
      expect([(order.info as Record<string, unknown>)['rejectReason'], (order.info as Record<string, unknown>)['cancelType']]).toEqual(['EC_PostOnlyWillTakeLiquidity', 'UNKNOWN']);
      // Nothing rests, nothing traded, nothing stays locked.
      expect(venue.openOrders('BTCUSDT')).toEqual([]);
      expect(venue.fills('BTCUSDT')).toEqual([]);
      expect(venue.bestAsk('BTCUSDT')).toEqual([ask, venue === fake.spot ? 1 : 5]);
    }
    expect((await ex.fetchBalance()).USDT).toMatchObject({ used: 0 });
  });

  it('creates, finds by orderLinkId, amends and cancels a spot order; fills and balances follow', async () => {
    const created = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.5, 29_000, { clientOrderId: 'rx-1' });
    expect(created.clientOrderId).toBe('rx-1');
    const byLink = await ex.fetchOpenOrders('BTC/USDT', undefined, undefined, { orderLinkId: 'rx-1' });
    expect(byLink.map((o) => [o.id, o.clientOrderId, o.status, o.amount, o.price, o.type, o.side])).toEqual([[created.id!, 'rx-1', 'open', 0.5, 29_000, 'limit', 'buy']]);
    await ex.editOrder(created.id!, 'BTC/USDT', 'limit', 'buy', 0.4, 29_500);
    const amended = await ex.fetchOrder(created.id!, 'BTC/USDT');
    expect([amended.amount, amended.price, amended.status]).toEqual([0.4, 29_500, 'open']);
    expect((await ex.fetchBalance()).USDT).toMatchObject({ total: 100_000 + 50_000, used: 0.4 * 29_500 });
    await ex.cancelOrder(created.id!, 'BTC/USDT');
    await expect(ex.cancelOrder(created.id!, 'BTC/USDT')).rejects.toThrow(ccxt.OrderNotFound);
    expect((await ex.fetchOrder(created.id!, 'BTC/USDT')).status).toBe('canceled');
    // a market buy in base units fills as taker at the asks
    const market = await ex.createOrder('BTC/USDT', 'market', 'buy', 1.5, undefined, { clientOrderId: 'rx-2' });
    const done = await ex.fetchOrder(market.id!, 'BTC/USDT');
    expect([done.status, done.filled, done.cost]).toEqual(['closed', 1.5, 30_001 + 0.5 * 30_002]);
    expect(done.average).toBeCloseTo((30_001 + 0.5 * 30_002) / 1.5, 8);
    const fills = await ex.fetchMyTrades('BTC/USDT');
    expect(fills.map((f) => [f.order, f.price, f.amount, f.takerOrMaker, f.fee?.currency, f.fee?.cost])).toEqual([
      [market.id!, 30_001, 1, 'taker', 'BTC', 0.001],
      [market.id!, 30_002, 0.5, 'taker', 'BTC', 0.0005],
    ]);
    const bal = await ex.fetchBalance();
    expect(bal.BTC?.total).toBeCloseTo(1 + 1.5 * 0.999, 10);
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 5, 29_000)).rejects.toThrow(ccxt.InsufficientFunds); // 145,000 USDT
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.00001, 29_000)).rejects.toThrow(ccxt.InvalidOrder);
  });

  it('pages fills with the cursor and by time window', async () => {
    const t0 = Date.now() - 60_000;
    fake.spot.setTime(t0);
    for (let i = 0; i < 7; i++) {
      fake.spot.advance(1000);
      await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { clientOrderId: `m-${i}` });
    }
    fake.spot.setTime(undefined);
    // three per page: ccxt follows nextPageCursor (Bybit pages newest first)
    const all = await ex.fetchMyTrades('BTC/USDT', t0, undefined, { paginate: true, maxEntriesPerRequest: 3 });
    expect(all.map((t) => t.timestamp! - t0)).toEqual([7000, 6000, 5000, 4000, 3000, 2000, 1000]);
    expect(fake.server.requests.filter((r) => r.startsWith('GET /v5/execution/list') && r.includes('cursor='))).toHaveLength(2);
    const page = await ex.fetchMyTrades('BTC/USDT', t0, 3);
    expect(page.map((t) => t.timestamp! - t0)).toEqual([5000, 6000, 7000]); // the newest three of the window
    const since = await ex.fetchMyTrades('BTC/USDT', t0 + 5000);
    expect(since.map((t) => t.timestamp! - t0)).toEqual([5000, 6000, 7000]);
    await expect(ex.fetchMyTrades('BTC/USDT', t0 - 8 * 86_400_000, undefined, { until: t0 })).rejects.toThrow(ccxt.BadRequest);
  });

  it('perpetuals: leverage, margin mode, a position with entry price, funding booked from execution/list', async () => {
    await ex.setLeverage(5, 'BTC/USDT:USDT');
    await expect(ex.setLeverage(5, 'BTC/USDT:USDT')).rejects.toThrow(ccxt.BadRequest); // 110043 not modified
    await ex.setMarginMode('isolated', 'BTC/USDT:USDT');
    expect(fake.marginMode).toBe('ISOLATED_MARGIN');
    expect((await ex.fetchMarginMode('BTC/USDT:USDT')).marginMode).toBe('isolated');
    await ex.createOrder('BTC/USDT:USDT', 'market', 'buy', 0.2, undefined, { clientOrderId: 'p-1' });
    fake.linear.setMarkPrice('BTCUSDT', 30_100);
    const [pos] = await ex.fetchPositions(['BTC/USDT:USDT']);
    expect([pos?.side, pos?.contracts, pos?.entryPrice, pos?.leverage, pos?.unrealizedPnl, pos?.markPrice]).toEqual(['long', 0.2, 30_010, 5, (30_100 - 30_010) * 0.2, 30_100]);
    await expect(ex.setMarginMode('cross', 'BTC/USDT:USDT')).rejects.toThrow(ccxt.ExchangeError); // a position is open
    const fee = fake.applyFunding('BTCUSDT', 0.0001, Date.now());
    expect(fee).toBeCloseTo(0.2 * 30_100 * 0.0001, 10);
    const funding = await ex.fetchFundingHistory('BTC/USDT:USDT', Date.now() - 60_000);
    expect(funding.map((f) => [f.symbol, f.code, f.amount, (f as unknown as { rate: number }).rate])).toEqual([['BTC/USDT:USDT', 'USDT', 0.602, 0.0001]]);
    await expect(ex.createOrder('BTC/USDT:USDT', 'limit', 'sell', 1, 31_000, { reduceOnly: true })).resolves.toBeDefined();
    await expect(ex.createOrder('BTC/USDT:USDT', 'limit', 'buy', 100, 29_000)).rejects.toThrow(ccxt.InsufficientFunds);
  });

  it('refuses a wrong secret, a wrong key and a stale timestamp with Bybit’s codes', async () => {
    const wrong = new ccxt.bybit(bybitCcxtOptions(fake, { secret: 'not-the-secret' }));
    wrong.markets = ex.markets;
    wrong.options['enableUnifiedAccount'] = true;
    wrong.options['enableUnifiedMargin'] = false;
    await expect(wrong.fetchBalance()).rejects.toThrow(/10004/);
    await expect(wrong.fetchBalance()).rejects.toThrow(ccxt.AuthenticationError);
    const badKey = new ccxt.bybit(bybitCcxtOptions(fake, { apiKey: 'nope' }));
    badKey.markets = ex.markets;
    badKey.options['enableUnifiedAccount'] = true;
    badKey.options['enableUnifiedMargin'] = false;
    await expect(badKey.fetchBalance()).rejects.toThrow(ccxt.AuthenticationError);
    fake.faults.clockOffsetMs = 60_000;
    await expect(ex.fetchBalance()).rejects.toThrow(ccxt.InvalidNonce);
    await ex.loadTimeDifference();
    await expect(ex.fetchBalance()).resolves.toBeDefined();
  });

  it('faults: 429 (10006), a gateway 503, a lost acknowledgement while the order rests', async () => {
    fake.faults.failHttp({ status: 429, match: /^GET \/v5\/market\/time$/ });
    await expect(ex.fetchTime()).rejects.toThrow(ccxt.RateLimitExceeded);
    fake.faults.failHttp({ status: 503 });
    await expect(ex.fetchTime()).rejects.toThrow(ccxt.ExchangeNotAvailable);
    fake.faults.swallowAcks(1, /^POST \/v5\/order\/create$/);
    ex.timeout = 300;
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.1, 29_000, { clientOrderId: 'lost-1' })).rejects.toThrow(ccxt.RequestTimeout);
    const [found] = await ex.fetchOpenOrders('BTC/USDT', undefined, undefined, { orderLinkId: 'lost-1' });
    expect([found?.clientOrderId, found?.status]).toEqual(['lost-1', 'open']);
  });
});
