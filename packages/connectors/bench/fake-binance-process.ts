/**
 * The fake Binance in a process of its own, for latency benchmarks: a venue does its work (matching,
 * the REST answer, the user data stream's messages) on its own machine, so a benchmark that keeps the
 * fake in the measured process charges the fake's work to the client. Started by
 * `ccxt-submit-latency.bench.ts` with `fork`; answers a few questions over IPC.
 *
 * Its argument: the delay in ms of the user data stream's messages (0: an order's report goes out before
 * the answer to the request that placed it).
 *
 * Messages in: `{ id, ask: 'subscribed' | 'openOrders' | 'stop' }`; out: `{ ready: { apiKey, secret,
 * httpUrl, wsUrl } }` once, then `{ id, value }` per question.
 */
import { FakeBinance } from '../src/ccxt/__fixtures__/fake-binance/fake-binance';

const fake = await FakeBinance.start({ balances: { USDT: 100_000_000 }, userDataDelayMs: Number(process.argv[2] ?? 0) });
fake.spot.setBook('BTCUSDT', { bids: [[29_999, 10]], asks: [[30_001, 10]] });

process.on('message', (m: { id: number; ask: 'subscribed' | 'openOrders' | 'stop' }) => {
  const reply = (value: number): void => void process.send!({ id: m.id, value });
  switch (m.ask) {
    case 'subscribed':
      return reply(fake.socketsOf('wsapi').filter((s) => typeof s.state.get('userDataSubscription') === 'number').length);
    case 'openOrders':
      return reply(fake.spot.openOrders('BTCUSDT').length);
    case 'stop':
      void fake.stop().then(() => {
        reply(0);
        process.disconnect();
      });
  }
});
process.send!({ ready: { apiKey: fake.apiKey, secret: fake.secret, httpUrl: fake.httpUrl, wsUrl: fake.wsUrl } });
