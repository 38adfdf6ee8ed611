/**
 * Submit-to-acknowledgement latency of `CcxtExecutionClient` against bare ccxt calls, on the fake
 * Binance on 127.0.0.1, in the same process.
 *
 *   npx tsx --conditions=@rxtrade/source packages/connectors/bench/ccxt-submit-latency.bench.ts [orders] [reps] [--profile]
 *
 * Each sample is one limit buy of 0.001 BTC at 20,000 (below the book: it rests, no fill), sent only
 * after the previous one was acknowledged:
 * - rxtrade: `execution.submit(command)` to the `OrderAccepted` on `execution.events`, through
 *   `ccxtVenue('binance', …)` with the fake's overrides and its private stream up; with the default
 *   `orderEntry: 'rest'` (the order goes out over `createOrder`) and with `orderEntry: 'websocket'`
 *   (`createOrderWs` on the WebSocket API);
 * - bare ccxt: `await exchange.createOrderWs(…)` and `await exchange.createOrder(…)` on a ccxt.pro
 *   `binance` instance of their own, with the same client order id parameter; and `createOrder` on a fresh
 *   instance per run with a `watchOrders` loop running on it (the user data stream up, as the adapter
 *   keeps it): the same work as the adapter's default path, the stream's report of each order included.
 * Timed with `performance.now()` around each; each sample starts 2 ms after the previous one ended, so
 * that no answer of the previous one is still on its way (the adapter reports an acceptance from
 * whichever comes first, the answer to the create call or the private stream's report). Every repetition runs the five, in a rotating order, with
 * `orders` samples each (default 200) after 20 unmeasured ones, and cancels every open order between
 * them (so the fake's book of resting orders is the same size for each); each rxtrade run has a
 * `ccxtVenue` of its own, connected before the timing (its private stream up), with the REST poll of
 * tracked orders at its default of 2 s; figures are medians over
 * `reps` (default 7) of each run's median, with their range; ratios are taken within a repetition.
 * `--profile` writes a CPU profile of one more rxtrade run (the default, REST) to `.bench-out/`.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as inspector from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { Decimal, clientOrderId, strategyId, type OrderEvent, type SubmitOrder } from '@rxtrade/core';
import { ccxtVenue, type CcxtVenue } from '../src/ccxt/ccxt-venue';
import { fakeBinanceVenueOptions } from '../src/ccxt/__fixtures__/conformance/fake-binance-harness';
import { binanceCcxtOptions } from '../src/ccxt/__fixtures__/fake-binance/ccxt-options';
import { FakeBinance } from '../src/ccxt/__fixtures__/fake-binance/fake-binance';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const PROFILE = process.argv.includes('--profile');
const INLINE = process.argv.includes('--inline-fake');
/** `--stream-delay=MS`: the fake sends its user data stream's messages MS ms late (the answer first). */
const STREAM_DELAY = Number(process.argv.find((a) => a.startsWith('--stream-delay='))?.slice('--stream-delay='.length) ?? 0);
const ORDERS = Number(args[0] ?? 200);
const REPS = Number(args[1] ?? 7);
const WARM_UP = 20;
const SYMBOL = 'BTC/USDT';

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const range = (xs: readonly number[], f: (x: number) => string): string => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;

async function until(what: string, probe: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Between samples: the adapter may report an acceptance from the private stream before the answer to
 * its create call has arrived, and the next request must not queue behind that answer.
 */
const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 2));

let seq = 0;
const nextId = (tag: string): string => `${tag}-${process.pid}-${++seq}`;

async function rxtradeVenue(fake: FakeHandle, orderEntry: 'rest' | 'websocket'): Promise<CcxtVenue> {
  // The REST poll of tracked orders at its default interval (the test harness polls every 50 ms).
  const venue = await ccxtVenue('binance', { ...fakeBinanceVenueOptions(fake, 'spot'), timeoutMs: 10_000, pollIntervalMs: 2_000, orderEntry });
  await until('the execution client CONNECTED', () => venue.execution.status === 'CONNECTED');
  return venue;
}

