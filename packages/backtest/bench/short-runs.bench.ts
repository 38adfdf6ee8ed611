/**
 * The fixed cost of a backtest: many short runs in one process, as a sweep or a walk-forward makes
 * them. Each run is the golden crossover (SMA(5)/SMA(20), ±100 target, market orders, 0.2% commission)
 * on the first `bars` synthetic bars, with its metrics read (what a sweep's task reads). Per build it
 * prints the time of a run and the pauses of the young generation's collections in each round (from
 * `PerformanceObserver` 'gc' entries, matched to rounds by their start time): whatever keeps runs
 * reachable after they end shows up there, since each of these collections copies every object still
 * reachable, and the pause grows with it.
 *
 *   npx tsx --conditions=@rxtrade/source packages/backtest/bench/short-runs.bench.ts [bars] [ROOT ...] [--runs=N] [--reps=N]
 *
 * With ROOTs (checkouts whose packages were built), each build is timed in turn within every round, on
 * the same bars; figures are medians of the rounds (default 7), each round `runs` runs (default 2,000)
 * after a warm-up of as many.
 */
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { syntheticBars } from './synthetic-bars';
import { goldenStrategy, loadBuild, type Build } from './builds';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const BARS = Number(args[0] ?? 200);
const roots = args.slice(1);
const option = (name: string, fallback: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const RUNS = option('runs', 2_000);
const REPS = option('reps', 7);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Every minor (young generation) collection: when it started and its pause, in ms. */
const minor: { start: number; ms: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) minor.push({ start: e.startTime, ms: e.duration });
  }
}).observe({ entryTypes: ['gc'] });

interface Row {
  readonly build: Build;
  readonly run: () => Promise<number>;
  readonly us: number[];
  /** The time window of each round, to find its collections once the observer has seen them all. */
  readonly windows: [number, number][];
}

async function main(): Promise<void> {
  const builds = roots.length === 0 ? [await loadBuild(undefined)] : await Promise.all(roots.map((r) => loadBuild(r)));
  const rows: Row[] = builds.map((build) => {
    const inst = build.core.defineInstrument({ symbol: 'SYN', venue: 'SIM', assetClass: 'stock', base: 'SYN', quote: 'USD', tickSize: '0.01', lotSize: '1' });
    const config = { instruments: [inst], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 }, data: Array.from(syntheticBars(BARS, inst.id)) };
    const pipeline = goldenStrategy(build.core, inst.id, true, 5, 20);
    const run = async (): Promise<number> => {
      const r = await build.backtest.runBacktest(pipeline, config);
      return r.metrics.sharpeRatio + r.summary.fills;
    };
    return { build, run, us: [], windows: [] };
  });
  const checks = await Promise.all(rows.map((r) => r.run()));
  if (checks.some((c) => !Object.is(c, checks[0]))) throw new Error(`builds disagree: ${checks.join(', ')}`);
  for (const row of rows) for (let i = 0; i < RUNS; i++) await row.run();
  for (let rep = 0; rep < REPS; rep++) {
    for (let k = 0; k < rows.length; k++) {
      const row = rows[(k + rep) % rows.length]!;
      const t = performance.now();
      for (let i = 0; i < RUNS; i++) await row.run();
      const end = performance.now();
      row.us.push(((end - t) / RUNS) * 1e3);
      row.windows.push([t, end]);
    }
  }
  // The observer is told of collections a little later: let it catch up before reading them.
  await new Promise((resolve) => setTimeout(resolve, 100));
  console.log(`${RUNS} runs of ${BARS} bars a round, ${REPS} rounds; node ${process.version}`);
  for (const row of rows) {
    console.log(`${row.build.name}`);
    console.log(`  a run             median ${median(row.us).toFixed(1)} µs   rounds ${row.us.map((x) => x.toFixed(0)).join(' ')}`);
    const inWindow = row.windows.map(([a, b]) => minor.filter((g) => g.start >= a && g.start < b));
    const gcUs = median(inWindow.map((gs) => (gs.reduce((sum, g) => sum + g.ms, 0) / RUNS) * 1e3));
    const perCollection = median(inWindow.flat().map((g) => g.ms));
    console.log(`  young-gen GC      ${gcUs.toFixed(1)} µs a run: ${median(inWindow.map((gs) => gs.length))} collections a round, median pause ${perCollection.toFixed(2)} ms`);
  }
  if (rows.length > 1) {
    const [first, ...others] = rows;
    for (const row of others) {
      const ratios = row.us.map((x, i) => x / first!.us[i]!);
      console.log(`${row.build.name} against ${first!.build.name}, median of the rounds' ratios: a run ${median(ratios).toFixed(3)}`);
    }
  }
}

void main();
