/**
 * Tick-to-order latency of the live node: from the instant a market event is handed to the node by its
 * data client to the instant the command it caused is handed to the venue adapter, p50 and p99, for
 * the journal's `fsync: 'always'` (the default) and `'never'`; against the per-event time of
 * `runBacktest` on the same data and pipeline.
 *
 *   npx tsx --conditions=@rxtrade/source packages/connectors/bench/live-node-latency.bench.ts [times] [fast] [slow]
 *
 * The node: `runLive`'s `LiveNode` on a `LiveClock`, a `SimulatedVenue` (paper trading), a
 * `RiskEngine` whose limits every order passes, the SMA crossover of examples/sma-crossover with fast
 * and slow averages (default 2 and 5, which trade often) on the GOOG bars of its fixture played `times`
 * times in a row (default 4: 4,188 bars), journal in the OS temporary folder.
 * A `ReplayDataClient` plays the bars from an async iterable that hands out the next bar only once the
 * node is idle: each bar meets an idle node, so the figure is the node's own work, not queueing.
 *
 * The marks (`performance.now()`): the data client's `events` is wrapped so that the mark is taken as
 * each bar is handed to the node's subscriber; the `SimulatedVenue`'s `submit` is wrapped so that the
 * mark is taken as the node's journaled venue wrapper hands it the order. A submit's latency is its mark
 * minus the mark of the bar being handled. The node's per-event time is the bar's mark to the node
 * idle again (everything it caused journaled and applied), summed over bars, over the number of bars.
 * The backtest's per-event time is `runBacktest`'s wall time over the number of bars, with the same
 * pipeline behind `riskGate` and the same limits.
 *
 * One warm-up of each, then 5 repetitions of (backtest, node 'never', node 'always') in one process;
 * every figure is the median of the 5 with the range (min–max) beside it. Each run checks that the node
 * sent the backtest's orders (same count, sides and quantities) and that the risk engine denied none.
 */
import { LiveClock, ReplayDataClient, type SubmitOrder } from '@rxtrade/core';
import { LiveNode } from '@rxtrade/connectors';
import { PercentFeeModel, SimulatedVenue } from '@rxtrade/execution';
import { RiskEngine } from '@rxtrade/risk';
import { instrumentRegistry } from '@rxtrade/core';
import { runBacktest } from '@rxtrade/backtest';
import { PASSING_LIMITS, MarkedDataClient, crossover, gatedCrossover, goog, googRepeated, median, paced, percentile, removeTempDirs, tempDir } from './live-node-kit';

const REPS = 5;
const args = process.argv.slice(2);
const times = Number(args[0] ?? 4);
const fast = Number(args[1] ?? 2);
const slow = Number(args[2] ?? 5);
const bars = googRepeated(times);

interface Backtest {
  readonly perEventUs: number;
  readonly orders: readonly string[];
}

interface Live {
  readonly p50us: number;
  readonly p99us: number;
  readonly maxUs: number;
  readonly perEventUs: number;
  readonly orders: readonly string[];
}

const orderKey = (o: { side: string; quantity: { toString(): string } }): string => `${o.side} ${o.quantity.toString()}`;

async function backtest(): Promise<Backtest> {
  const denied = { count: 0 };
  const t0 = performance.now();
  const r = await runBacktest(gatedCrossover(goog.id, fast, slow, denied), { instruments: [goog], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 }, data: bars });
  const us = (performance.now() - t0) * 1000;
  if (denied.count !== 0) throw new Error(`backtest: the risk engine denied ${denied.count} orders; the limits must pass every order`);
  return { perEventUs: us / bars.length, orders: r.orders.map(orderKey) };
}

