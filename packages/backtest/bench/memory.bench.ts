/**
 * Peak resident memory of a streamed backtest: the SMA(10)/SMA(30) crossover of examples/sma-crossover
 * on 1,000,000 and on 10,000,000 synthetic bars pulled one at a time from a generator (never held in
 * an array), with the equity curve down-sampled (`equityEvery`). Each size runs in a fresh child
 * process, which reports `process.resourceUsage().maxRSS`; a child that only generates the bars gives
 * the baseline of Node, tsx and the generator, and a child that first loads 1,000,000 bars into an
 * array shows what streaming saves.
 *
 *   npx tsx --conditions=@rxtrade/source packages/backtest/bench/memory.bench.ts [fast] [slow]
 *
 * What still grows with the run is per trade, not per bar: fills, orders, round trips and the
 * position log are kept for the result, and the order manager and simulated venue keep every order
 * (slower averages trade less: try 50 200). The `no-orders` row runs the same averages with a target
 * of 0 (no order is ever sent): the runner's memory for 10,000,000 bars alone.
 *
 * With `keepHistory: false` ('lean') nothing the run keeps alive grows with it: at the last bar, after
 * a full collection, the heap holds the same 23-24 MB at 300,000 bars as at 1,200,000. The peak still
 * grows (about 1.4x from 1M to 10M bars) because V8 lets the old generation, and the garbage promoted
 * into it (each order lives across a few bars), grow as a long run goes on before it collects. The
 * 'lean, 64 MB' rows cap the old generation (`--max-old-space-size=64`): the 10M run fits and peaks
 * where the 1M run does, which is what a run keeps alive.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defineInstrument, type Bar } from '@rxtrade/core';
import { runBacktest } from '@rxtrade/backtest';
import { syntheticBars } from './synthetic-bars';
import { smaCrossover } from '../../../examples/sma-crossover/src/strategy';

const inst = defineInstrument({ symbol: 'SYN', venue: 'SIM', assetClass: 'stock', base: 'SYN', quote: 'USD', tickSize: '0.01', lotSize: '1' });

interface ChildReport {
  readonly mode: string;
  readonly bars: number;
  readonly maxRssMb: number;
  readonly seconds: number;
  readonly fills?: number;
  readonly equityPoints?: number;
  readonly finalEquity?: string;
}

async function child(mode: string, bars: number, fast: number, slow: number): Promise<void> {
  const t = performance.now();
  const out: Record<string, unknown> = { mode, bars };
  if (mode === 'generate-only') {
    let sum = 0;
    for (const b of syntheticBars(bars, inst.id)) sum += b.close;
    out.checksum = sum;
  } else {
    const data = mode === 'array' ? Array.from(syntheticBars(bars, inst.id)) : syntheticBars(bars, inst.id);
    const every = Math.max(1, Math.floor(bars / 10_000));
    // 'no-orders' runs the same averages with a target of 0: the runner's own memory, without trades.
    const size = mode === 'no-orders' ? 0 : 100;
    const r = await runBacktest(smaCrossover({ instrumentId: inst.id, fast, slow, size }), {
      data,
      instruments: [inst],
      ledger: { startingCash: 1_000_000 },
      venue: { commission: 0.002 },
      equityEvery: every,
      periodsPerYear: 252 * 390,
      // 'lean' streams too, but keeps no closed orders or fills: memory independent of the trade count.
      keepHistory: mode !== 'lean',
    });
    // Reading the metrics builds the round trips and the position log too: count them in the peak.
    out.sharpe = r.metrics.sharpeRatio;
    out.trades = r.trades.length;
    out.fills = r.summary.fills;
    out.equityPoints = r.equityCurve.ts.length;
    out.finalEquity = r.summary.finalEquity.toFixed(2);
  }
  out.seconds = (performance.now() - t) / 1000;
  // maxRSS is in kilobytes.
  out.maxRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify(out));
}

function runChild(mode: string, bars: number, fast: number, slow: number, flags: readonly string[] = []): ChildReport {
  const self = fileURLToPath(import.meta.url);
  const text = execFileSync(process.execPath, [...flags, '--conditions=@rxtrade/source', '--import', 'tsx', self, '--child', mode, String(bars), String(fast), String(slow)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(text.trim().split('\n').pop()!) as ChildReport;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    await child(args[1]!, Number(args[2]), Number(args[3]), Number(args[4]));
    return;
  }
  const fast = Number(args[0] ?? 10);
  const slow = Number(args[1] ?? 30);
  console.log(`SMA(${fast})/SMA(${slow}) crossover, streamed synthetic minute bars, fresh process per row`);
  const rows = [
    runChild('generate-only', 10_000_000, fast, slow),
    runChild('array', 1_000_000, fast, slow),
    runChild('stream', 1_000_000, fast, slow),
    runChild('stream', 10_000_000, fast, slow),
    runChild('no-orders', 10_000_000, fast, slow),
    runChild('lean', 1_000_000, fast, slow),
    runChild('lean', 10_000_000, fast, slow),
    { ...runChild('lean', 1_000_000, fast, slow, ['--max-old-space-size=64']), mode: 'lean, 64 MB' },
    { ...runChild('lean', 10_000_000, fast, slow, ['--max-old-space-size=64']), mode: 'lean, 64 MB' },
  ];
  console.log('mode           bars        peak RSS   time     fills     equity points');
  for (const r of rows)
    console.log(
      `${r.mode.padEnd(14)} ${r.bars.toLocaleString('en-US').padStart(10)}  ${r.maxRssMb.toFixed(0).padStart(6)} MB  ${r.seconds.toFixed(1).padStart(5)} s  ${String(r.fills ?? '-').padStart(8)}  ${String(r.equityPoints ?? '-').padStart(8)}`,
    );
  const s1 = rows[2]!;
  const s10 = rows[3]!;
  console.log(`10M / 1M streamed peak RSS: ${(s10.maxRssMb / s1.maxRssMb).toFixed(2)}x for 10x the bars (${(s10.fills! / s1.fills!).toFixed(1)}x the fills)`);
  const l1 = rows[5]!;
  const l10 = rows[6]!;
  console.log(`10M / 1M streamed peak RSS with keepHistory: false: ${(l10.maxRssMb / l1.maxRssMb).toFixed(2)}x`);
  const c1 = rows[7]!;
  const c10 = rows[8]!;
  console.log(`the same, old generation capped at 64 MB: ${(c10.maxRssMb / c1.maxRssMb).toFixed(2)}x`);
}

await main();
