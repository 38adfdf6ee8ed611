/**
 * Writes the equity curve and fills of the golden GOOG run (SMA(10)/SMA(30) crossover targeting
 * +/-100 shares, 100,000 starting cash, 0.2% commission) for the tearsheet reference script, which
 * reads them without running a backtest.
 *
 * Run from the repository root:
 *   npx tsx --conditions=@rxtrade/source packages/backtest/scripts/golden-equity.ts
 * It writes packages/backtest/src/metrics/__fixtures__/golden-equity.csv and golden-fills.csv.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseWith } from '@rxtrade/core';
import { loadStrategy, runFromConfig } from '../src/search/evaluate-task';
import { RunConfigSchema } from '../src/search/run-config';

const fixtures = fileURLToPath(new URL('../src/search/__fixtures__/', import.meta.url));
const out = fileURLToPath(new URL('../src/metrics/__fixtures__/', import.meta.url));
const def = await loadStrategy({ module: `${fixtures}sma-strategy.ts` });
const result = await runFromConfig(
  def.pipeline({ instrument: 'GOOG.NASDAQ', fast: 10, slow: 30, size: 100 }),
  parseWith(RunConfigSchema, {
    data: [{ path: `${fixtures}goog.csv`, instrument: 'GOOG.NASDAQ' }],
    instruments: [{ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' }],
    ledger: { startingCash: '100000' },
    venue: { commission: 0.002 },
  }),
);
const { ts, equity } = result.equityCurve;
// 17 significant digits round-trip a float64 exactly.
writeFileSync(`${out}golden-equity.csv`, `ts,equity\n${Array.from(ts, (t, i) => `${t},${equity[i]!.toPrecision(17)}`).join('\n')}\n`);
writeFileSync(`${out}golden-fills.csv`, `ts,side,quantity,price\n${result.fills.map((f) => `${f.ts},${f.side},${f.quantity.toString()},${f.price.toString()}`).join('\n')}\n`);
console.log(`${ts.length} equity points, ${result.fills.length} fills, final equity ${result.summary.finalEquity.toString()}`);
