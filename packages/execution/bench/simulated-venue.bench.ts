/**
 * Benchmarks of the execution hot paths, as ratios against hand-written baselines in one process.
 *
 *   npx tsx --conditions=@rxtrade/source packages/execution/bench/simulated-venue.bench.ts
 *
 * 1. `SimulatedVenue.processBar` over 1,000,000 bars with no working order (the case of nearly every
 *    bar of a backtest) against a loop calling a hook that tests one field of each bar.
 * 2. The same with one order working for another instrument (a Map lookup per bar).
 * 3. One order round trip through `OrderManager` + `SimulatedVenue` (validate, submit, accept, fill at
 *    the next bar), per order, against building the same Decimal notional and fee by hand.
 * 4. Orders per second, submit to fill, for a market order, a limit order that rests one bar and fills
 *    on the next when the bar trades through it, and a bracket (entry, take-profit, stop-loss: three
 *    orders; the entry fills, the exits are released, the take-profit fills and the stop is canceled).
 */
import {
  BacktestClock,
  Decimal,
  OrderFactory,
  defineInstrument,
  instrumentRegistry,
  strategyId,
  type Bar,
  type InstrumentId,
} from '@rxtrade/core';
import { OrderManager, PercentFeeModel, SimulatedVenue } from '../src/index';

const N = 1_000_000;
const REPS = 7;
const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const msft = defineInstrument({ symbol: 'MSFT', venue: 'NASDAQ', assetClass: 'stock', base: 'MSFT', quote: 'USD', tickSize: '0.01', lotSize: '1' });

function makeBars(id: InstrumentId, n: number): Bar[] {
  const bars: Bar[] = new Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    const o = p;
    p = Math.max(1, p * (1 + (((i * 2654435761) % 1000) / 1000 - 0.5) * 0.01));
    bars[i] = { type: 'Bar', instrumentId: id, ts: i * 60_000, open: Math.round(o * 100) / 100, high: Math.max(o, p) + 0.05, low: Math.min(o, p) - 0.05, close: p, volume: 1000 };
  }
  return bars;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0);
}

function measure(label: string, n: number, fn: () => void): number {
  fn(); // warm up
  fn();
  const ns = median(Array.from({ length: REPS }, () => time(fn))) / n;
  console.log(`${label.padEnd(62)} ${ns.toFixed(2).padStart(9)} ns/op`);
  return ns;
}

const bars = makeBars(goog.id, N);
let sink = 0;

// Baseline: the least a per-bar hook can do, a call that tests one field of the bar.
const hook = { seen: 0, onBar(bar: Bar): void { if (bar.ts < 0) this.seen++; } };
const baseline = measure('baseline: loop calling a hook that tests bar.ts', N, () => {
  for (let i = 0; i < N; i++) hook.onBar(bars[i] as Bar);
});

const clock = new BacktestClock(0);
const instruments = instrumentRegistry([goog, msft]);
const idle = new SimulatedVenue({ clock, instruments });
const idleNs = measure('SimulatedVenue.processBar, no working order', N, () => {
  for (let i = 0; i < N; i++) idle.processBar(bars[i] as Bar);
});

const other = new SimulatedVenue({ clock, instruments });
const factory = new OrderFactory(clock, instruments, strategyId('b'), 'B');
other.submit(factory.market({ instrumentId: msft.id, side: 'BUY', quantity: 1 }));
const otherNs = measure('SimulatedVenue.processBar, 1 order working on another instrument', N, () => {
  for (let i = 0; i < N; i++) other.processBar(bars[i] as Bar);
});

// Order round trip: one order per bar, M bars.
const M = 20_000;
const tradeBars = makeBars(goog.id, M);
let roundTripNs = 0;
{
  const runs: number[] = [];
  for (let r = 0; r < REPS + 2; r++) {
    const c = new BacktestClock(0);
    const venue = new SimulatedVenue({ clock: c, instruments, feeModel: new PercentFeeModel(0.002) });
    const manager = new OrderManager({ clock: c, instruments, venue });
    const f = new OrderFactory(c, instruments, strategyId('b'), `R${r}`);
    let fills = 0;
    manager.events.subscribe((e) => {
      if (e.type === 'OrderFilled') fills++;
    });
    const t = time(() => {
      for (let i = 0; i < M; i++) {
        const b = tradeBars[i] as Bar;
        c.advanceTo(b.ts);
        venue.processBar(b);
        manager.execute(f.market({ instrumentId: goog.id, side: i % 2 === 0 ? 'BUY' : 'SELL', quantity: 100 }));
      }
    });
    if (fills !== M - 1) throw new Error(`expected ${M - 1} fills, got ${fills}`);
    if (r >= 2) runs.push(t / M);
  }
  roundTripNs = median(runs);
  console.log(`${'order round trip: factory + manager + venue (submit, accept, fill)'.padEnd(62)} ${roundTripNs.toFixed(0).padStart(9)} ns/order`);
}
const handNs = measure('baseline: Decimal notional + fee + avg price by hand, per order', M, () => {
  let acc = new Decimal(0);
  for (let i = 0; i < M; i++) {
    const px = new Decimal((tradeBars[i] as Bar).open);
    const qty = new Decimal(100);
    const notional = qty.mul(px);
    acc = acc.plus(notional.mul('0.002')).plus(notional.div(qty));
  }
  sink += acc.toNumber();
});

