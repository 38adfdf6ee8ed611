/**
 * Throughput of the golden pipeline (SMA(10)/SMA(30) crossover, ±100 target, market orders at the next
 * open, 0.2% commission) on 1,000,000 synthetic bars, against a hand-written loop doing the same
 * arithmetic in the same process: the same Sma class and cross detector, the order's size from the
 * target and the position held in whole units (as `marketToTarget` computes it), Decimal on fills
 * (price from the open rounded to the tick, commission, cash, position), an equity point per bar in
 * float64. No streams, no order manager, no venue, no ledger object.
 *
 * A second row runs the same backtest without event validation (the runner's internal switch) and a
 * third times the validator alone over the bars: the cost of checking every event, as a share of the
 * pipeline's throughput (budget: at most 5%).
 *
 * Then 20 backtests in one process: the median of the last five must not be more than 10% slower than
 * the median of the first five.
 *
 *   npx tsx --conditions=@rxtrade/source packages/backtest/bench/golden-pipeline.bench.ts [bars]
 *
 * Figures are medians of 5 repetitions after a warm-up run, without forced GC: compare the ratio, not
 * the absolute time, on a shared machine.
 *
 * In one process the rows share the heap, and the million bars held for all of them make each full
 * collection cost about 0.1-0.2 s: it lands on whichever row runs when it is due, and the hand loop
 * (one run after three backtests) often pays for the backtests' history. The last section therefore
 * runs the pipeline and the hand loop again, each repetition in a fresh process of its own (bars
 * generated there, one warm-up run, then GROUP timed runs), alternating, so that each pays only for
 * its own garbage.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Decimal, defineInstrument, MarketDataValidator, roundPrice, Sma, type Bar } from '@rxtrade/core';
import { runBacktest } from '@rxtrade/backtest';
import { syntheticBars } from './synthetic-bars';
import { crossDetector, smaCrossover } from '../../../examples/sma-crossover/src/strategy';

const N = Number(process.argv[2] ?? 1_000_000);
const REPS = 5;
const GROUP = 3;
const inst = defineInstrument({ symbol: 'SYN', venue: 'SIM', assetClass: 'stock', base: 'SYN', quote: 'USD', tickSize: '0.01', lotSize: '1' });

const config = { instruments: [inst], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 }, strategyId: 'bench' };

async function pipelineRun(bars: Bar[], validate = true): Promise<{ ms: number; fills: number; equity: string }> {
  const t = performance.now();
  const r = await runBacktest(smaCrossover({ instrumentId: inst.id, fast: 10, slow: 30, size: 100 }), { ...config, data: bars }, { validate });
  return { ms: performance.now() - t, fills: r.summary.fills, equity: r.summary.finalEquity.toString() };
}

/** The validator alone: what the runner adds per event. */
function validatorRun(bars: Bar[]): { ms: number } {
  const t = performance.now();
  const v = new MarketDataValidator('data');
  for (let i = 0; i < bars.length; i++) v.check(bars[i], i);
  return { ms: performance.now() - t };
}

