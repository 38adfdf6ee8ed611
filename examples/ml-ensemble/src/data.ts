/**
 * The data: S&P 500 daily bars, 2000-01-03 to 2020-04-17 (5,105 bars), from the npm package `vega-datasets` 3.2.1
 * (`data/sp500-2000.csv`, columns date, open, high, low, close, adjclose, volume; the index has no
 * dividends in its price, so close and adjusted close are the same), read and validated by
 * `readBarsCsv`. The index is traded here as if it were an instrument with a tick of 1e-6 (the file's
 * decimals) and a lot of 1.
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { defineInstrument, type Bar, type Instrument } from '@rxtrade/core';
import { readBarsCsv } from '@rxtrade/connectors';

/** The traded instrument: the S&P 500 index as one unit per point. */
export const SP500: Instrument = defineInstrument({
  symbol: 'SPX',
  venue: 'DATA',
  assetClass: 'cfd',
  base: 'SPX',
  quote: 'USD',
  tickSize: '0.000001',
  lotSize: '1',
});

/**
 * Path of `data/sp500-2000.csv` in the installed `vega-datasets`.
 *
 * @example
 * ```ts
 * readBarsCsv(sp500Path(), { instrumentId: SP500.id });
 * ```
 */
export function sp500Path(): string {
  // vega-datasets exports only its JS entry; the CSVs sit beside it in the package.
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  return resolve(dirname(entry), '..', 'data', 'sp500-2000.csv');
}

/**
 * The S&P 500 daily bars, oldest first.
 *
 * @example
 * ```ts
 * const bars = readSp500();
 * bars.length; // 5105
 * ```
 */
export function readSp500(): Bar[] {
  return readBarsCsv(sp500Path(), { instrumentId: SP500.id }).bars;
}
