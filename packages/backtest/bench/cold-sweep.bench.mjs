/**
 * Cold sweeps of the built packages, as an application runs them: plain Node, compiled JavaScript in
 * every thread (the strategy is `sma-strategy.mjs`), no TypeScript loader. For each executor (in-process,
 * 1 and 2 worker threads) a fresh process times the first sweep of a fresh executor ("cold"), with a
 * thread pool's start (`start()`: the threads import the evaluator) timed apart, then `reps` warm sweeps
 * on the same executor. The grid is `sweep-throughput.bench.ts`'s (200 backtests).
 *
 *   npx -y pnpm@10 build
 *   node packages/backtest/bench/cold-sweep.bench.mjs [goog|sp500] [reps] [processes]
 *
 * Each executor runs in `processes` fresh processes (default 3), alternating; figures are medians.
 */
import { execFileSync } from 'node:child_process';
import { sweepData } from './sweep-data.mjs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const which = process.argv[2] ?? 'goog';
const REPS = Number(process.argv[3] ?? 5);
const PROCESSES = Number(process.argv[4] ?? 3);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

if (process.argv[5] === '--child') {
  const kind = process.argv[6];
  const { InProcessExecutor, WorkerThreadExecutor, sweep } = await import('@rxtrade/backtest');
  const data = sweepData(which);
  const instrument = data.instrument;
  const config = {
    strategy: { module: resolve(here, 'sma-strategy.mjs') },
    space: { fast: { min: 5, max: 24, integer: true }, slow: { min: 20, max: 200, step: 20 }, instrument: { choices: [instrument] }, size: { choices: [data.size] } },
    run: {
      data: [{ path: data.path, instrument }],
      instruments: [{ symbol: data.symbol, venue: data.venue, assetClass: 'stock', base: data.symbol, quote: 'USD', tickSize: '0.01', lotSize: '1' }],
      ledger: { startingCash: 100000 },
      venue: { commission: 0.002 },
    },
    objective: { metric: 'sharpeRatio' },
    method: 'grid',
  };
  const executor = kind === 'in-process' ? new InProcessExecutor() : new WorkerThreadExecutor({ workers: kind === '2 threads' ? 2 : 1 });
  let t = performance.now();
  if (kind !== 'in-process') await executor.start();
  const start = performance.now() - t;
  t = performance.now();
  await sweep({ ...config, executor });
  const first = performance.now() - t;
  const warm = [];
  for (let i = 0; i < REPS; i++) {
    t = performance.now();
    await sweep({ ...config, executor });
    warm.push(performance.now() - t);
  }
  await executor.close?.();
  console.log(JSON.stringify({ start, first, warm: median(warm) }));
  process.exit(0);
}

const kinds = ['in-process', '1 thread', '2 threads'];
const rows = Object.fromEntries(kinds.map((k) => [k, []]));
for (let p = 0; p < PROCESSES; p++)
  for (const kind of p % 2 ? [...kinds].reverse() : kinds) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), which, String(REPS), String(PROCESSES), '--child', kind], { encoding: 'utf8' });
    rows[kind].push(JSON.parse(out.trim().split('\n').pop()));
  }
console.log(`cold sweeps of the built packages, ${which} grid (200 backtests), node ${process.version}, ${PROCESSES} processes an executor, ${REPS} warm sweeps each`);
for (const kind of kinds) {
  const r = rows[kind];
  const start = median(r.map((x) => x.start));
  const first = median(r.map((x) => x.first));
  const warm = median(r.map((x) => x.warm));
  console.log(
    `${kind.padEnd(11)} start ${start.toFixed(0).padStart(4)} ms, first sweep ${first.toFixed(0).padStart(5)} ms, warm sweep ${warm.toFixed(0).padStart(5)} ms: ` +
      `cold / warm ${((start + first) / warm).toFixed(2)} (without the start ${(first / warm).toFixed(2)})`,
  );
}
