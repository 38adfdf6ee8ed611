/**
 * Reads the quantile-forecaster fixtures written by packages/ml/scripts/tft-train.py: S&P 500 daily
 * closes (the date and close columns of data/sp500-2000.csv of the npm package vega-datasets 3.2.1),
 * the model exported from PyTorch, PyTorch's outputs and the Python features.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { instrumentId, type Bar } from '@rxtrade/core';

export const FIXTURES = dirname(fileURLToPath(import.meta.url));
export const TFT_ONNX = join(FIXTURES, 'tft-sp500.onnx');
export const SPX = instrumentId('SPX.INDEX');

export interface TftReference {
  readonly provenance: string;
  readonly names: readonly string[];
  readonly window: number;
  readonly horizons: readonly number[];
  readonly quantiles: readonly number[];
  readonly bars: number;
  /** Bar index (0-based) of the first row where every feature has a value. */
  readonly firstFeatureRow: number;
  /** The features of the last `featureRows` bars, row-major, float64. */
  readonly featureRows: number;
  readonly features: Float64Array;
  /** Bar index of the newest row of each reference window. */
  readonly referenceEnds: readonly number[];
  /** PyTorch's outputs for those windows: [windows, horizons, quantiles], float32. */
  readonly reference: Float32Array;
  /** Standard deviation of each horizon's training targets (the scale of the model's outputs). */
  readonly targetSd: readonly number[];
  readonly evaluation: { split: string; trainWindows: number; testWindows: number; testPinball: number; unconditionalPinball: number; coverage10to90: number[] };
}

const view = <T>(b64: string, make: (b: ArrayBuffer) => T): T => {
  const b = Buffer.from(b64, 'base64');
  return make(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

export function loadTftReference(): TftReference {
  const raw = JSON.parse(gunzipSync(readFileSync(join(FIXTURES, 'tft-reference.json.gz'))).toString('utf8')) as Omit<TftReference, 'features' | 'reference'> & { features: string; reference: string };
  return { ...raw, features: view(raw.features, (b) => new Float64Array(b)), reference: view(raw.reference, (b) => new Float32Array(b)) };
}

/** The S&P 500 daily closes as bars (open = high = low = close: the file the model saw has closes only). */
export function sp500Bars(): Bar[] {
  const lines = gunzipSync(readFileSync(join(FIXTURES, 'sp500-close.csv.gz'))).toString('utf8').trim().split('\n');
  if (lines[0] !== 'date,close') throw new Error(`unexpected header ${lines[0]}`);
  return lines.slice(1).map((line) => {
    const [date, close] = line.split(',');
    const c = Number(close);
    return { type: 'Bar', instrumentId: SPX, ts: Date.parse(`${date}T00:00:00Z`), open: c, high: c, low: c, close: c, volume: 0 };
  });
}
