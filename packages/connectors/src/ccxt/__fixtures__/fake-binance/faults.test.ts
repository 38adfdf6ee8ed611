import ccxt from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../fake-exchange/wait-for';
import { binanceCcxtOptions } from './ccxt-options';
import { FakeBinance } from './fake-binance';

let fake: FakeBinance;
let ex: InstanceType<typeof ccxt.pro.binance>;

beforeEach(async () => {
  fake = await FakeBinance.start({ balances: { USDT: 100_000, BTC: 1 }, futuresWallet: { USDT: 10_000 } });
  fake.spot.setBook('BTCUSDT', { bids: [[29_999, 1]], asks: [[30_001, 1]] });
  ex = new ccxt.pro.binance({ ...binanceCcxtOptions(fake, { timeout: 1000 }), streaming: { keepAlive: 100 } });
  await ex.loadMarkets();
});

afterEach(async () => {
  await ex.close();
  await fake.stop();
});

describe('fake Binance faults as ccxt sees them', { timeout: 5000 }, () => {
  it('429 with Retry-After is DDoSProtection; the next request succeeds', async () => {
    fake.faults.failHttp({ status: 429, retryAfterS: 7, match: /^GET \/api\/v3\/depth$/ });
    const err = await ex.fetchOrderBook('BTC/USDT').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.DDoSProtection);
    expect(String(err)).toContain('-1003');
    expect(ex.last_response_headers?.['retry-after'] ?? ex.last_response_headers?.['Retry-After']).toBe('7');
    await expect(ex.fetchOrderBook('BTC/USDT')).resolves.toMatchObject({ bids: [[29_999, 1]] });
  });

  it('503 is ExchangeNotAvailable', async () => {
    fake.faults.failHttp({ status: 503 });
    await expect(ex.fetchTime()).rejects.toThrow(ccxt.ExchangeNotAvailable);
  });

  it('a swallowed acknowledgement times out as RequestTimeout while the order rests on the venue', async () => {
    fake.faults.swallowAcks(1, /^POST \/api\/v3\/order$/);
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.1, 29_000, { clientOrderId: 'lost-ack' })).rejects.toThrow(ccxt.RequestTimeout);
    const o = await ex.fetchOrder('', 'BTC/USDT', { origClientOrderId: 'lost-ack' });
    expect(o).toMatchObject({ clientOrderId: 'lost-ack', status: 'open', amount: 0.1 });
  });

  it('a timestamp outside recvWindow is -1021, InvalidNonce; after a time resync the request passes', async () => {
    fake.faults.clockOffsetMs = -20_000;
    await expect(ex.fetchBalance()).rejects.toThrow(ccxt.InvalidNonce);
    await ex.loadTimeDifference();
    expect(Math.abs(Number(ex.options['timeDifference']) - 20_000)).toBeLessThan(1_000);
    await expect(ex.fetchBalance()).resolves.toMatchObject({ BTC: { free: 1 } });
    fake.faults.clockOffsetMs = 20_000;
    await expect(ex.fetchBalance()).rejects.toThrow(ccxt.InvalidNonce);
  });

  it('a wrong secret fails the signature check with -1022 (AuthenticationError), REST and WebSocket API', async () => {
    const bad = new ccxt.pro.binance(binanceCcxtOptions(fake, { secret: 'not-the-secret' }));
    await bad.loadMarkets();
    const err = await bad.fetchBalance().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.AuthenticationError);
    expect(String(err)).toContain('-1022');
    await expect(bad.createOrderWs('BTC/USDT', 'limit', 'buy', 0.1, 29_000)).rejects.toThrow(ccxt.AuthenticationError);
    await bad.close();
    expect(fake.spot.openOrders()).toEqual([]);
  });

  it('a socket that goes silent without closing fails the watch with RequestTimeout (keep-alive)', async () => {
    const t = ex.watchTrades('BTC/USDT');
    await waitFor(() => fake.socketsOf('market', 'spot').length === 1, 'the market socket');
    fake.faults.silent = true;
    await expect(t).rejects.toThrow(ccxt.RequestTimeout);
    expect(fake.socketsOf('market', 'spot').length).toBeLessThanOrEqual(1);
  });

  it('duplicated messages reach ccxt twice', async () => {
    const ws = ex.watchTrades('BTC/USDT');
    await waitFor(() => fake.socketsOf('market', 'spot').some((s) => (s.state.get('streams') as Set<string>).has('btcusdt@trade')), 'the trade subscription');
    fake.faults.duplicate = true;
    fake.spot.trade('BTCUSDT', { side: 'buy', price: 30_001, qty: 0.1 });
    await ws;
    const trades = await waitFor(() => (ex.trades['BTC/USDT']?.length === 2 ? ex.trades['BTC/USDT'] : undefined), 'the duplicate');
    expect(trades[0]?.id).toBe(trades[1]?.id);
  });

  it('reordered messages reach ccxt pairwise swapped', async () => {
    const ws = ex.watchTrades('BTC/USDT');
    await waitFor(() => fake.socketsOf('market', 'spot').some((s) => (s.state.get('streams') as Set<string>).has('btcusdt@trade')), 'the trade subscription');
    fake.spot.trade('BTCUSDT', { side: 'buy', price: 30_001, qty: 0.1 });
    await ws;
    await waitFor(() => ex.trades['BTC/USDT']?.length === 1, 'the first trade');
    const before = 1;
    fake.faults.reorder = true;
    fake.spot.setLevel('BTCUSDT', 'ask', 30_002, 1);
    const [a] = fake.spot.trade('BTCUSDT', { side: 'buy', price: 30_001, qty: 0.1 });
    const [b] = fake.spot.trade('BTCUSDT', { side: 'buy', price: 30_002, qty: 0.1 });
    const ids = await waitFor(() => {
      const list = ex.trades['BTC/USDT'];
      return list !== undefined && list.length === before + 2 ? list.slice(before).map((t) => t.id) : undefined;
    }, 'the reordered pair');
    expect(ids).toEqual([String(b!.id), String(a!.id)]);
  });

  it('a restart closes every socket and invalidates the listen key', async () => {
    // no positions snapshot: its internal future would be rejected by the restart with nobody awaiting it
    const usdm = new ccxt.pro.binanceusdm(binanceCcxtOptions(fake, { market: 'linear', options: { watchPositions: { fetchPositionsSnapshot: false } } }));
    await usdm.loadMarkets();
    const orders = usdm.watchOrders('BTC/USDT:USDT');
    const trades = ex.watchTrades('BTC/USDT');
    await waitFor(
      () => fake.socketsOf('userData').length === 1 && fake.socketsOf('market').some((s) => (s.state.get('streams') as Set<string>).size > 0),
      'both sockets',
    );
    const key = [...fake.listenKeys][0]!;
    fake.restart();
    // Both watches observed at once: the spot socket's close may be handled first, and a rejection of
    // `trades` while only `orders` was awaited would be an unhandled rejection.
    await Promise.all([expect(orders).rejects.toThrow(ccxt.NetworkError), expect(trades).rejects.toThrow(ccxt.NetworkError)]);
    expect(fake.listenKeys.has(key)).toBe(false);
    await expect(usdm.fapiPrivatePutListenKey({ listenKey: key })).rejects.toThrow(ccxt.ExchangeError);
    await usdm.close();
  });
});
