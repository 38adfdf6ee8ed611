import { sweepData } from './sweep-data.mjs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
const here = dirname(fileURLToPath(import.meta.url));
let t0 = performance.now();
const { InProcessExecutor, sweep, evaluateTask } = await import('@rxtrade/backtest');
const importMs = performance.now() - t0; console.log("MARK imported");
const data = sweepData(process.argv[2] ?? 'goog');
const instrument = data.instrument;
const config = {
  strategy: { module: resolve(here, 'sma-strategy.mjs') },
  space: { fast: { min: 5, max: 24, integer: true }, slow: { min: 20, max: 200, step: 20 }, instrument: { choices: [instrument] }, size: { choices: [data.size] } },
  run: { data: [{ path: data.path, instrument }], instruments: [{ symbol: data.symbol, venue: data.venue, assetClass: 'stock', base: data.symbol, quote: 'USD', tickSize: '0.01', lotSize: '1' }], ledger: { startingCash: 100000 }, venue: { commission: 0.002 } },
  objective: { metric: 'sharpeRatio' }, method: 'grid',
};
const times = [];
const evaluate = async (task) => { const t = performance.now(); const r = await evaluateTask(task); times.push(performance.now() - t); return r; };
for (let s = 0; s < 3; s++) { const g0 = { ...globalThis.__gc ?? {} };
  times.length = 0;
  const t = performance.now();
  await sweep({ ...config, executor: new InProcessExecutor({ evaluate }) });
  const total = performance.now() - t;
  const sum = times.reduce((a, b) => a + b, 0);
  const f = (a, b) => times.slice(a, b).reduce((x, y) => x + y, 0).toFixed(1);
  console.log(`gc young ${((globalThis.__gc?.young ?? 0) - (g0.young ?? 0)).toFixed(0)} full ${((globalThis.__gc?.full ?? 0) - (g0.full ?? 0)).toFixed(0)} n ${(globalThis.__gc?.n ?? 0) - (g0.n ?? 0)} | sweep ${s}: ${total.toFixed(0)} ms (import ${importMs.toFixed(0)}), tasks ${sum.toFixed(0)}: first ${f(0,1)} 2-5 ${f(1,5)} 6-20 ${f(5,20)} 21-50 ${f(20,50)} 51-100 ${f(50,100)} 101-200 ${f(100,200)}`);
}