/** Latencies in ms of `n` sequential submits through the adapter, each to its OrderAccepted. */
async function rxtradeRun(venue: CcxtVenue, n: number): Promise<number[]> {
  const id = venue.instruments.instruments[0]!.id;
  const waiting = new Map<string, (e: OrderEvent) => void>();
  const sub = venue.execution.events.subscribe((e) => {
    if (e.type === 'OrderAccepted' || e.type === 'OrderRejected') waiting.get(e.clientOrderId)?.(e);
  });
  const out: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const cid = nextId('rx');
      const command: SubmitOrder = {
        type: 'SubmitOrder', clientOrderId: clientOrderId(cid), strategyId: strategyId('bench'), instrumentId: id, side: 'BUY', orderType: 'LIMIT',
        quantity: new Decimal('0.001'), price: new Decimal(20_000), triggerPrice: undefined, timeInForce: 'GTC', expireTime: undefined, reduceOnly: false, postOnly: false, ts: Date.now(),
      };
      const acked = new Promise<OrderEvent>((resolve) => waiting.set(cid, resolve));
      const t0 = performance.now();
      venue.execution.submit(command);
      const e = await acked;
      out.push(performance.now() - t0);
      waiting.delete(cid);
      await pause();
      if (e.type !== 'OrderAccepted') throw new Error(`rxtrade: ${cid} ${e.type}`);
    }
  } finally {
    sub.unsubscribe();
  }
  return out;
}

/** Latencies in ms of `n` sequential bare ccxt calls. */
async function bareRun(ex: Exchange, ws: boolean, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const params = { clientOrderId: nextId('bare') };
    const t0 = performance.now();
    const order = ws ? await ex.createOrderWs(SYMBOL, 'limit', 'buy', 0.001, 20_000, params) : await ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, 20_000, params);
    out.push(performance.now() - t0);
    if (order.id === undefined) throw new Error('bare: no order id');
    await pause();
  }
  return out;
}

type Variant = 'rxtrade ws' | 'bare createOrderWs' | 'rxtrade rest' | 'bare createOrder' | 'bare createOrder + watchOrders';
const VARIANTS: readonly Variant[] = ['rxtrade ws', 'bare createOrderWs', 'rxtrade rest', 'bare createOrder', 'bare createOrder + watchOrders'];

/** What the benchmark needs of the fake, in this process (`--inline-fake`) or in its own (the default). */
interface FakeHandle {
  readonly apiKey: string;
  readonly secret: string;
  readonly httpUrl: string;
  readonly wsUrl: string;
  /** Sockets of the WebSocket API with a user data subscription. */
  subscribed(): Promise<number>;
  openOrders(): Promise<number>;
  stop(): Promise<void>;
}

async function inlineFake(): Promise<FakeHandle> {
  const f = await FakeBinance.start({ balances: { USDT: 100_000_000 }, userDataDelayMs: STREAM_DELAY });
  f.spot.setBook('BTCUSDT', { bids: [[29_999, 10]], asks: [[30_001, 10]] });
  return {
    apiKey: f.apiKey, secret: f.secret, httpUrl: f.httpUrl, wsUrl: f.wsUrl,
    subscribed: async () => f.socketsOf('wsapi').filter((s) => typeof s.state.get('userDataSubscription') === 'number').length,
    openOrders: async () => f.spot.openOrders('BTCUSDT').length,
    stop: () => f.stop(),
  };
}

