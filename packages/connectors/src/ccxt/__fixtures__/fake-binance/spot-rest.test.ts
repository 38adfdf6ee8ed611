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
});
