/**
 * The cost of one order, from the strategy's submit through the venue's fill and the ledger to the
 * equity point: the golden pipeline's SMA(10)/SMA(30) crossover (±100 target, market orders at the
 * next open, 0.2% commission, history kept) on synthetic bars, run in one process once as it is and
 * once with a variant that computes the same signals but submits nothing. The difference of the two
 * medians divided by the orders of a run is the order path's cost; the no-order run, per bar, is the
 * cost of a bar.
 *
 *   npx tsx --conditions=@rxtrade/source packages/backtest/bench/order-path.bench.ts [bars] [ROOT ...] [--columns] [--history] [--decimal-sizing] [--reps=N]
 *
 * With no ROOT it measures the packages as imported (sources with the condition above, the built
 * `dist` files without it). Each ROOT is another checkout of the repository whose packages were built
 * (`dist/index.js` of core and backtest): its rows run interleaved with the others', so two builds
 * (before and after a change) are compared in the same process on the same bars.
 *
 * `--columns` holds the bars as `BarColumns` instead of an array of a million `Bar` objects, which every
 * full collection of the run would otherwise have to mark.
 *
 * `--history` adds a third row per build, the run with orders and `keepHistory: false`: the difference
 * to the run with orders, per order, is what keeping the run's orders and fills costs. Each row also
 * shows the garbage collector's pauses in its runs (`PerformanceObserver` entries of type `gc`, each
 * put on the run during which it started): the young generation's collections, which copy what the
 * run keeps, and the others (full collections and the steps of incremental marking). The rows share
 * one heap, so a full collection may be started by what earlier runs of any row left behind: the
 * young pauses belong to their row, the others less so. A build's line gives the part of an order
 * spent in pauses. Measured in one process like this, the history costs less than between fresh
 * processes (the package README gives both).
 *
 * The strategy sizes each order with `ctx.orderFactory.marketToTarget` (a build without it: in Decimal
 * arithmetic). `--decimal-sizing` adds a row per build whose strategy computes the same orders' side
 * and size in Decimal arithmetic itself (`new Decimal(target).minus(position)`, as the example did
 * before `marketToTarget`): the difference to the run with orders, per order, is what that costs.
 *
 * Each repetition is the mean of 3 back-to-back runs (the collection of earlier runs' garbage lands on
 * one run in three); rows are interleaved in rotating order; figures are medians of 5 (`--reps=N`) after
 * a warm-up. With several ROOTs it also prints, for each against the first, the median of the rounds'
 * ratios (a run with orders, and an order), which resolves differences of a few percent that the
 * medians of separate rows, moved by the machine's drift, do not.
 */
import { syntheticBars } from './synthetic-bars';
import { goldenStrategy as strategy, loadBuild as load, type Build } from './builds';
import type * as CoreModule from '@rxtrade/core';
import { PerformanceObserver, constants } from 'node:perf_hooks';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const N = Number(args[0] ?? 1_000_000);
const roots = args.slice(1);
/** `--columns`: the bars held as `BarColumns` (a Float64Array per field) instead of a million objects. */
const asColumns = process.argv.includes('--columns');
/** `--history`: also run with orders and `keepHistory: false`. */
const historyRow = process.argv.includes('--history');
/** `--decimal-sizing`: also run with the orders sized in Decimal arithmetic in the strategy. */
const decimalRow = process.argv.includes('--decimal-sizing');
/** `--reps=N`: rounds of every row (default 5); more resolve smaller differences between builds. */
const REPS = Number(process.argv.find((a) => a.startsWith('--reps='))?.slice('--reps='.length) ?? 5);
const GROUP = 3;

/** The same bars as columns, built through one build's `BarColumnsBuilder`. */
function columnsOf(core: typeof CoreModule, instrumentId: CoreModule.InstrumentId): CoreModule.BarColumns {
  const builder = new core.BarColumnsBuilder(instrumentId, { capacity: N });
  for (const bar of syntheticBars(N, instrumentId)) builder.add(bar.ts, bar.open, bar.high, bar.low, bar.close, bar.volume);
  return builder.build();
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A row's runs: with orders and history kept, without orders, with orders and no history, or with orders sized in Decimal arithmetic. */
type Kind = 'orders' | 'none' | 'no-history' | 'decimal-sizing';

/** The garbage collector's pauses: start and duration (ms, on `performance.now()`'s clock), and whether a young generation's collection. */
const pauses: { start: number; ms: number; young: boolean }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) pauses.push({ start: e.startTime, ms: e.duration, young: (e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR });
}).observe({ entryTypes: ['gc'] });

