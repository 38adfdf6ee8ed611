/**
 * Market-data throughput of `CcxtDataClient` against a bare ccxt loop, on the same fake Binance feed in
 * the same process: trades (`watchTrades`) and book updates (`watchOrderBook`) per second.
 *
 *   npx tsx --conditions=@rxtrade/source packages/connectors/bench/ccxt-market-data.bench.ts [trades] [book updates] [reps]
 *
 * The feed: the fake Binance of the connectors' test tree on 127.0.0.1, BTC/USDT spot. For trades, a
 * burst of `trades` prints (default 20,000; `fake.spot.trade`, one `@trade` message each); for books, a
 * burst of `book updates` changes of one level among the top 20 of each side (default 20,000; one
 * `@depth@100ms` message each, the fake sends every update at once). The burst is produced by a
 * synchronous loop, which the consumers cannot interleave with (one thread): the clock starts when it
 * ends and stops when the consumer has the burst's last trade id, or a book at its last update id
 * (ccxt's `nonce`). Rate = burst size / that time, so the fake's own work of making the burst is out of
 * the figure; the sockets' delivery and the consumer's work are in it. The same burst size over the
 * process's CPU time in that span (`process.cpuUsage`) is printed too: on a machine shared with other
 * work, wall time also counts the time the process waited for a CPU.
 *
 * The two consumers, each on its own ccxt.pro `binance` instance connected only while it is measured:
 * - rxtrade: `ccxtVenue('binance', …)` (public data, the fake's URL overrides), its `CcxtDataClient`
 *   subscribed to TRADES or BOOKS, its `events` through an RxJS pipeline (`filter` by type, `map` to
 *   the notional or the top of the book) into a subscriber that counts;
 * - bare ccxt: `while (…) { const trades = await exchange.watchTrades(symbol); … }` and the same with
 *   `watchOrderBook`, counting trades and reading the book's best levels and nonce.
 * Each consumer gets a warm-up burst (1,000) before the measured one. Every repetition measures both,
 * in alternating order; figures are medians over `reps` (default 7) with their range, and the ratio
 * is rxtrade / bare within each repetition, then its median.
 *
 * `--profile`: afterwards, three more runs of each consumer on books and on trades under V8's sampling
 * profiler; prints each one's functions by self time and writes the profiles to `.bench-out/`.
 */
import * as fs from 'node:fs';
import * as inspector from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import ccxt from 'ccxt';
import type { Exchange, Trade as CcxtTrade, OrderBook } from 'ccxt';
import { filter, map } from 'rxjs';
import type { MarketData, OrderBookDelta, OrderBookSnapshot, Trade } from '@rxtrade/core';
import { ccxtVenue } from '../src/ccxt/ccxt-venue';
import { fakeBinanceVenueOptions } from '../src/ccxt/__fixtures__/conformance/fake-binance-harness';
import { binanceCcxtOptions } from '../src/ccxt/__fixtures__/fake-binance/ccxt-options';
import { FakeBinance } from '../src/ccxt/__fixtures__/fake-binance/fake-binance';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const PROFILE = process.argv.includes('--profile');
const TRADES = Number(args[0] ?? 20_000);
const BOOK_UPDATES = Number(args[1] ?? 20_000);
const REPS = Number(args[2] ?? 7);
const WARM_UP = 1_000;
const SYMBOL = 'BTC/USDT';
const LEVELS = 20;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const range = (xs: readonly number[], f: (x: number) => string): string => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;

