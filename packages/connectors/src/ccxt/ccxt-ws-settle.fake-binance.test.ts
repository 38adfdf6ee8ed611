/**
 * settleCcxtWsPromises with the real ccxt pro client against the fake Binance: the two ways ccxt leaves a
 * WebSocket promise unobserved (a subscription sent after the throttler's wait on a socket that closed
 * meanwhile; the positions snapshot's future of the private streams rejected by a close) no longer end
 * as unhandled rejections, and the watches still fail as before.
 */
import ccxt from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from './__fixtures__/fake-exchange/wait-for';
import { binanceCcxtOptions } from './__fixtures__/fake-binance/ccxt-options';
import { FakeBinance } from './__fixtures__/fake-binance/fake-binance';
import { settleCcxtWsPromises } from './ccxt-ws-settle';

let fake: FakeBinance;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeEach(async () => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
  fake = await FakeBinance.start({ balances: { USDT: 1000 }, futuresWallet: { USDT: 1000 } });
  fake.spot.setBook('BTCUSDT', { bids: [[29_999, 1]], asks: [[30_001, 1]] });
  fake.spot.setBook('ETHUSDT', { bids: [[1_999, 1]], asks: [[2_001, 1]] });
  fake.futures.setBook('BTCUSDT', { bids: [[29_999.9, 5]], asks: [[30_000.1, 5]] });
});

afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  await fake.stop();
});

/** Lets pending timers and their promise callbacks run, so that a rejection left unobserved is reported. */
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('settleCcxtWsPromises', () => {
  it('a subscription the throttler lets through after its socket closed fails its watch, and the refused send is no unhandled rejection', async () => {
    // Binance's own rateLimit (each WebSocket message costs options.ws.cost = 5 tokens, one token per
    // 50 ms), and every spot stream on one connection, so that both subscriptions share its throttler.
    const ex = new ccxt.pro.binance(binanceCcxtOptions(fake, { rateLimit: 50, options: { streamLimits: { spot: 1 } } }));
    expect(settleCcxtWsPromises(ex)).toBe(true);
    expect(settleCcxtWsPromises(ex)).toBe(true);
    await ex.loadMarkets();
    try {
      const first = ex.watchTrades('BTC/USDT');
      await waitFor(() => fake.socketsOf('market').some((s) => (s.state.get('streams') as Set<string>).has('btcusdt@trade')), 'the first subscription');
      // The bucket is 5 tokens short: this subscription waits about 250 ms for the throttler.
      const second = ex.watchTrades('ETH/USDT');
      const outcomes = Promise.allSettled([first, second]);
      await settle(20);
      fake.restart(); // the venue closes the socket while the second subscription waits
      const [a, b] = await outcomes;
      expect(a.status).toBe('rejected');
      expect(b.status).toBe('rejected');
      expect(String((b as PromiseRejectedResult).reason)).toMatch(/closed by remote server/);
      await settle(400); // the throttler lets the subscription through; ws refuses it on the closed socket
      expect(unhandled).toEqual([]);
      expect(fake.socketsOf('market').some((s) => (s.state.get('streams') as Set<string>).has('ethusdt@trade'))).toBe(false);
    } finally {
      await ex.close();
    }
  });

  it('the positions snapshot ccxt starts beside the private streams, rejected by a close, is no unhandled rejection', async () => {
    const ex = new ccxt.pro.binanceusdm(binanceCcxtOptions(fake, { market: 'linear' }));
    settleCcxtWsPromises(ex);
    await ex.loadMarkets();
    // The snapshot's fetchPositions fails: ccxt's future for it stays pending until the close rejects it.
    fake.faults.failHttp({ status: 503, match: /positionRisk/, count: 5 });
    const orders = ex.watchOrders('BTC/USDT:USDT');
    const outcome = orders.then(() => 'resolved', (e: unknown) => e);
    await waitFor(() => fake.socketsOf('userData', 'futures').length === 1, 'the listen-key socket');
    await waitFor(() => fake.server.requests.some((r) => r.includes('positionRisk')), 'the positions snapshot request');
    await ex.close();
    expect(await outcome).toBeInstanceOf(ccxt.ExchangeClosedByUser);
    await settle(50);
    expect(unhandled).toEqual([]);
  });
});