async function live(fsync: 'always' | 'never'): Promise<Live> {
  const clock = new LiveClock();
  const venue = new SimulatedVenue({ clock, instruments: instrumentRegistry([goog]), feeModel: new PercentFeeModel(0.002) });
  let received = 0;
  let busyUs = 0;
  const latencies: number[] = [];
  const orders: string[] = [];
  const submit = venue.submit.bind(venue);
  venue.submit = (command: SubmitOrder): void => {
    latencies.push((performance.now() - received) * 1000);
    orders.push(orderKey(command));
    submit(command);
  };
  // The audit trail goes nowhere here; a live deployment gives it a sink (a file) and keeps nothing in memory.
  const engine = new RiskEngine({ clock, instruments: [goog], limits: PASSING_LIMITS, audit: { keepInMemory: false } });
  let denied = 0;
  engine.events.on('orderDenied', () => void denied++);
  // Declared before it is built: the recording waits on the node, and the node takes the recording.
  let node: LiveNode;
  const ready = async (): Promise<void> => {
    await node.idle();
    busyUs += (performance.now() - received) * 1000;
  };
  const replay = new ReplayDataClient({ data: paced(bars, 1, ready) });
  node = new LiveNode({
    nodeId: `latency-${fsync}`,
    venues: [venue],
    dataClients: [new MarkedDataClient(replay, () => void (received = performance.now()))],
    subscriptions: [{ instrumentId: goog.id, kind: 'bars' }],
    instruments: [goog],
    ledger: { startingCash: 100_000 },
    risk: engine,
    journal: { dir: tempDir(`latency-${fsync}`), fsync },
    signals: false,
    clock,
  });
  await node.start(crossover(goog.id, fast, slow));
  await node.drained();
  await ready();
  await node.stop();
  if (denied !== 0) throw new Error(`live (${fsync}): the risk engine denied ${denied} orders`);
  if (node.state !== 'STOPPED') throw new Error(`live (${fsync}): node ended ${node.state}`);
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50us: percentile(sorted, 0.5), p99us: percentile(sorted, 0.99), maxUs: sorted[sorted.length - 1]!, perEventUs: busyUs / bars.length, orders };
}

function check(label: string, a: readonly string[], b: readonly string[]): void {
  if (a.length !== b.length || a.some((x, i) => x !== b[i])) throw new Error(`${label}: the node sent ${a.length} orders, the backtest ${b.length} (or they differ)`);
}

const range = (xs: readonly number[], digits = 0): string => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

async function main(): Promise<void> {
  console.log(`SMA(${fast})/SMA(${slow}) crossover behind a RiskEngine, ${bars.length.toLocaleString('en-US')} GOOG bars (goog.csv x${times}); Node ${process.version}, ${process.platform} ${process.arch}`);
  // Warm-up: the JIT, the module graph, the disk.
  await backtest();
  await live('never');
  await live('always');
  const runs = { backtest: [] as Backtest[], never: [] as Live[], always: [] as Live[] };
  for (let i = 0; i < REPS; i++) {
    const b = await backtest();
    const n = await live('never');
    const a = await live('always');
    check('fsync never', n.orders, b.orders);
    check('fsync always', a.orders, b.orders);
    runs.backtest.push(b);
    runs.never.push(n);
    runs.always.push(a);
    console.log(
      `rep ${i + 1}: backtest ${b.perEventUs.toFixed(1)} µs/event; never p50 ${n.p50us.toFixed(0)} p99 ${n.p99us.toFixed(0)} µs, ${n.perEventUs.toFixed(0)} µs/event; always p50 ${a.p50us.toFixed(0)} p99 ${a.p99us.toFixed(0)} µs, ${a.perEventUs.toFixed(0)} µs/event`,
    );
  }
  const bt = median(runs.backtest.map((r) => r.perEventUs));
  console.log(`\n${runs.backtest[0]!.orders.length} orders per run (the backtest's, same sides and quantities); median of ${REPS} (min–max):`);
  console.log(`backtest (runBacktest, riskGate):          ${range(runs.backtest.map((r) => r.perEventUs), 1)} µs per event`);
  for (const mode of ['never', 'always'] as const) {
    const rs = runs[mode];
    const p50 = median(rs.map((r) => r.p50us));
    const perEvent = median(rs.map((r) => r.perEventUs));
    console.log(`live node, fsync '${mode}':`.padEnd(43) + `tick-to-order p50 ${range(rs.map((r) => r.p50us))} µs, p99 ${range(rs.map((r) => r.p99us))} µs, max ${range(rs.map((r) => r.maxUs))} µs`);
    console.log(''.padEnd(43) + `per event ${range(rs.map((r) => r.perEventUs))} µs; tick-to-order p50 / backtest per event ${(p50 / bt).toFixed(1)}x, per event / backtest ${(perEvent / bt).toFixed(1)}x`);
  }
}

try {
  await main();
} finally {
  removeTempDirs();
}