async function until(what: string, probe: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const streaming = (fake: FakeBinance, stream: string): Promise<void> =>
  until(`the ${stream} subscription`, () => fake.socketsOf('market', 'spot').some((s) => (s.state.get('streams') as Set<string> | undefined)?.has(stream) === true));

let price = 30_000;
/** `n` prints, alternating sides around 30,000; returns the last trade id. */
function tradeBurst(fake: FakeBinance, n: number): number {
  let last = 0;
  for (let i = 0; i < n; i++) {
    price = price >= 30_050 ? 29_950 : price + 0.01;
    const prints = fake.spot.trade('BTCUSDT', { side: i % 2 === 0 ? 'buy' : 'sell', price: Number(price.toFixed(2)), qty: 0.001 });
    last = prints[prints.length - 1]!.id;
  }
  return last;
}

/** A book of 20 levels a side, 29,999 down and 30,001 up. */
function baseBook(fake: FakeBinance): void {
  const bids: [number, number][] = [];
  const asks: [number, number][] = [];
  for (let i = 0; i < LEVELS; i++) {
    bids.push([29_999 - i, 1 + i / 10]);
    asks.push([30_001 + i, 1 + i / 10]);
  }
  fake.spot.setBook('BTCUSDT', { bids, asks });
}

let tick = 0;
/** `n` updates of one level each, within the top 20 of each side; returns the last update id. */
function bookBurst(fake: FakeBinance, n: number): number {
  for (let i = 0; i < n; i++, tick++) {
    const level = tick % LEVELS;
    const side = (tick >> 1) % 2 === 0 ? 'bid' : 'ask';
    fake.spot.setLevel('BTCUSDT', side, side === 'bid' ? 29_999 - level : 30_001 + level, 1 + ((tick * 7) % 50) / 10);
  }
  return fake.spot.updateId('BTCUSDT');
}

/** CPU seconds of this process (user and system) since `c0`. */
const cpuSeconds = (c0: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1e6;
};

interface Measured {
  /** Burst size over wall time. */
  readonly perSecond: number;
  /** Burst size over this process's CPU time in the same span: what other processes on the machine take is out of it. */
  readonly perCpuSecond: number;
  /** Events the consumer handled for the burst: trades, or book states (ccxt coalesces book updates that queue up). */
  readonly handled: number;
}

// ---------------------------------------------------------------- rxtrade: CcxtDataClient into a pipeline

async function rxtradeTrades(fake: FakeBinance): Promise<Measured> {
  const venue = await ccxtVenue('binance', { ...publicOptions(fake), connect: false });
  const id = venue.instruments.instruments[0]!.id;
  let count = 0;
  let notional = 0;
  let lastId = '';
  const sub = venue.data.events
    .pipe(
      filter((e: MarketData): e is Trade => e.type === 'Trade'),
      map((t) => ({ id: t.tradeId, notional: t.price * t.size })),
    )
    .subscribe((t) => {
      count++;
      notional += t.notional;
      lastId = t.id;
    });
  venue.data.subscribe({ kind: 'TRADES', instrumentId: id });
  await venue.data.connect();
  await streaming(fake, 'btcusdt@trade');
  try {
    const warm = String(tradeBurst(fake, WARM_UP));
    await until('the warm-up trades', () => lastId === warm);
    count = 0;
    const last = String(tradeBurst(fake, TRADES));
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await until('the last trade', () => lastId === last);
    const s = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(c0);
    if (count !== TRADES || !(notional > 0)) throw new Error(`rxtrade: ${count} of ${TRADES} trades`);
    return { perSecond: TRADES / s, perCpuSecond: TRADES / cpu, handled: count };
  } finally {
    sub.unsubscribe();
    await venue.close();
  }
}

async function rxtradeBooks(fake: FakeBinance): Promise<Measured> {
  const venue = await ccxtVenue('binance', { ...publicOptions(fake), connect: false });
  const id = venue.instruments.instruments[0]!.id;
  let count = 0;
  let sequence = 0;
  let spread = 0;
  const sub = venue.data.events
    .pipe(
      filter((e: MarketData): e is OrderBookSnapshot | OrderBookDelta => e.type === 'OrderBookSnapshot' || e.type === 'OrderBookDelta'),
      map((b) => ({ sequence: b.sequence, top: (b.asks[0]?.price ?? 0) - (b.bids[0]?.price ?? 0) })),
    )
    .subscribe((b) => {
      count++;
      sequence = b.sequence;
      spread += b.top;
    });
  venue.data.subscribe({ kind: 'BOOKS', instrumentId: id });
  await venue.data.connect();
  await streaming(fake, 'btcusdt@depth@100ms');
  try {
    const warm = bookBurst(fake, WARM_UP);
    await until('the warm-up book', () => sequence >= warm);
    count = 0;
    const last = bookBurst(fake, BOOK_UPDATES);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await until('the last book update', () => sequence >= last);
    const s = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(c0);
    if (!Number.isFinite(spread)) throw new Error('rxtrade: no book');
    return { perSecond: BOOK_UPDATES / s, perCpuSecond: BOOK_UPDATES / cpu, handled: count };
  } finally {
    sub.unsubscribe();
    await venue.close();
  }
}

// ---------------------------------------------------------------- bare ccxt loops

function bareExchange(fake: FakeBinance): Exchange {
  const o = binanceCcxtOptions(fake) as Record<string, unknown>;
  delete o['apiKey'];
  delete o['secret'];
  return new ccxt.pro.binance({ ...o, timeout: 10_000 });
}

async function bareTrades(fake: FakeBinance): Promise<Measured> {
  const ex = bareExchange(fake);
  await ex.loadMarkets();
  let lastId = '';
  let count = 0;
  let notional = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const trades: CcxtTrade[] = await ex.watchTrades(SYMBOL);
      for (const t of trades) {
        count++;
        notional += (t.price ?? 0) * (t.amount ?? 0);
        lastId = String(t.id);
      }
    }
  })().catch(() => undefined);
  await streaming(fake, 'btcusdt@trade');
  try {
    const warm = String(tradeBurst(fake, WARM_UP));
    await until('the warm-up trades', () => lastId === warm);
    count = 0;
    const last = String(tradeBurst(fake, TRADES));
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await until('the last trade', () => lastId === last);
    const s = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(c0);
    if (count !== TRADES || !(notional > 0)) throw new Error(`bare: ${count} of ${TRADES} trades`);
    return { perSecond: TRADES / s, perCpuSecond: TRADES / cpu, handled: count };
  } finally {
    running = false;
    await ex.close();
    await loop;
  }
}