/** Median ns per unit of `body`, run on fresh components each repetition. */
function perUnit(label: string, units: number, body: (r: number) => number): number {
  const runs: number[] = [];
  for (let r = 0; r < REPS + 2; r++) {
    const t0 = process.hrtime.bigint();
    const done = body(r);
    const ns = Number(process.hrtime.bigint() - t0);
    if (done !== units) throw new Error(`${label}: expected ${units}, got ${done}`);
    if (r >= 2) runs.push(ns / units);
  }
  const ns = median(runs);
  console.log(`${label.padEnd(62)} ${ns.toFixed(0).padStart(9)} ns  ${(1e9 / ns).toFixed(0).padStart(8)} /s`);
  return ns;
}

function wire(r: number, prefix: string) {
  const c = new BacktestClock(0);
  const venue = new SimulatedVenue({ clock: c, instruments, feeModel: new PercentFeeModel(0.002), limitFill: 'touch' });
  const manager = new OrderManager({ clock: c, instruments, venue });
  const f = new OrderFactory(c, instruments, strategyId('b'), `${prefix}${r}`);
  let filled = 0;
  manager.events.subscribe((e) => {
    if (e.type === 'OrderFilled' && manager.order(e.clientOrderId)?.status === 'FILLED') filled++;
  });
  return { c, venue, manager, f, filled: () => filled };
}

// Limit orders: submitted at the bar's close, filled by the next bar, which trades through the limit.
const limitNs = perUnit('limit order, submit to fill (rests one bar)', M - 1, (r) => {
  const w = wire(r, 'L');
  for (let i = 0; i < M; i++) {
    const b = tradeBars[i] as Bar;
    w.c.advanceTo(b.ts);
    w.venue.processBar(b);
    if (i < M - 1) {
      const next = tradeBars[i + 1] as Bar;
      const buy = i % 2 === 0;
      w.manager.execute(w.f.limit({ instrumentId: goog.id, side: buy ? 'BUY' : 'SELL', quantity: 100, price: buy ? next.high : next.low }));
    }
  }
  return w.filled();
});

// Brackets: every other bar a bracket whose entry fills at the next open and whose take-profit fills
// on the bar after (placed at that bar's high/low); the stop-loss far away is canceled by the OUO link.
const B = M / 2 - 1;
const bracketNs = perUnit('bracket (3 orders), submit to take-profit fill and stop cancel', B, (r) => {
  const w = wire(r, 'K');
  let done = 0;
  w.manager.events.subscribe((e) => {
    if (e.type === 'OrderCanceled') done++;
  });
  for (let i = 0; i < M; i++) {
    const b = tradeBars[i] as Bar;
    w.c.advanceTo(b.ts);
    w.venue.processBar(b);
    if (i % 2 === 0 && i + 2 < M) {
      const exitBar = tradeBars[i + 2] as Bar;
      const buy = i % 4 === 0;
      w.manager.execute(
        w.f.bracket({ instrumentId: goog.id, side: buy ? 'BUY' : 'SELL', quantity: 100, takeProfit: buy ? exitBar.low : exitBar.high, stopLoss: buy ? 1 : 100_000 }),
      );
    }
  }
  return done;
});

console.log('');
console.log(`processBar idle / baseline loop:         ${(idleNs / baseline).toFixed(2)}x  (${(1e3 / idleNs).toFixed(0)} M bars/s)`);
console.log(`processBar other-instrument / baseline:  ${(otherNs / baseline).toFixed(2)}x  (${(1e3 / otherNs).toFixed(0)} M bars/s)`);
console.log(`order round trip / hand Decimal work:    ${(roundTripNs / handNs).toFixed(1)}x  (${(1e9 / roundTripNs).toFixed(0)} orders/s)`);
console.log(`limit order round trip / market order:   ${(limitNs / roundTripNs).toFixed(2)}x  (${(1e9 / limitNs).toFixed(0)} orders/s)`);
console.log(`bracket round trip / market order:       ${(bracketNs / roundTripNs).toFixed(2)}x  (${((3 * 1e9) / bracketNs).toFixed(0)} orders/s, ${(1e9 / bracketNs).toFixed(0)} brackets/s)`);
if (sink === 42 || hook.seen > 0) console.log('');
