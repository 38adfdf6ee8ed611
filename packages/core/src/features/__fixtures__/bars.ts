/**
 * Bar builders and the S&P 500 daily fixture shared by the feature operators' tests (internal, not
 * exported from the package).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseBarsCsv } from '../../data/bars-csv';
import { instrumentId } from '../../domain/ids';
import type { Bar } from '../../domain/market-data';

export const SPX = instrumentId('SPX.INDEX');

/** A bar with its fields in the canonical order. */
export function bar(ts: number, open: number, high: number, low: number, close: number, volume = 1, id = SPX): Bar {
  return { type: 'Bar', instrumentId: id, ts, open, high, low, close, volume };
}

/** A flat bar (open = high = low = close). */
export function flat(ts: number, price: number, volume = 1): Bar {
  return bar(ts, price, price, price, price, volume);
}

let spx: Bar[] | undefined;
/** Real S&P 500 daily bars, 2000-2020 (vega-datasets `sp500-2000.csv`, 5104 rows). */
export function sp500(): Bar[] {
  if (spx) return spx;
  // A root devDependency of the workspace: the data file lies beside its package.json.
  const root = new URL('../../../../../', import.meta.url);
  const path = fileURLToPath(new URL('node_modules/vega-datasets/data/sp500-2000.csv', root));
  spx = parseBarsCsv(readFileSync(path, 'utf8'), { instrumentId: SPX, source: 'sp500-2000.csv' }).bars;
  return spx;
}
