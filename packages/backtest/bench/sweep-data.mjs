/**
 * The data of the sweep benchmarks' grids, shared by `sweep-throughput.bench.ts` and
 * `cold-sweep.bench.mjs` (plain JavaScript, so that the latter runs under Node with no TypeScript loader).
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** `goog` (daily, 1,047 bars, size 100) or `sp500` (daily, 5,104 bars, size 10): the CSV, the instrument and its position size. */
export function sweepData(which) {
  const require = createRequire(import.meta.url);
  const data =
    which === 'sp500'
      ? { path: resolve(dirname(require.resolve('vega-datasets')), '..', 'data', 'sp500-2000.csv'), symbol: 'SPX', venue: 'INDEX', size: 10 }
      : { path: resolve(here, '../src/search/__fixtures__/goog.csv'), symbol: 'GOOG', venue: 'NASDAQ', size: 100 };
  return { ...data, instrument: `${data.symbol}.${data.venue}` };
}
