/**
 * The demo: an SMA(10)/SMA(30) crossover backtest on real S&P 500 daily data (vega-datasets), with a
 * readable summary. Flags: --data <csv> --fast N --slow N --size N --commission F --cash N --json, and
 * --take-profit F --stop-loss F (fractions, both together) to trade brackets instead of reversals.
 */
import { createRequire } from 'node:module';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defineInstrument, instrumentId, RxTradeError } from '@rxtrade/core';
import { readBarsCsv } from '@rxtrade/connectors';
import { runBacktest } from '@rxtrade/backtest';
import { smaBracket, smaCrossover } from './strategy';

function defaultData(): string {
  // vega-datasets exports only its JS entry; the CSVs sit beside it in the package.
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  return resolve(dirname(entry), '..', 'data', 'sp500-2000.csv');
}

function positiveNumber(name: string, text: string | undefined, fallback: number, integer = false): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value)))
    throw new Error(`--${name} must be a ${integer ? 'whole ' : ''}number >= 0, got ${JSON.stringify(text)}`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      fast: { type: 'string' },
      slow: { type: 'string' },
      size: { type: 'string' },
      commission: { type: 'string' },
      cash: { type: 'string' },
      'take-profit': { type: 'string' },
      'stop-loss': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const path = values.data ?? defaultData();
  const fast = positiveNumber('fast', values.fast, 10, true);
  const slow = positiveNumber('slow', values.slow, 30, true);
  // On the S&P 500 (1,400 to 3,400) ±10 units keep the position within the 100,000 of cash; the golden
  // test passes --size 100 for GOOG.
  const size = positiveNumber('size', values.size, 10);
  const commission = positiveNumber('commission', values.commission, 0.002);
  const cash = values.cash ?? '100000';
  positiveNumber('cash', cash, 0);

  const symbol = basename(path).replace(/\.[^.]+$/, '').toUpperCase();
  const id = instrumentId(`${symbol}.DATA`);
  const { bars, pricePrecision } = readBarsCsv(path, { instrumentId: id });
  const instrument = defineInstrument({
    id,
    symbol,
    venue: 'DATA',
    assetClass: 'stock',
    base: symbol,
    quote: 'USD',
    tickSize: `1e-${pricePrecision}`,
    lotSize: '1',
  });
  if ((values['take-profit'] === undefined) !== (values['stop-loss'] === undefined)) throw new Error('--take-profit and --stop-loss go together');
  const pipeline =
    values['take-profit'] === undefined
      ? smaCrossover({ instrumentId: id, fast, slow, size })
      : smaBracket({ instrumentId: id, fast, slow, size, takeProfit: positiveNumber('take-profit', values['take-profit'], 0), stopLoss: positiveNumber('stop-loss', values['stop-loss'], 0) });
  const result = await runBacktest(pipeline, {
    data: bars,
    instruments: [instrument],
    ledger: { startingCash: cash },
    venue: { commission },
    strategyId: 'sma-crossover',
  });
  const s = result.summary;
  if (values.json) {
    console.log(
      JSON.stringify({
        data: basename(path),
        bars: bars.length,
        fills: s.fills,
        orders: s.orders,
        finalEquity: s.finalEquity.toString(),
        totalFees: s.totalFees.toString(),
        totalReturn: s.totalReturn,
        maxDrawdown: s.maxDrawdown,
      }),
    );
    return;
  }
  const first = new Date(bars[0]!.ts).toISOString().slice(0, 10);
  const last = new Date(bars[bars.length - 1]!.ts).toISOString().slice(0, 10);
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
  const money = (d: { toFixed(n: number): string }): string => Number(d.toFixed(2)).toLocaleString('en-US', { minimumFractionDigits: 2 });
  console.log(`SMA(${fast})/SMA(${slow}) crossover, target ±${size}, commission ${pct(commission)}`);
  console.log(`data        ${basename(path)}: ${bars.length} bars, ${first} to ${last}`);
  console.log(`trades      ${s.fills} fills from ${s.orders} orders`);
  console.log(`fees        ${money(s.totalFees)}`);
  console.log(`equity      ${money(s.startingCash)} -> ${money(s.finalEquity)}`);
  console.log(`return      ${pct(s.totalReturn)}`);
  console.log(`max drawdn  ${pct(s.maxDrawdown)}`);
  const recent = result.fills.slice(-3);
  if (recent.length > 0) {
    console.log('last fills');
    for (const f of recent)
      console.log(`  ${new Date(f.ts).toISOString().slice(0, 10)} ${f.side.padEnd(4)} ${f.quantity.toString().padStart(6)} @ ${f.price.toString()}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof RxTradeError ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