function handRun(bars: Bar[]): { ms: number; fills: number; equity: string } {
  const t = performance.now();
  const fast = new Sma(10);
  const slow = new Sma(30);
  const cross = crossDetector();
  const rate = new Decimal(0.002);
  let cash = new Decimal(100_000);
  let position = new Decimal(0);
  let cashNum = 100_000;
  let posNum = 0;
  let pending: Decimal | undefined;
  let fills = 0;
  const curve = new Float64Array(bars.length);
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i]!;
    if (pending !== undefined) {
      const price = roundPrice(inst, bar.open);
      const notional = price.mul(pending);
      cash = cash.minus(notional).minus(notional.abs().mul(rate));
      position = position.plus(pending);
      cashNum = cash.toNumber();
      posNum = position.toNumber();
      pending = undefined;
      fills++;
    }
    const signal = cross(fast.update(bar.close), slow.update(bar.close));
    if (signal !== 0) {
      // The order from the position held to the target in whole units, as the pipeline's marketToTarget computes it.
      const delta = signal * 100 - posNum;
      if (delta !== 0) pending = new Decimal(delta);
    }
    curve[i] = cashNum + posNum * bar.close;
  }
  const last = bars[bars.length - 1]!;
  const equity = cash.plus(position.mul(new Decimal(last.close)));
  return { ms: performance.now() - t, fills, equity: equity.toString() };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const bars = Array.from(syntheticBars(N, inst.id));
  const warmP = await pipelineRun(bars);
  await pipelineRun(bars, false);
  validatorRun(bars);
  const warmH = handRun(bars);
  if (warmP.fills !== warmH.fills || warmP.equity !== warmH.equity)
    throw new Error(`pipeline and hand-written loop disagree: ${JSON.stringify(warmP)} vs ${JSON.stringify(warmH)}`);
  const p: number[] = [];
  const u: number[] = [];
  const v: number[] = [];
  const h: number[] = [];
  // One repetition of a backtest row is the mean of GROUP back-to-back runs: the collection of earlier
  // runs' garbage lands on one run in three (that run is about 25% faster), so single runs of two rows
  // compared pairwise measure where the collector is, not the rows. Rows are interleaved, in alternating
  // order, so that a noisy neighbour slows every row alike.
  const group = async (validate: boolean): Promise<number> => {
    let ms = 0;
    for (let g = 0; g < GROUP; g++) ms += (await pipelineRun(bars, validate)).ms;
    return ms / GROUP;
  };
  for (let r = 0; r < REPS; r++) {
    if (r % 2 === 0) {
      p.push(await group(true));
      u.push(await group(false));
    } else {
      u.push(await group(false));
      p.push(await group(true));
    }
    v.push(validatorRun(bars).ms);
    h.push(handRun(bars).ms);
  }
  const pm = median(p);
  const um = median(u);
  const vm = median(v);
  const hm = median(h);
  console.log(`bars: ${N}, fills per run: ${warmP.fills}, final equity ${warmP.equity} (both agree)`);
  console.log(`pipeline      median ${pm.toFixed(1)} ms  ${((N / pm) * 1000 / 1e6).toFixed(2)} M bars/s   runs ${p.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`  no validation median ${um.toFixed(1)} ms  ${((N / um) * 1000 / 1e6).toFixed(2)} M bars/s   runs ${u.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`  validator alone median ${vm.toFixed(1)} ms  ${((vm / N) * 1e6).toFixed(1)} ns per bar   runs ${v.map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`hand-written  median ${hm.toFixed(1)} ms  ${((N / hm) * 1000 / 1e6).toFixed(2)} M bars/s   runs ${h.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`ratio pipeline / hand-written: ${((hm / pm) * 100).toFixed(1)}%`);
  console.log(
    `event validation: throughput with / without ${((um / pm) * 100).toFixed(1)}% (cost ${((1 - um / pm) * 100).toFixed(1)}%); ` +
      `validator alone ${((vm / um) * 100).toFixed(1)}% of an unvalidated run's time`,
  );

  const runs: number[] = [];
  for (let r = 0; r < 20; r++) runs.push((await pipelineRun(bars)).ms);
  // Medians of five at each end: a single run on a shared machine varies by ±20%.
  const first = median(runs.slice(0, 5));
  const last = median(runs.slice(-5));
  console.log(`20 backtests in one process: runs 1-5 median ${first.toFixed(1)} ms, runs 16-20 median ${last.toFixed(1)} ms, slowdown ${((last / first - 1) * 100).toFixed(1)}%`);
  console.log(`  runs ${runs.map((x) => x.toFixed(0)).join(' ')}`);
}

/** One row in a fresh process: `--child pipeline|hand`, printing the mean time of GROUP runs as JSON. */
async function child(row: string): Promise<void> {
  const bars = Array.from(syntheticBars(N, inst.id));
  const run = async (): Promise<{ ms: number; fills: number; equity: string }> => (row === 'hand' ? handRun(bars) : pipelineRun(bars));
  const warm = await run();
  let ms = 0;
  for (let g = 0; g < GROUP; g++) ms += (await run()).ms;
  console.log(JSON.stringify({ row, ms: ms / GROUP, fills: warm.fills, equity: warm.equity }));
}

function fresh(row: string): { ms: number; fills: number; equity: string } {
  const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), String(N), '--child', row], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!) as { ms: number; fills: number; equity: string };
}

function freshProcesses(): void {
  const p: number[] = [];
  const h: number[] = [];
  for (let r = 0; r < REPS; r++) {
    for (const row of r % 2 === 0 ? ['pipeline', 'hand'] : ['hand', 'pipeline']) {
      const x = fresh(row);
      if (x.fills !== 39417 && N === 1_000_000) throw new Error(`${row}: ${x.fills} fills`);
      (row === 'hand' ? h : p).push(x.ms);
    }
  }
  const pm = median(p);
  const hm = median(h);
  console.log(`each row in a fresh process (mean of ${GROUP} runs after a warm-up, ${REPS} processes a row, alternating):`);
  console.log(`  pipeline      median ${pm.toFixed(1)} ms  ${((N / pm) * 1000 / 1e6).toFixed(2)} M bars/s   runs ${p.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`  hand-written  median ${hm.toFixed(1)} ms  ${((N / hm) * 1000 / 1e6).toFixed(2)} M bars/s   runs ${h.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`  ratio pipeline / hand-written: ${((hm / pm) * 100).toFixed(1)}%`);
}

const childAt = process.argv.indexOf('--child');
if (childAt !== -1) await child(process.argv[childAt + 1]!);
else {
  await main();
  freshProcesses();
}
