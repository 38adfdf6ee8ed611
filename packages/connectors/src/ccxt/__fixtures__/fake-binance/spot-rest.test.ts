import ccxt from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { binanceCcxtOptions } from './ccxt-options';
import { FakeBinance } from './fake-binance';

let fake: FakeBinance;
let ex: InstanceType<typeof ccxt.binance>;

beforeEach(async () => {
  fake = await FakeBinance.start({ balances: { USDT: 100_000, BTC: 1 } });
  fake.spot.setBook('BTCUSDT', { bids: [[29_999, 1], [29_998, 2]], asks: [[30_001, 1], [30_002, 2]] });
  ex = new ccxt.binance(binanceCcxtOptions(fake));
  await ex.loadMarkets();
});

afterEach(async () => {
  await ex.close();
  await fake.stop();
});

describe('fake Binance spot REST through ccxt', () => {
  it('loads spot and linear markets with the filters as precision and limits', () => {
    const m = ex.market('BTC/USDT');
    expect(m.spot).toBe(true);
    expect(m.precision.price).toBe(0.01);
    expect(m.precision.amount).toBe(0.00001);
    expect(m.limits.cost?.min).toBe(5);
    expect(ex.market('BTC/USDT:USDT').linear).toBe(true);
    expect(fake.server.requests.some((r) => r.includes('/sapi/'))).toBe(false);
  });

  it('serves the order book with the account’s resting orders aggregated into the levels', async () => {
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.5, 29_999, { clientOrderId: 'rest-1' });
    const book = await ex.fetchOrderBook('BTC/USDT');
    expect(book.bids).toEqual([[29_999, 1.5], [29_998, 2]]);
    expect(book.asks).toEqual([[30_001, 1], [30_002, 2]]);
    expect(book.nonce).toBe(fake.spot.updateId('BTCUSDT'));
  });

  it('fills a crossing limit buy across two levels, charges commission in base and reports the fills', async () => {
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 1.5, 30_002, { clientOrderId: 'cross-1' });
    expect(o.status).toBe('closed');
    expect(o.clientOrderId).toBe('cross-1');
    expect(o.filled).toBe(1.5);
    expect(o.average).toBeCloseTo((30_001 * 1 + 30_002 * 0.5) / 1.5, 8);
    expect(o.trades.map((t) => [t.price, t.amount])).toEqual([[30_001, 1], [30_002, 0.5]]);
    const bal = await ex.fetchBalance();
    // 1 BTC + 1.5 bought − 0.1 % commission (taken in the received asset); USDT pays 30_001 + 0.5 × 30_002
    expect(bal['BTC']?.total).toBeCloseTo(1 + 1.5 * 0.999, 10);
    expect(bal['USDT']?.total).toBeCloseTo(100_000 - 30_001 - 15_001, 8);
    expect(bal['USDT']?.used).toBe(0);
  });

  it('pages klines and aggregated trades by time, with empty minutes carrying the previous close', async () => {
    const t0 = 1_700_000_040_000 - (1_700_000_040_000 % 60_000);
    // an empty book, so each print happens at its own price; one print per minute for 25 minutes except minute 3
    fake.spot.setBook('BTCUSDT', { bids: [], asks: [] });
    for (let i = 0; i < 25; i++) {
      if (i === 3) continue;
      fake.spot.trade('BTCUSDT', { side: i % 2 === 0 ? 'buy' : 'sell', price: 30_000 + i, qty: 0.01, time: t0 + i * 60_000 + 5_000 });
    }
    const pages: number[][] = [];
    let since = t0;
    for (let page = 0; page < 3; page++) {
      const candles = await ex.fetchOHLCV('BTC/USDT', '1m', since, 10);
      pages.push(candles.map((c) => c[0]!));
      since = candles.at(-1)![0]! + 60_000;
    }
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual(Array.from({ length: 25 }, (_, i) => t0 + i * 60_000));
    const all = await ex.fetchOHLCV('BTC/USDT', '1m', t0, 5);
    expect(all[3]).toEqual([t0 + 180_000, 30_002, 30_002, 30_002, 30_002, 0]);
    expect(all[4]).toEqual([t0 + 240_000, 30_004, 30_004, 30_004, 30_004, 0.01]);
    const first = await ex.fetchTrades('BTC/USDT', t0, 10);
    const next = await ex.fetchTrades('BTC/USDT', first.at(-1)!.timestamp! + 1, 10);
    expect([...first, ...next].map((t) => t.price)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20].map((i) => 30_000 + i));
    expect(first[1]).toMatchObject({ side: 'sell', amount: 0.01, timestamp: t0 + 65_000 });
  });

  it('finds an order by client id, lists open orders and trades since a time, and rejects what Binance rejects', async () => {
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.2, 29_000, { newClientOrderId: 'find-me' });
    expect((await ex.fetchOrder('', 'BTC/USDT', { origClientOrderId: 'find-me' })).id).toBe(o.id);
    expect((await ex.fetchOpenOrders('BTC/USDT')).map((x) => x.clientOrderId)).toEqual(['find-me']);
    const before = Date.now();
    await ex.createOrder('BTC/USDT', 'market', 'sell', 0.1);
    const mine = await ex.fetchMyTrades('BTC/USDT', before - 1);
    expect(mine.map((t) => [t.side, t.price, t.amount, t.takerOrMaker])).toEqual([['sell', 29_999, 0.1, 'taker']]);
    expect(mine[0]?.fee).toEqual({ cost: 2.9999, currency: 'USDT' });
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.1, 30_001, { postOnly: true })).rejects.toThrow(ccxt.InvalidOrder);
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 100, 29_000)).rejects.toThrow(ccxt.InsufficientFunds);
    // ccxt maps -1013 NOTIONAL by code to BadRequest (LOT_SIZE and PRICE_FILTER by message to InvalidOrder)
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0001, 29_000)).rejects.toThrow(ccxt.BadRequest);
    await expect(ex.fetchOrder('', 'BTC/USDT', { origClientOrderId: 'nope' })).rejects.toThrow(ccxt.OrderNotFound);
    await expect(ex.cancelOrder('424242', 'BTC/USDT')).rejects.toThrow(ccxt.OrderNotFound);
  });

  it('edits a spot order through cancelReplace and expires IOC and FOK remainders', async () => {
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.2, 29_000, { clientOrderId: 'edit-1' });
    const edited = await ex.editOrder(o.id!, 'BTC/USDT', 'limit', 'buy', 0.3, 29_500);
    expect(edited).toMatchObject({ status: 'open', price: 29_500, amount: 0.3 });
    expect(fake.spot.getOrder('BTCUSDT', { clientOrderId: 'edit-1' })?.status).toBe('canceled');
    const ioc = await ex.createOrder('BTC/USDT', 'limit', 'buy', 2, 30_001, { timeInForce: 'IOC' });
    expect(ioc).toMatchObject({ status: 'expired', filled: 1, remaining: 1 });
    // only 2 are offered up to 30_002, so a FOK for 2.01 expires untouched
    const fok = await ex.createOrder('BTC/USDT', 'limit', 'buy', 2.01, 30_002, { timeInForce: 'FOK' });
    expect(fok).toMatchObject({ status: 'expired', filled: 0 });
    expect(fake.spot.depth('BTCUSDT').asks).toEqual([[30_002, 2]]);
  });
});