/** One row of the table: a build's runs of one kind, their mean times per round and their pauses. */
interface Row {
  readonly build: string;
  readonly kind: Kind;
  readonly run: (kind: Kind) => Promise<{ ms: number; fills: number; equity: string }>;
  readonly times: number[];
  /** Mean of the collector's pauses in one run (ms): all of them, and the young generation's. */
  gc: number;
  young: number;
  fills: number;
  equity: string;
}
const rowByKey = new Map<string, Row>();
/** Every timed run: when it started and ended, and its row. */
const spans: { start: number; end: number; row: Row }[] = [];

async function main(): Promise<void> {
  const builds = roots.length === 0 ? [await load(undefined)] : await Promise.all(roots.map((r) => load(r)));
  const rows = builds.flatMap((b) => {
    const inst = b.core.defineInstrument({ symbol: 'SYN', venue: 'SIM', assetClass: 'stock', base: 'SYN', quote: 'USD', tickSize: '0.01', lotSize: '1' });
    const config = { instruments: [inst], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 }, strategyId: 'bench' };
    const bars = asColumns ? columnsOf(b.core, inst.id) : Array.from(syntheticBars(N, inst.id));
    const run = async (kind: Kind): Promise<{ ms: number; fills: number; equity: string }> => {
      const t = performance.now();
      const r = await b.backtest.runBacktest(strategy(b.core, inst.id, kind !== 'none', 10, 30, kind === 'decimal-sizing'), { ...config, data: bars, keepHistory: kind !== 'no-history' });
      const end = performance.now();
      spans.push({ start: t, end, row: rowByKey.get(`${b.name}\u0000${kind}`)! });
      return { ms: end - t, fills: r.summary.fills, equity: r.summary.finalEquity.toString() };
    };
    const kinds: Kind[] = ['orders', 'none', ...(historyRow ? (['no-history'] as const) : []), ...(decimalRow ? (['decimal-sizing'] as const) : [])];
    return kinds.map((kind) => {
      const row = { build: b.name, kind, run, times: [] as number[], gc: 0, young: 0, fills: 0, equity: '' };
      rowByKey.set(`${b.name}\u0000${kind}`, row);
      return row;
    });
  });
  for (const row of rows) {
    const w = await row.run(row.kind);
    row.fills = w.fills;
    row.equity = w.equity;
  }
  const traded = rows.filter((r) => r.kind === 'orders');
  if (traded.some((r) => r.fills !== traded[0]!.fills || r.equity !== traded[0]!.equity))
    throw new Error(`builds disagree: ${traded.map((r) => `${r.build}: ${r.fills} fills, equity ${r.equity}`).join('; ')}`);
  if (rows.some((r) => r.kind === 'none' && r.fills !== 0)) throw new Error('the no-order variant traded');
  if (rows.some((r) => r.kind === 'no-history' && (r.fills !== traded[0]!.fills || r.equity !== traded[0]!.equity))) throw new Error('the run without history traded otherwise');
  if (rows.some((r) => r.kind === 'decimal-sizing' && (r.fills !== traded[0]!.fills || r.equity !== traded[0]!.equity))) throw new Error('the run sized in Decimal arithmetic traded otherwise');
  spans.length = 0;
  for (let rep = 0; rep < REPS; rep++) {
    for (let k = 0; k < rows.length; k++) {
      const row = rows[(k + rep) % rows.length]!;
      let ms = 0;
      for (let g = 0; g < GROUP; g++) ms += (await row.run(row.kind)).ms;
      row.times.push(ms / GROUP);
    }
  }
  // The observer's entries arrive after the run they belong to: put each on the run it started in.
  await new Promise((done) => setTimeout(done, 50));
  for (const p of pauses) {
    const span = spans.find((x) => p.start >= x.start && p.start < x.end);
    if (span === undefined) continue;
    span.row.gc += p.ms / (REPS * GROUP);
    if (p.young) span.row.young += p.ms / (REPS * GROUP);
  }
  console.log(`bars: ${N}${asColumns ? ' (held as columns)' : ''}, orders (fills) per run: ${traded[0]!.fills}, final equity ${traded[0]!.equity}`);
  const rowFor = (b: Build, kind: Kind): Row => rows.find((r) => r.build === b.name && r.kind === kind)!;
  const fills = traded[0]!.fills;
  for (const b of builds) {
    const withOrders = rowFor(b, 'orders');
    const without = rowFor(b, 'none');
    const w = median(withOrders.times);
    const wo = median(without.times);
    const pausesOf = (row: Row): string => `collector's pauses ${row.gc.toFixed(1)} ms a run (young ${row.young.toFixed(1)})`;
    console.log(`${b.name}`);
    console.log(`  with orders     median ${w.toFixed(1)} ms  ${((N / w) * 1e3 / 1e6).toFixed(2)} M bars/s   ${pausesOf(withOrders)}   runs ${withOrders.times.map((x) => x.toFixed(0)).join(' ')}`);
    console.log(`  without orders  median ${wo.toFixed(1)} ms  ${((N / wo) * 1e3 / 1e6).toFixed(2)} M bars/s  ${((wo / N) * 1e6).toFixed(0)} ns/bar   ${pausesOf(without)}   runs ${without.times.map((x) => x.toFixed(0)).join(' ')}`);
    if (historyRow) {
      const off = rowFor(b, 'no-history');
      console.log(`  no history      median ${median(off.times).toFixed(1)} ms   ${pausesOf(off)}   runs ${off.times.map((x) => x.toFixed(0)).join(' ')}`);
    }
    if (decimalRow) {
      const dec = rowFor(b, 'decimal-sizing');
      console.log(`  Decimal sizing  median ${median(dec.times).toFixed(1)} ms   ${pausesOf(dec)}   runs ${dec.times.map((x) => x.toFixed(0)).join(' ')}`);
    }
    const inPauses = (row: Row, base: Row): string =>
      `${(((row.gc - base.gc) / fills) * 1e3).toFixed(2)} µs of it in the collector's pauses (young ${(((row.young - base.young) / fills) * 1e3).toFixed(2)})`;
    console.log(`  per order       ${(((w - wo) / fills) * 1e3).toFixed(2)} µs, ${inPauses(withOrders, without)}`);
    if (historyRow) {
      const off = rowFor(b, 'no-history');
      const kept = ((w - median(off.times)) / fills) * 1e3;
      console.log(`  history kept    ${kept.toFixed(2)} µs an order, ${inPauses(withOrders, off)}`);
    }
    if (decimalRow) {
      const dec = rowFor(b, 'decimal-sizing');
      // Also the median of the rounds' differences: the two rows run close together in each round.
      const paired = median(dec.times.map((t, i) => t - withOrders.times[i]!));
      console.log(`  Decimal sizing  ${(((median(dec.times) - w) / fills) * 1e3).toFixed(2)} µs an order more (rounds' differences: ${((paired / fills) * 1e3).toFixed(2)} µs), ${inPauses(dec, withOrders)}`);
    }
  }
  // Rounds run every row once, close together in time: ratios within a round cancel most of the
  // machine's drift, which moves the medians above by more than a small change does.
  if (builds.length > 1) {
    const [first, ...others] = builds;
    const perOrder = (b: Build, i: number): number => rowFor(b, 'orders').times[i]! - rowFor(b, 'none').times[i]!;
    for (const b of others) {
      const runs = rowFor(first!, 'orders').times.map((t, i) => rowFor(b, 'orders').times[i]! / t);
      const orders = rowFor(first!, 'orders').times.map((_, i) => perOrder(b, i) / perOrder(first!, i));
      console.log(`${b.name} against ${first!.name}, median of the ${REPS} rounds' ratios: a run with orders ${median(runs).toFixed(3)}, an order ${median(orders).toFixed(3)}`);
    }
  }
}

void main();
