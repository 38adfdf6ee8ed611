/**
 * Does a backtest cost the same per bar at 10,000,000 bars as at 1,000,000? The golden pipeline
 * (SMA(10)/SMA(30) crossover of examples/sma-crossover, ±100 target, market orders at the next open,
 * 0.2% commission, history kept) on synthetic minute bars held in memory:
 *
 * - throughput of bars held as `BarColumns` (a Float64Array per field) at 1M and 10M, and held as an
 *   array of `Bar` objects at 1M and 5M. Each measured run is a fresh child process that builds its
 *   bars, warms up on 200,000 of them and then runs all of them once, so that no run pays for the
 *   garbage of another (a 10M run's kept orders and fills are collected during whatever runs next);
 *   the four rows' children are interleaved, round after round, so that the machine's load drifts
 *   over all rows alike;
 * - wall time and CPU time (`process.cpuUsage`, every thread of the process: the collector's helpers
 *   too) of each run: on a shared machine the CPU time is the steadier of the two;
 * - the share of each run's wall time spent in garbage collection pauses (`PerformanceObserver` 'gc'
 *   entries);
 * - peak resident memory (`process.resourceUsage().maxRSS`, a fresh child per row) with
 *   `keepHistory: false` and the equity curve down-sampled to about 10,000 points, as
 *   memory.bench.ts does: bars streamed from a generator, and bars held as columns, at 1M and 10M;
 *   then the same with V8's old generation capped at 64 MB (`--max-old-space-size=64`): what a run
 *   keeps alive, without the garbage the collector lets pile up in a heap it grows as a run goes on.
 *
 *   npx tsx --conditions=@rxtrade/source packages/backtest/bench/bar-scaling.bench.ts [small] [large] [arrayLarge]
 *
 * Defaults 1,000,000, 10,000,000 and 5,000,000; about 10 minutes on a quiet 2-core machine and 3 GB of
 * memory at those sizes. Throughput figures are medians of 5 runs, without forced GC. Compare the
 * ratios printed at the end, measured in this one run, not the absolute times: the machine is shared.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';
import { BarColumns, BarColumnsBuilder, defineInstrument, type Bar, type InstrumentId } from '@rxtrade/core';
import { runBacktest } from '@rxtrade/backtest';
import { syntheticBars } from './synthetic-bars';
import { smaCrossover } from '../../../examples/sma-crossover/src/strategy';

const REPS = 5;
const inst = defineInstrument({ symbol: 'SYN', venue: 'SIM', assetClass: 'stock', base: 'SYN', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const config = { instruments: [inst], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 }, strategyId: 'bench' };

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The synthetic bars as columns, sized once (no doubling copies). */
function columnsOf(n: number, id: InstrumentId): BarColumns {
  const b = new BarColumnsBuilder(id, { capacity: n });
  for (const bar of syntheticBars(n, id)) b.add(bar.ts, bar.open, bar.high, bar.low, bar.close, bar.volume);
  return b.build();
}

/** Milliseconds of garbage collection reported since the last call. */
function gcClock(): () => number {
  let total = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) total += e.duration;
  });
  obs.observe({ entryTypes: ['gc'] });
  let last = 0;
  return () => {
    const d = total - last;
    last = total;
    return d;
  };
}

interface Run {
  readonly ms: number;
  /** CPU time of the process over the run, all threads (user + system). */
  readonly cpuMs: number;
  readonly gcMs: number;
  readonly fills: number;
  readonly equity: string;
}

async function timedRun(data: readonly Bar[] | BarColumns, gc: () => number): Promise<Run> {
  // The observer's entries arrive a timer tick or more after the collection: flush them before the clock starts.
  await new Promise((r) => setTimeout(r, 50));
  gc();
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  const r = await runBacktest(smaCrossover({ instrumentId: inst.id, fast: 10, slow: 30, size: 100 }), { ...config, data });
  const ms = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  await new Promise((r) => setTimeout(r, 50));
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, gcMs: gc(), fills: r.summary.fills, equity: r.summary.finalEquity.toFixed(2) };
}

