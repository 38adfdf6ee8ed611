/**
 * A 1,000,000-bar backtest with a bracket strategy, against the foundation's golden pipeline (market
 * orders only, no brackets) on the same bars in the same process.
 *
 * The bracket strategy uses the same SMA(10)/SMA(30) cross as the golden pipeline; when flat and with
 * nothing working it sends a bracket on each cross: entry at market in the cross's direction, a
 * take-profit limit 1% away and a stop-loss stop-market 0.5% away, linked OUO. Every bracket therefore
 * exercises the order list validation, the held OTO children, two released exits matched on the
 * intrabar path, and the OUO cancel of the survivor.
 *
 *   node --conditions=@rxtrade/source --import tsx packages/backtest/bench/bracket-backtest.bench.ts [bars]
 *
 * It lives beside the golden benchmark it is compared with: `@rxtrade/execution` cannot depend on
 * `@rxtrade/backtest` (the runner depends on it). Figures are medians of 5 runs after a warm-up.
 */
import { filter, map } from 'rxjs';
import { Sma, defineInstrument, type Bar, type Pipeline } from '@rxtrade/core';
import { runBacktest } from '@rxtrade/backtest';
import { syntheticBars } from './synthetic-bars';
import { crossDetector, smaCrossover } from '../../../examples/sma-crossover/src/strategy';

const N = Number(process.argv[2] ?? 1_000_000);
const REPS = 5;
const inst = defineInstrument({ symbol: 'SYN', venue: 'SIM', assetClass: 'stock', base: 'SYN', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const config = { instruments: [inst], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 }, strategyId: 'bench', keepHistory: false };

const bracketCross: Pipeline = (ctx) => {
  const fast = new Sma(10);
  const slow = new Sma(30);
  const cross = crossDetector();
  return ctx.market.bars(inst.id).pipe(
    map((bar) => ({ bar, signal: cross(fast.update(bar.close), slow.update(bar.close)) })),
    filter(({ signal }) => signal !== 0 && ctx.orders.openOrders(inst.id).length === 0 && ctx.ledger.positionQuantity(inst.id).isZero()),
    map(({ bar, signal }) =>
      ctx.orderFactory.bracket({
        instrumentId: inst.id,
        side: signal > 0 ? 'BUY' : 'SELL',
        quantity: 100,
        takeProfit: bar.close * (1 + signal * 0.01),
        stopLoss: bar.close * (1 - signal * 0.005),
      }),
    ),
  );
};

async function run(pipeline: Pipeline, bars: Bar[]): Promise<{ ms: number; orders: number; fills: number; equity: string }> {
  const t = performance.now();
  const r = await runBacktest(pipeline, { ...config, data: bars });
  return { ms: performance.now() - t, orders: r.summary.orders, fills: r.summary.fills, equity: r.summary.finalEquity.toString() };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const bars = Array.from(syntheticBars(N, inst.id));
  const golden = smaCrossover({ instrumentId: inst.id, fast: 10, slow: 30, size: 100 });
  const wb = await run(bracketCross, bars);
  const wg = await run(golden, bars);
  const b: number[] = [];
  const g: number[] = [];
  for (let r = 0; r < REPS; r++) {
    b.push((await run(bracketCross, bars)).ms);
    g.push((await run(golden, bars)).ms);
  }
  const bm = median(b);
  const gm = median(g);
  console.log(`bars: ${N}`);
  console.log(`bracket strategy  median ${bm.toFixed(0)} ms  ${(N / bm / 1e3).toFixed(2)} M bars/s  orders ${wb.orders}, fills ${wb.fills}, final equity ${wb.equity}  runs ${b.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`golden pipeline   median ${gm.toFixed(0)} ms  ${(N / gm / 1e3).toFixed(2)} M bars/s  orders ${wg.orders}, fills ${wg.fills}  runs ${g.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`bracket / golden throughput: ${((gm / bm) * 100).toFixed(1)}%`);
}

void main();
