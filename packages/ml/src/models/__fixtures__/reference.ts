/**
 * Reads the fixture models and the outputs PyTorch gave for them (packages/ml/scripts/models-fixtures.py).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MODEL_FIXTURES = dirname(fileURLToPath(import.meta.url));
export const CNN_LSTM_ONNX = join(MODEL_FIXTURES, 'tiny-cnn-lstm.onnx');
export const LINEAR_F64_ONNX = join(MODEL_FIXTURES, 'tiny-linear-f64.onnx');
export const CNN_LSTM_TFJS = join(MODEL_FIXTURES, 'tiny-cnn-lstm-tfjs', 'model.json');

export interface ModelsReference {
  readonly window: number;
  readonly features: number;
  readonly batch: number;
  /** The input windows, batch x window x features, row-major. */
  readonly x: readonly number[];
  /** PyTorch's outputs of the CNN+LSTM, batch x 2. */
  readonly cnnLstm: readonly number[];
  /** PyTorch's outputs of the float64 linear model, batch x 1. */
  readonly linearF64: readonly number[];
}

export const modelsReference = (): ModelsReference => JSON.parse(readFileSync(join(MODEL_FIXTURES, 'models-reference.json'), 'utf8')) as ModelsReference;

/** Largest |a - b| / max(1, |b|) over two arrays of the same length (fails on different lengths). */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`lengths differ: ${actual.length} vs ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const d = Math.abs(actual[i]! - e) / Math.max(1, Math.abs(e));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}