async function bareBooks(fake: FakeBinance): Promise<Measured> {
  const ex = bareExchange(fake);
  await ex.loadMarkets();
  let nonce = 0;
  let count = 0;
  let spread = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const book: OrderBook = await ex.watchOrderBook(SYMBOL);
      count++;
      nonce = book.nonce ?? 0;
      spread += (book.asks[0]?.[0] ?? 0) - (book.bids[0]?.[0] ?? 0);
    }
  })().catch(() => undefined);
  await streaming(fake, 'btcusdt@depth@100ms');
  try {
    const warm = bookBurst(fake, WARM_UP);
    await until('the warm-up book', () => nonce >= warm);
    count = 0;
    const last = bookBurst(fake, BOOK_UPDATES);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await until('the last book update', () => nonce >= last);
    const s = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(c0);
    if (!Number.isFinite(spread)) throw new Error('bare: no book');
    return { perSecond: BOOK_UPDATES / s, perCpuSecond: BOOK_UPDATES / cpu, handled: count };
  } finally {
    running = false;
    await ex.close();
    await loop;
  }
}

function publicOptions(fake: FakeBinance) {
  const { credentials: _keys, ...rest } = fakeBinanceVenueOptions(fake, 'spot');
  return { ...rest, timeoutMs: 10_000 };
}

// ---------------------------------------------------------------- profile

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