interface Row {
  readonly label: string;
  readonly bars: number;
  readonly runs: readonly Run[];
}

/** Child: builds `n` bars held one way, warms up on 200,000 of them, then times one run over all of them. */
async function throughputChild(kind: 'columns' | 'array', n: number): Promise<Run> {
  const gc = gcClock();
  const data = kind === 'columns' ? columnsOf(n, inst.id) : Array.from(syntheticBars(n, inst.id));
  await timedRun(kind === 'columns' ? (data as BarColumns).slice(0, 200_000) : (data as Bar[]).slice(0, 200_000), gc);
  return timedRun(data, gc);
}

/** Child: one lean run (no history, equity down-sampled); reports peak RSS. */
async function memoryChild(kind: 'stream' | 'columns', n: number): Promise<{ maxRssMb: number; fills: number; equity: string; seconds: number }> {
  const t = performance.now();
  const data = kind === 'columns' ? columnsOf(n, inst.id) : syntheticBars(n, inst.id);
  const r = await runBacktest(smaCrossover({ instrumentId: inst.id, fast: 10, slow: 30, size: 100 }), {
    ...config,
    data,
    keepHistory: false,
    equityEvery: Math.max(1, Math.floor(n / 10_000)),
    periodsPerYear: 252 * 390,
  });
  const sharpe = r.metrics.sharpeRatio;
  // maxRSS is in kilobytes.
  return { maxRssMb: process.resourceUsage().maxRSS / 1024, fills: r.summary.fills, equity: `${r.summary.finalEquity.toFixed(2)} (sharpe ${sharpe.toFixed(3)})`, seconds: (performance.now() - t) / 1000 };
}

