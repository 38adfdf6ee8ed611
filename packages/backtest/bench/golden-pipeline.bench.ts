/**
 * Throughput of the golden pipeline (SMA(10)/SMA(30) crossover, ±100 target, market orders at the next
 * open, 0.2% commission) on 1,000,000 synthetic bars, against a hand-written loop doing the same
 * arithmetic in the same process: the same Sma class and cross detector, Decimal on fills (price from
 * the open rounded to the tick, commission, cash, position), an equity point per bar in float64. No
 * streams, no order manager, no venue, no ledger object.
 *
 * Then 20 backtests in one process: the median of the last five must not be more than 10% slower than
 * the median of the first five.
 *
 *   npx tsx --conditions=@rxtrade/source packages/backtest/bench/golden-pipeline.bench.ts [bars]
 *
 * Figures are medians of 5 repetitions after a warm-up run, without forced GC (see
 * ../../../../shared/PERFORMANCE.md): compare the ratio, not the absolute time, on a shared machine.
 */
import { Decimal, defineInstrument, roundPrice, Sma, type Bar } from '@rxtrade/core';
import { runBacktest } from '@rxtrade/backtest';
import { syntheticBars } from './synthetic-bars';
import { crossDetector, smaCrossover } from '../../../examples/sma-crossover/src/strategy';

const N = Number(process.argv[2] ?? 1_000_000);
const REPS = 5;
const inst = defineInstrument({ symbol: 'SYN', venue: 'SIM', assetClass: 'stock', base: 'SYN', quote: 'USD', tickSize: '0.01', lotSize: '1' });

const config = { instruments: [inst], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 }, strategyId: 'bench' };

async function pipelineRun(bars: Bar[]): Promise<{ ms: number; fills: number; equity: string }> {
  const t = performance.now();
  const r = await runBacktest(smaCrossover({ instrumentId: inst.id, fast: 10, slow: 30, size: 100 }), { ...config, data: bars });
  return { ms: performance.now() - t, fills: r.summary.fills, equity: r.summary.finalEquity.toString() };
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
      const delta = new Decimal(signal * 100).minus(position);
      if (!delta.isZero()) pending = delta;
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
  const warmH = handRun(bars);
  if (warmP.fills !== warmH.fills || warmP.equity !== warmH.equity)
    throw new Error(`pipeline and hand-written loop disagree: ${JSON.stringify(warmP)} vs ${JSON.stringify(warmH)}`);
  const p: number[] = [];
  const h: number[] = [];
  for (let r = 0; r < REPS; r++) {
    p.push((await pipelineRun(bars)).ms);
    h.push(handRun(bars).ms);
  }
  const pm = median(p);
  const hm = median(h);
  console.log(`bars: ${N}, fills per run: ${warmP.fills}, final equity ${warmP.equity} (both agree)`);
  console.log(`pipeline      median ${pm.toFixed(1)} ms  ${((N / pm) * 1000 / 1e6).toFixed(2)} M bars/s   runs ${p.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`hand-written  median ${hm.toFixed(1)} ms  ${((N / hm) * 1000 / 1e6).toFixed(2)} M bars/s   runs ${h.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`ratio pipeline / hand-written: ${((hm / pm) * 100).toFixed(1)}%`);

  const runs: number[] = [];
  for (let r = 0; r < 20; r++) runs.push((await pipelineRun(bars)).ms);
  // Medians of five at each end: a single run on a shared machine varies by ±20%.
  const first = median(runs.slice(0, 5));
  const last = median(runs.slice(-5));
  console.log(`20 backtests in one process: runs 1-5 median ${first.toFixed(1)} ms, runs 16-20 median ${last.toFixed(1)} ms, slowdown ${((last / first - 1) * 100).toFixed(1)}%`);
  console.log(`  runs ${runs.map((x) => x.toFixed(0)).join(' ')}`);
}

void main();