/** Self time per function (name, file and line), in ms, biggest first. */
function selfTimes(profile: { nodes: readonly ProfileNode[]; samples?: readonly number[]; timeDeltas?: readonly number[] }): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const f = byId.get(samples[i]!)!.callFrame;
    const file = f.url.replace(/^.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace(/^file:\/\/.*\/packages\//, 'packages/');
    const key = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
    out.set(key, (out.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  return [...out].sort((a, b) => b[1] - a[1]);
}

async function profileAll(fake: FakeBinance): Promise<void> {
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  fs.mkdirSync('.bench-out', { recursive: true });
  const runs = { 'rxtrade-books': rxtradeBooks, 'bare-books': bareBooks, 'rxtrade-trades': rxtradeTrades, 'bare-trades': bareTrades } as const;
  for (const [name, fn] of Object.entries(runs)) {
    await session.post('Profiler.start');
    for (let i = 0; i < 3; i++) await fn(fake);
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(`.bench-out/ccxt-${name}.cpuprofile`, JSON.stringify(profile));
    const top = selfTimes(profile as never);
    const total = top.reduce((a, [, t]) => a + t, 0);
    console.log(`\n${name}: ${total.toFixed(0)} ms sampled; top functions by self time`);
    for (const [fnName, t] of top.filter(([k]) => !k.startsWith('(idle)')).slice(0, 12)) console.log(`  ${t.toFixed(1).padStart(8)} ms  ${fnName}`);
  }
  session.disconnect();
}

// ---------------------------------------------------------------- run

const fake = await FakeBinance.start({ balances: { USDT: 1_000 } });
baseBook(fake);
const rows = {
  trades: { rx: [] as Measured[], bare: [] as Measured[], ratio: [] as number[], cpuRatio: [] as number[] },
  books: { rx: [] as Measured[], bare: [] as Measured[], ratio: [] as number[], cpuRatio: [] as number[] },
};
try {
  // One unmeasured round of each, so that both start with warm code.
  await rxtradeTrades(fake);
  await bareTrades(fake);
  await rxtradeBooks(fake);
  await bareBooks(fake);
  for (let rep = 0; rep < REPS; rep++) {
    const rxFirst = rep % 2 === 0;
    for (const kind of ['trades', 'books'] as const) {
      const rxRun = kind === 'trades' ? rxtradeTrades : rxtradeBooks;
      const bareRun = kind === 'trades' ? bareTrades : bareBooks;
      const a = rxFirst ? await rxRun(fake) : await bareRun(fake);
      const b = rxFirst ? await bareRun(fake) : await rxRun(fake);
      const rx = rxFirst ? a : b;
      const bare = rxFirst ? b : a;
      rows[kind].rx.push(rx);
      rows[kind].bare.push(bare);
      rows[kind].ratio.push(rx.perSecond / bare.perSecond);
      rows[kind].cpuRatio.push(rx.perCpuSecond / bare.perCpuSecond);
      console.error(
        `rep ${rep + 1} ${kind}: rxtrade ${Math.round(rx.perSecond)}/s, ${Math.round(rx.perCpuSecond)}/CPU s (${rx.handled} events); bare ${Math.round(bare.perSecond)}/s, ${Math.round(bare.perCpuSecond)}/CPU s (${bare.handled}); ${(100 * rx.perSecond / bare.perSecond).toFixed(1)}%, CPU ${(100 * rx.perCpuSecond / bare.perCpuSecond).toFixed(1)}%`,
      );
    }
  }
  if (PROFILE) await profileAll(fake);
} finally {
  await fake.stop();
}

const k = (x: number): string => `${(x / 1000).toFixed(1)}k`;
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
console.log(`\nccxt market data, fake Binance on 127.0.0.1, ${TRADES} trades and ${BOOK_UPDATES} book updates per burst, medians of ${REPS} (range)\n`);
console.log('| feed | measure | CcxtDataClient into a pipeline | bare ccxt loop | rxtrade / bare |');
console.log('| --- | --- | --- | --- | --- |');
for (const kind of ['trades', 'books'] as const) {
  const r = rows[kind];
  const label = kind === 'trades' ? 'trades (`watchTrades`)' : 'book updates (`watchOrderBook`)';
  for (const [measure, of, ratios] of [
    ['per second', (m: Measured) => m.perSecond, r.ratio],
    ['per CPU second', (m: Measured) => m.perCpuSecond, r.cpuRatio],
  ] as const) {
    const rx = r.rx.map(of);
    const bare = r.bare.map(of);
    console.log(`| ${label} | ${measure} | ${k(median(rx))} (${range(rx, k)}) | ${k(median(bare))} (${range(bare, k)}) | ${pct(median(ratios))} (${range(ratios, pct)}) |`);
  }
}
const bookEvents = median(rows.books.rx.map((m) => m.handled));
const bookStates = median(rows.books.bare.map((m) => m.handled));
console.log(`\nbook states handled per burst (ccxt coalesces updates that queue up): rxtrade ${bookEvents}, bare ${bookStates}`);
