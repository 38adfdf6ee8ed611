import ccxt from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coinbaseCcxtOptions } from './ccxt-options';
import { FakeCoinbase } from './fake-coinbase';
import { cdpKey } from './jwt';

let fake: FakeCoinbase;
let ex: InstanceType<typeof ccxt.coinbase>;

beforeEach(async () => {
  fake = await FakeCoinbase.start({ balances: { USD: 100_000, BTC: 2 } });
  fake.venue.setBook('BTC-USD', { bids: [[29_999, 1], [29_998, 2]], asks: [[30_001, 1], [30_002, 2]] });
  ex = new ccxt.coinbase(coinbaseCcxtOptions(fake));
  await ex.loadMarkets();
});

afterEach(async () => {
  await fake.stop();
});

describe('fake Coinbase Advanced Trade REST through ccxt', { timeout: 5000 }, () => {
  it('lists products as markets with exact increments and the fee tier of the transaction summary', () => {
    const m = ex.markets!['BTC/USD']!;
    expect([m.id, m.type, m.precision.amount, m.precision.price, m.limits.amount?.min, m.limits.cost?.min, m.maker, m.taker]).toEqual(['BTC-USD', 'spot', 1e-8, 0.01, 1e-8, 1, 0.004, 0.006]);
    expect(Object.keys(ex.markets!).sort()).toEqual(['BTC/USD', 'ETH/USD']);
    expect(fake.server.requests.some((r) => r.startsWith('GET /api/v3/brokerage/transaction_summary'))).toBe(true);
  });

  it('serves the book, best bid/ask and server time', async () => {
    const ob = await ex.fetchOrderBook('BTC/USD', 1);
    expect([ob.bids, ob.asks]).toEqual([[[29_999, 1]], [[30_001, 1]]]);
    const ba = await ex.fetchBidsAsks(['BTC/USD']);
    expect(ba['BTC/USD']).toMatchObject({ bid: 29_999, bidVolume: 1, ask: 30_001, askVolume: 1 });
    expect(Math.abs((await ex.fetchTime())! - Date.now())).toBeLessThan(2000);
  });

  it('serves market trades and candles in windows, newest first on the wire, paged by ccxt', async () => {
    const minute = 60_000;
    const t0 = Math.floor(Date.now() / minute) * minute - 400 * minute;
    fake.venue.setTime(t0);
    for (let i = 0; i < 400; i++) fake.venue.trade('BTC-USD', { side: i % 2 === 0 ? 'buy' : 'sell', price: i % 2 === 0 ? 30_001 : 29_999, qty: 0.001, time: t0 + i * minute + 1000 });
    fake.venue.setTime(undefined);
    const trades = await ex.fetchTrades('BTC/USD', t0 + 10 * minute, 5, { until: t0 + 20 * minute });
    // the 5 most recent of the window, oldest first after ccxt's sort
    expect(trades.map((t) => (t.timestamp! - t0 - 1000) / minute)).toEqual([15, 16, 17, 18, 19]);
    expect(trades[0]).toMatchObject({ price: 29_999, amount: 0.001, side: 'sell' });
    const candles = await ex.fetchOHLCV('BTC/USD', '1m', t0, 300);
    expect(candles).toHaveLength(300);
    expect(candles[0]).toEqual([t0, 30_001, 30_001, 30_001, 30_001, 0.001]);
    const next = await ex.fetchOHLCV('BTC/USD', '1m', candles.at(-1)![0]! + minute, 300);
    expect([next.length, next[0]![0], next.at(-1)![0]]).toEqual([100, t0 + 300 * minute, t0 + 399 * minute]);
    // more than 350 candles in one request is refused as Coinbase does
    await expect(ex.fetchOHLCV('BTC/USD', '1m', t0, 300, { until: t0 + 400 * minute })).rejects.toThrow(/less than 350/);
  });

  it('creates with client_order_id, fetches, edits in place, cancels; a reused client_order_id returns the existing order', async () => {
    const o = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.5, 29_000, { client_order_id: 'cb-1', postOnly: true });
    expect(o.clientOrderId).toBe('cb-1');
    const again = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.5, 29_000, { client_order_id: 'cb-1' });
    expect(again.id).toBe(o.id);
    expect(fake.venue.openOrders()).toHaveLength(1);
    expect(await ex.fetchOrder(o.id!, 'BTC/USD')).toMatchObject({ status: 'open', amount: 0.5, price: 29_000, postOnly: true, timeInForce: 'GTC', type: 'limit' });
    expect(fake.venue.balances.get('USD')).toEqual({ free: 100_000 - 14_500, locked: 14_500 });
    await ex.editOrder(o.id!, 'BTC/USD', 'limit', 'buy', 0.4, 29_100);
    const edited = await ex.fetchOrder(o.id!, 'BTC/USD');
    expect([edited.id, edited.amount, edited.price]).toEqual([o.id, 0.4, 29_100]);
    expect((edited.info as { edit_history: unknown[] }).edit_history).toHaveLength(1);
    const c = await ex.cancelOrder(o.id!, 'BTC/USD');
    expect(c.id).toBe(o.id);
    expect(await ex.fetchOrder(o.id!, 'BTC/USD')).toMatchObject({ status: 'canceled' });
    await expect(ex.cancelOrder(o.id!, 'BTC/USD')).rejects.toThrow(ccxt.BadRequest);
    // the 400 of a refused edit carries no error id ccxt knows: it raises by the status
    await expect(ex.editOrder(o.id!, 'BTC/USD', 'limit', 'buy', 0.3, 29_100)).rejects.toThrow(/ORDER_NOT_FOUND/);
    expect(fake.venue.balances.get('USD')).toEqual({ free: 100_000, locked: 0 });
  });

  it('fills a market buy by base size and by quote size, IOC and FOK; fees in USD; fills paged by cursor', async () => {
    const opts = { client_order_id: 'm-1', createMarketBuyOrderRequiresPrice: false, order_configuration: { market_market_ioc: { base_size: '1.5' } } };
    const m = await ex.createOrder('BTC/USD', 'market', 'buy', 1.5, undefined, opts);
    const filled = await ex.fetchOrder(m.id!, 'BTC/USD');
    expect(filled).toMatchObject({ status: 'closed', filled: 1.5 });
    expect(filled.average).toBeCloseTo((30_001 + 0.5 * 30_002) / 1.5, 6);
    const cost = await ex.createMarketBuyOrderWithCost('BTC/USD', 300.02, { client_order_id: 'm-2' });
    expect(await ex.fetchOrder(cost.id!, 'BTC/USD')).toMatchObject({ status: 'closed', filled: 0.01 });
    const fok = await ex.createOrder('BTC/USD', 'limit', 'sell', 3.5, 29_000, { client_order_id: 'fok', timeInForce: 'FOK' });
    expect(await ex.fetchOrder(fok.id!, 'BTC/USD')).toMatchObject({ status: 'canceled', filled: 0, timeInForce: 'FOK' });
    const ioc = await ex.createOrder('BTC/USD', 'limit', 'sell', 2, 29_999, { client_order_id: 'ioc', timeInForce: 'IOC' });
    expect(await ex.fetchOrder(ioc.id!, 'BTC/USD')).toMatchObject({ status: 'canceled', filled: 1, timeInForce: 'IOC' });
    const mine = await ex.fetchMyTrades('BTC/USD');
    expect(mine).toHaveLength(4);
    const first = mine.find((t) => t.order === m.id && t.price === 30_001)!;
    expect(first).toMatchObject({ amount: 1, side: 'buy', takerOrMaker: 'taker', fee: { cost: 30_001 * 0.006, currency: 'USD' } });
    const paged = await ex.fetchMyTrades('BTC/USD', undefined, undefined, { paginate: true, maxEntriesPerRequest: 1 });
    expect(new Set(paged.map((t) => t.id)).size).toBe(4);
    expect(fake.server.requests.filter((r) => r.startsWith('GET /api/v3/brokerage/orders/historical/fills') && r.includes('cursor=')).length).toBeGreaterThanOrEqual(3);
    const since = await ex.fetchMyTrades('BTC/USD', first.timestamp! + 1);
    expect(since.every((t) => t.timestamp! > first.timestamp!)).toBe(true);
    const bal = await ex.fetchBalance();
    const fees = mine.reduce((s, t) => s + t.fee!.cost!, 0);
    expect(bal['USD']!.total).toBeCloseTo(100_000 - 30_001 - 0.5 * 30_002 - 0.01 * 30_002 + 29_999 - fees, 6);
    expect(bal['BTC']).toEqual({ free: 2 + 1.5 + 0.01 - 1, used: 0, total: 2 + 1.5 + 0.01 - 1 });
  });

  it('lists open and closed orders with filters and cursor pages; a GTD order expires at its end time', async () => {
    for (let i = 0; i < 5; i++) await ex.createOrder('BTC/USD', 'limit', 'buy', 0.1, 29_000 + i, { client_order_id: `open-${i}` });
    const open = await ex.fetchOpenOrders('BTC/USD', undefined, undefined, { paginate: true, maxEntriesPerRequest: 2 });
    expect(fake.server.requests.filter((r) => r.startsWith('GET /api/v3/brokerage/orders/historical/batch') && r.includes('cursor=')).length).toBe(2);
    expect(open.map((o) => o.clientOrderId).sort()).toEqual(['open-0', 'open-1', 'open-2', 'open-3', 'open-4']);
    const gtd = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.1, 28_000, { client_order_id: 'gtd', timeInForce: 'GTD', end_time: new Date(Date.now() + 150).toISOString() });
    await new Promise((r) => setTimeout(r, 200));
    expect(await ex.fetchOrder(gtd.id!, 'BTC/USD')).toMatchObject({ status: 'canceled', timeInForce: 'GTD' });
    expect((await ex.fetchCanceledOrders('BTC/USD')).map((o) => o.clientOrderId)).toEqual([]);
    const page = await ex.v3PrivateGetBrokerageOrdersHistoricalBatch({ order_status: 'EXPIRED' });
    expect((page as { orders: Array<{ client_order_id: string }> }).orders.map((o) => o.client_order_id)).toEqual(['gtd']);
  });

  it('refuses an order the account cannot pay for with INSUFFICIENT_FUND, a post-only that would cross as a failure', async () => {
    await expect(ex.createOrder('BTC/USD', 'limit', 'buy', 10, 29_000, { client_order_id: 'big' })).rejects.toThrow(ccxt.InsufficientFunds);
    await expect(ex.createOrder('BTC/USD', 'limit', 'buy', 0.1, 30_001, { client_order_id: 'po', postOnly: true })).rejects.toThrow(/Post-only/);
    expect(fake.venue.openOrders()).toEqual([]);
  });

  it('a JWT signed by another key, an expired JWT and a JWT for another request are refused with 401 (AuthenticationError)', async () => {
    const other = cdpKey(fake.key.name);
    const bad = new ccxt.coinbase(coinbaseCcxtOptions(fake, { secret: other.privateKeyPem }));
    await expect(bad.fetchBalance()).rejects.toThrow(ccxt.AuthenticationError);
    expect(fake.lastAuthError).toBe('signature does not verify with the key');
    fake.faults.clockOffsetMs = 200_000;
    await expect(ex.fetchBalance()).rejects.toThrow(ccxt.AuthenticationError);
    expect(fake.lastAuthError).toBe('the JWT expired (exp)');
    fake.faults.clockOffsetMs = 0;
    // a token minted for GET /accounts replayed on another path
    const token = (ex as unknown as { createAuthToken: (s: number, m: string, u: string) => string }).createAuthToken(Math.floor(Date.now() / 1000), 'GET', `${fake.httpUrl}/api/v3/brokerage/accounts`);
    const res = await fetch(`${fake.httpUrl}/api/v3/brokerage/orders/historical/batch`, { headers: { authorization: `Bearer ${token}` } });
    expect([res.status, await res.text()]).toEqual([401, 'Unauthorized\n']);
    expect(fake.lastAuthError).toMatch(/^uri claim GET http:\/\/127\.0\.0\.1:\d+\/api\/v3\/brokerage\/accounts does not match/);
    expect(fake.venue.openOrders()).toEqual([]);
  });
});
