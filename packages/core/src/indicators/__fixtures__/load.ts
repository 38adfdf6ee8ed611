/**
 * Loads the reference data sets and the TA-Lib / TTR fixtures for the indicator tests.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { Bar } from '../../domain/market-data';
import { instrumentId } from '../../domain/ids';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..', '..', '..');

/** The data sets the fixtures were generated from. */
export const DATASETS = {
  goog: join(here, 'goog.csv'),
  sp500: join(root, 'node_modules', 'vega-datasets', 'data', 'sp500-2000.csv'),
  synthetic: join(here, 'synthetic.csv'),
} as const;
export type Dataset = keyof typeof DATASETS;

function csvLines(path: string): string[] {
  const raw = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(raw) : raw)
    .toString('utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0 && !l.startsWith('#'));
}

/** Reads a data set as core Bars (all created with one shape), ts = the date at 00:00 UTC. */
export function loadBars(dataset: Dataset): Bar[] {
  const lines = csvLines(DATASETS[dataset]);
  const header = lines[0]!.toLowerCase().split(',');
  const at = (name: string) => header.indexOf(name);
  const [d, o, h, l, c, v] = [at('date'), at('open'), at('high'), at('low'), at('close'), at('volume')];
  const id = instrumentId(dataset);
  return lines.slice(1).map((line) => {
    const f = line.split(',');
    return {
      type: 'Bar',
      instrumentId: id,
      ts: Date.parse(`${f[d!]}T00:00:00Z`),
      open: Number(f[o!]),
      high: Number(f[h!]),
      low: Number(f[l!]),
      close: Number(f[c!]),
      volume: Number(f[v!]),
    } satisfies Bar;
  });
}

/** Reads a reference fixture: column name -> values (NaN where the reference has none). */
export function loadReference(kind: 'talib' | 'ttr', dataset: Dataset): Map<string, Float64Array> {
  const lines = csvLines(join(here, `${kind}-${dataset}.csv.gz`));
  const names = lines[0]!.split(',');
  const columns = names.map(() => new Float64Array(lines.length - 1));
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i]!.split(',');
    for (let j = 0; j < names.length; j++) {
      const cell = cells[j] ?? '';
      columns[j]![i - 1] = cell === '' || cell === 'NA' ? NaN : Number(cell);
    }
  }
  return new Map(names.map((n, j) => [n, columns[j]!]));
}
