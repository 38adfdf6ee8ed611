/**
 * Writes the feature rows that the backtest computes to `models/features.csv.gz`, the input of
 * `scripts/train-xgboost.py`: one line per row, `ts` (epoch ms) and the six features, each number in
 * JavaScript's shortest round-trip form, so that Python reads back the very same float64 values and
 * hashes them as `hashTrainingData` does. The test checks that the committed file is what this module
 * writes from the data today.
 *
 *   npx -y pnpm@10 --filter @rxtrade/example-ml-ensemble export-features
 */
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FeatureRow } from '@rxtrade/core';
import { readSp500 } from './data';
import { FEATURE_NAMES, featureRows } from './features';

/** Where the committed models, the manifest and the exported features live. */
export const MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'models');

/** Path of the exported feature rows. */
export const FEATURES_FILE = resolve(MODELS_DIR, 'features.csv.gz');

/**
 * The rows as CSV text: a header `ts,ret1,…`, then one line per row.
 *
 * @example
 * ```ts
 * featuresCsv([{ instrumentId, ts: 0, values: Float64Array.of(0.01, 0.02, 0.03, 0.2, -1, 0.015) }]);
 * // 'ts,ret1,ret5,ret20,vol20,z20,range\n0,0.01,0.02,0.03,0.2,-1,0.015\n'
 * ```
 */
export function featuresCsv(rows: readonly FeatureRow[]): string {
  const lines = [['ts', ...FEATURE_NAMES].join(',')];
  for (const row of rows) lines.push([row.ts, ...row.values].map((x) => String(x)).join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * The text of the committed `models/features.csv.gz`.
 *
 * @example
 * ```ts
 * readFeaturesFile().split('\n')[0]; // 'ts,ret1,ret5,ret20,vol20,z20,range'
 * ```
 */
export function readFeaturesFile(): string {
  return gunzipSync(readFileSync(FEATURES_FILE)).toString('utf8');
}

async function exportFeatures(): Promise<void> {
  const rows = await featureRows(readSp500());
  // gzip level 9 and Node's zero mtime: the same data give the same bytes.
  writeFileSync(FEATURES_FILE, gzipSync(featuresCsv(rows), { level: 9 }));
  console.log(`${rows.length} rows -> ${FEATURES_FILE}`);
}

function isEntry(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) await exportFeatures();