async function processFake(): Promise<FakeHandle> {
  const child = fork(new URL('./fake-binance-process.ts', import.meta.url).pathname, [String(STREAM_DELAY)], { execArgv: ['--import', 'tsx', '--conditions=@rxtrade/source'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, (v: number) => void>();
  let asked = 0;
  const ready = new Promise<{ apiKey: string; secret: string; httpUrl: string; wsUrl: string }>((resolve, reject) => {
    child.on('message', (m: { ready?: { apiKey: string; secret: string; httpUrl: string; wsUrl: string }; id?: number; value?: number }) => {
      if (m.ready !== undefined) resolve(m.ready);
      else pending.get(m.id!)?.(m.value!);
    });
    child.once('exit', (code) => reject(new Error(`the fake's process exited (${code})`)));
  });
  const ask = (q: string): Promise<number> => new Promise((resolve) => {
    const id = ++asked;
    pending.set(id, resolve);
    child.send({ id, ask: q });
  });
  const r = await ready;
  return { ...r, subscribed: () => ask('subscribed'), openOrders: () => ask('openOrders'), stop: async () => void (await ask('stop')) };
}

const fake = INLINE ? await inlineFake() : await processFake();
const bare = new ccxt.pro.binance({ ...binanceCcxtOptions(fake), timeout: 10_000 });
await bare.loadMarkets();
const cleaner = new ccxt.binance({ ...binanceCcxtOptions(fake), timeout: 10_000 });
await cleaner.loadMarkets();

/** A run of the adapter on a venue of its own (connected outside the timing), so that it tracks this run's orders only. */
async function rxtradeFresh(orderEntry: 'rest' | 'websocket', n: number): Promise<number[]> {
  const venue = await rxtradeVenue(fake, orderEntry);
  try {
    await rxtradeRun(venue, WARM_UP);
    return await rxtradeRun(venue, n);
  } finally {
    await venue.close();
  }
}

/** Bare `createOrder` calls on a fresh instance whose `watchOrders` loop runs meanwhile (its user data stream up). */
async function bareStreamed(n: number): Promise<number[]> {
  const ex = new ccxt.pro.binance({ ...binanceCcxtOptions(fake), timeout: 10_000 });
  await ex.loadMarkets();
  const before = await fake.subscribed();
  let running = true;
  let updates = 0;
  const loop = (async () => {
    while (running) {
      try {
        updates += (await ex.watchOrders(SYMBOL)).length;
      } catch {
        return;
      }
    }
  })();
  try {
    await until('the user data stream', async () => (await fake.subscribed()) > before);
    await bareRun(ex, false, WARM_UP);
    await until('the stream’s first report', () => updates > 0);
    return await bareRun(ex, false, n);
  } finally {
    running = false;
    await ex.close();
    await loop;
  }
}

async function run(v: Variant, n: number): Promise<number[]> {
  switch (v) {
    case 'rxtrade ws':
      return rxtradeFresh('websocket', n);
    case 'rxtrade rest':
      return rxtradeFresh('rest', n);
    case 'bare createOrderWs':
      return bareRun(bare, true, n);
    case 'bare createOrder + watchOrders':
      return bareStreamed(n);
    default:
      return bareRun(bare, false, n);
  }
}

const medians = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
const ratioWs: number[] = [];
const ratioRest: number[] = [];
const ratioStreamed: number[] = [];
try {
  for (const v of VARIANTS) await run(v, WARM_UP);
  await cleaner.cancelAllOrders(SYMBOL);
  for (let rep = 0; rep < REPS; rep++) {
    const order = VARIANTS.map((_, i) => VARIANTS[(i + rep) % VARIANTS.length]!);
    const here = new Map<Variant, number>();
    for (const v of order) {
      if (v === 'bare createOrder' || v === 'bare createOrderWs') await run(v, WARM_UP);
      here.set(v, median(await run(v, ORDERS)));
      await cleaner.cancelAllOrders(SYMBOL);
      if ((await fake.openOrders()) !== 0) throw new Error('open orders left');
    }
    for (const [v, m] of here) medians.get(v)!.push(m);
    ratioWs.push(here.get('rxtrade ws')! / here.get('bare createOrderWs')!);
    ratioRest.push(here.get('rxtrade rest')! / here.get('bare createOrder')!);
    ratioStreamed.push(here.get('rxtrade rest')! / here.get('bare createOrder + watchOrders')!);
    console.error(`rep ${rep + 1}: ${[...here].map(([v, m]) => `${v} ${m.toFixed(3)} ms`).join(', ')}`);
  }
  if (PROFILE) {
    const session = new inspector.Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    await run('rxtrade rest', ORDERS * 5);
    const { profile } = await session.post('Profiler.stop');
    fs.mkdirSync('.bench-out', { recursive: true });
    fs.writeFileSync('.bench-out/ccxt-submit.cpuprofile', JSON.stringify(profile));
    console.error('profile: .bench-out/ccxt-submit.cpuprofile');
    await cleaner.cancelAllOrders(SYMBOL);
  }
} finally {
  await bare.close();
  await fake.stop();
}

const ms = (x: number): string => `${x.toFixed(2)} ms`;
const x = (r: number): string => `${r.toFixed(2)}x`;
console.log(`\nsubmit to acknowledgement, fake Binance spot on 127.0.0.1 (${INLINE ? 'in this process' : 'in a process of its own'}; user data stream ${STREAM_DELAY > 0 ? `${STREAM_DELAY} ms late: the answer first` : 'at once: the report first'}), ${ORDERS} resting limit orders per run, medians of ${REPS} runs' medians (range)\n`);
console.log('| path | CcxtExecutionClient | bare ccxt | rxtrade / bare |');
console.log('| --- | --- | --- | --- |');
const row = (label: string, rx: Variant, b: Variant, ratios: number[]): void =>
  console.log(`| ${label} | ${ms(median(medians.get(rx)!))} (${range(medians.get(rx)!, ms)}) | ${ms(median(medians.get(b)!))} (${range(medians.get(b)!, ms)}) | ${x(median(ratios))} (${range(ratios, x)}) |`);
row("REST (`createOrder`, the default `orderEntry: 'rest'`)", 'rxtrade rest', 'bare createOrder', ratioRest);
row('the same, against `createOrder` with a `watchOrders` loop up', 'rxtrade rest', 'bare createOrder + watchOrders', ratioStreamed);
row("WebSocket API (`createOrderWs`, `orderEntry: 'websocket'`)", 'rxtrade ws', 'bare createOrderWs', ratioWs);
const crossed = medians.get('rxtrade ws')!.map((m, i) => m / medians.get('bare createOrder')![i]!);
console.log(`\nrxtrade's WebSocket path against bare REST createOrder: ${x(median(crossed))} (${range(crossed, x)})`);