function child<T>(args: readonly string[], heapMb?: number): T {
  const self = fileURLToPath(import.meta.url);
  const flags = heapMb === undefined ? [] : [`--max-old-space-size=${heapMb}`];
  const text = execFileSync(process.execPath, [...flags, '--conditions=@rxtrade/source', '--import', 'tsx', self, '--child', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  return JSON.parse(text.trim().split('\n').pop()!) as T;
}

const fmt = (n: number): string => n.toLocaleString('en-US');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const out = args[1] === 'throughput' ? await throughputChild(args[2] as 'columns' | 'array', Number(args[3])) : await memoryChild(args[2] as 'stream' | 'columns', Number(args[3]));
    console.log(JSON.stringify(out));
    return;
  }
  const small = Number(args[0] ?? 1_000_000);
  const large = Number(args[1] ?? 10_000_000);
  const arrayLarge = Number(args[2] ?? 5_000_000);
  console.log(`golden SMA(10)/SMA(30) crossover on synthetic minute bars held in memory; medians of ${REPS} after a warm-up`);
  const plan: { label: 'columns' | 'array'; bars: number; runs: Run[] }[] = [
    { label: 'columns', bars: small, runs: [] },
    { label: 'columns', bars: large, runs: [] },
    { label: 'array', bars: small, runs: [] },
    { label: 'array', bars: arrayLarge, runs: [] },
  ];
  for (let rep = 0; rep < REPS; rep++)
    for (let k = 0; k < plan.length; k++) {
      // Rotate the order from round to round: no row always follows the same one.
      const row = plan[(k + rep) % plan.length]!;
      row.runs.push(child<Run>(['throughput', row.label, String(row.bars)], 16384));
    }
  const rows: Row[] = plan;
  console.log('held as        bars     wall ms  M bars/s    CPU ms  M bars/CPU s  GC share    fills   final equity   wall ms of each run');
  const stats = rows.map((r) => {
    const ms = median(r.runs.map((x) => x.ms));
    const cpuMs = median(r.runs.map((x) => x.cpuMs));
    const gcShare = median(r.runs.map((x) => x.gcMs / x.ms));
    const rate = r.bars / ms / 1000;
    const cpuRate = r.bars / cpuMs / 1000;
    console.log(
      `${r.label.padEnd(8)} ${fmt(r.bars).padStart(11)}  ${ms.toFixed(0).padStart(8)}  ${rate.toFixed(3).padStart(8)}  ${cpuMs.toFixed(0).padStart(8)}  ${cpuRate.toFixed(3).padStart(12)}  ${(gcShare * 100).toFixed(1).padStart(7)}%  ${String(r.runs[0]!.fills).padStart(7)}  ${r.runs[0]!.equity.padStart(13)}   ${r.runs.map((x) => x.ms.toFixed(0)).join(' ')}`,
    );
    return { ...r, rate, cpuRate };
  });
  const [c1, c10, a1, a5] = stats;
  const both = (x: { rate: number; cpuRate: number }, y: { rate: number; cpuRate: number }): string => `${(x.rate / y.rate).toFixed(3)} by wall time, ${(x.cpuRate / y.cpuRate).toFixed(3)} by CPU time`;
  console.log(`columns ${fmt(large)} / ${fmt(small)} throughput: ${both(c10!, c1!)}`);
  console.log(`array   ${fmt(arrayLarge)} / ${fmt(small)} throughput: ${both(a5!, a1!)}`);
  console.log(`columns / array throughput at ${fmt(small)}: ${both(c1!, a1!)}`);
  console.log(`columns ${fmt(large)} / array ${fmt(arrayLarge)} throughput: ${both(c10!, a5!)}`);

  console.log('\npeak RSS, keepHistory: false, equity down-sampled to ~10,000 points, a fresh process per row');
  type Mem = { maxRssMb: number; fills: number; equity: string; seconds: number };
  const mem: [string, number, Mem][] = [];
  for (const cap of [undefined, 64])
    for (const kind of ['stream', 'columns'] as const)
      for (const n of [small, large]) mem.push([`${kind}${cap === undefined ? '' : `, old space ${cap} MB`}`, n, child<Mem>(['memory', kind, String(n)], cap)]);
  console.log('data                        bars          peak RSS   time     fills     final equity');
  for (const [kind, n, m] of mem)
    console.log(`${kind.padEnd(25)} ${fmt(n).padStart(12)}  ${m.maxRssMb.toFixed(0).padStart(7)} MB  ${m.seconds.toFixed(1).padStart(5)} s  ${String(m.fills).padStart(7)}  ${m.equity}`);
  const [s1, s10, k1, k10, cs1, cs10, ck1, ck10] = mem.map((x) => x[2]);
  console.log(`streamed ${fmt(large)} / ${fmt(small)} peak RSS: ${(s10!.maxRssMb / s1!.maxRssMb).toFixed(3)}x`);
  console.log(`columns  ${fmt(large)} / ${fmt(small)} peak RSS: ${(k10!.maxRssMb / k1!.maxRssMb).toFixed(3)}x (held bars grow with the run by definition)`);
  console.log(`columns, peak RSS per added bar: ${(((k10!.maxRssMb - k1!.maxRssMb) * 1024 * 1024) / (large - small)).toFixed(1)} bytes (the columns alone: 48)`);
  console.log(`columns minus streamed at ${fmt(large)}: ${(((k10!.maxRssMb - s10!.maxRssMb) * 1024 * 1024) / large).toFixed(1)} bytes per bar`);
  console.log(`old space capped at 64 MB: streamed ${fmt(large)} / ${fmt(small)} peak RSS ${(cs10!.maxRssMb / cs1!.maxRssMb).toFixed(3)}x; columns ${(ck10!.maxRssMb / ck1!.maxRssMb).toFixed(3)}x, ${(((ck10!.maxRssMb - ck1!.maxRssMb) * 1024 * 1024) / (large - small)).toFixed(1)} bytes per added bar`);
}

await main();
