/**
 * The cost of one order, from the strategy's submit through the venue's fill and the ledger to the
 * equity point: the golden pipeline's SMA(10)/SMA(30) crossover (±100 target, market orders at the
 * next open, 0.2% commission, history kept) on synthetic bars, run in one process once as it is and
 * once with a variant that computes the same signals but submits nothing. The difference of the two
 * medians divided by the orders of a run is the order path's cost; the no-order run, per bar, is the
 * cost of a bar.
 *
 *   npx tsx --conditions=@rxtrade/source packages/backtest/bench/order-path.bench.ts [bars] [ROOT ...] [--columns] [--reps=N]
 *
 * With no ROOT it measures the packages as imported (sources with the condition above, the built
 * `dist` files without it). Each ROOT is another checkout of the repository whose packages were built
 * (`dist/index.js` of core and backtest): its rows run interleaved with the others', so two builds
 * (before and after a change) are compared in the same process on the same bars.
 *
 * `--columns` holds the bars as `BarColumns` instead of an array of a million `Bar` objects, which every
 * full collection of the run would otherwise have to mark.
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

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const N = Number(args[0] ?? 1_000_000);
const roots = args.slice(1);
/** `--columns`: the bars held as `BarColumns` (a Float64Array per field) instead of a million objects. */
const asColumns = process.argv.includes('--columns');
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

async function main(): Promise<void> {
  const builds = roots.length === 0 ? [await load(undefined)] : await Promise.all(roots.map((r) => load(r)));
  const rows = builds.flatMap((b) => {
    const inst = b.core.defineInstrument({ symbol: 'SYN', venue: 'SIM', assetClass: 'stock', base: 'SYN', quote: 'USD', tickSize: '0.01', lotSize: '1' });
    const config = { instruments: [inst], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 }, strategyId: 'bench' };
    const bars = asColumns ? columnsOf(b.core, inst.id) : Array.from(syntheticBars(N, inst.id));
    const run = async (trade: boolean): Promise<{ ms: number; fills: number; equity: string }> => {
      const t = performance.now();
      const r = await b.backtest.runBacktest(strategy(b.core, inst.id, trade), { ...config, data: bars });
      return { ms: performance.now() - t, fills: r.summary.fills, equity: r.summary.finalEquity.toString() };
    };
    return [
      { build: b.name, trade: true, run, times: [] as number[], fills: 0, equity: '' },
      { build: b.name, trade: false, run, times: [] as number[], fills: 0, equity: '' },
    ];
  });
  for (const row of rows) {
    const w = await row.run(row.trade);
    row.fills = w.fills;
    row.equity = w.equity;
  }
  const traded = rows.filter((r) => r.trade);
  if (traded.some((r) => r.fills !== traded[0]!.fills || r.equity !== traded[0]!.equity))
    throw new Error(`builds disagree: ${traded.map((r) => `${r.build}: ${r.fills} fills, equity ${r.equity}`).join('; ')}`);
  if (rows.some((r) => !r.trade && r.fills !== 0)) throw new Error('the no-order variant traded');
  for (let rep = 0; rep < REPS; rep++) {
    for (let k = 0; k < rows.length; k++) {
      const row = rows[(k + rep) % rows.length]!;
      let ms = 0;
      for (let g = 0; g < GROUP; g++) ms += (await row.run(row.trade)).ms;
      row.times.push(ms / GROUP);
    }
  }
  console.log(`bars: ${N}${asColumns ? ' (held as columns)' : ''}, orders (fills) per run: ${traded[0]!.fills}, final equity ${traded[0]!.equity}`);
  for (const b of builds) {
    const withOrders = rows.find((r) => r.build === b.name && r.trade)!;
    const without = rows.find((r) => r.build === b.name && !r.trade)!;
    const w = median(withOrders.times);
    const wo = median(without.times);
    console.log(`${b.name}`);
    console.log(`  with orders     median ${w.toFixed(1)} ms  ${((N / w) * 1e3 / 1e6).toFixed(2)} M bars/s   runs ${withOrders.times.map((x) => x.toFixed(0)).join(' ')}`);
    console.log(`  without orders  median ${wo.toFixed(1)} ms  ${((N / wo) * 1e3 / 1e6).toFixed(2)} M bars/s  ${((wo / N) * 1e6).toFixed(0)} ns/bar   runs ${without.times.map((x) => x.toFixed(0)).join(' ')}`);
    console.log(`  per order       ${(((w - wo) / withOrders.fills) * 1e3).toFixed(2)} µs`);
  }
  // Rounds run every row once, close together in time: ratios within a round cancel most of the
  // machine's drift, which moves the medians above by more than a small change does.
  if (builds.length > 1) {
    const [first, ...others] = builds;
    const rowOf = (b: Build, trade: boolean) => rows.find((r) => r.build === b.name && r.trade === trade)!;
    const perOrder = (b: Build, i: number): number => rowOf(b, true).times[i]! - rowOf(b, false).times[i]!;
    for (const b of others) {
      const runs = rowOf(first!, true).times.map((t, i) => rowOf(b, true).times[i]! / t);
      const orders = rowOf(first!, true).times.map((_, i) => perOrder(b, i) / perOrder(first!, i));
      console.log(`${b.name} against ${first!.name}, median of the ${REPS} rounds' ratios: a run with orders ${median(runs).toFixed(3)}, an order ${median(orders).toFixed(3)}`);
    }
  }
}

void main();
