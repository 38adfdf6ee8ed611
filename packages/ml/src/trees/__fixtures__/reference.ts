/**
 * Reads the XGBoost fixtures written by packages/ml/scripts/xgboost-fixtures.py (XGBoost 1.7 on GOOG
 * daily features): feature matrices, xgboost's own float32 predictions, the model JSON and ONNX files.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const FIXTURES = dirname(fileURLToPath(import.meta.url));

export interface ModelReference {
  readonly objective: string;
  /** On the first `missingRows` rows of the features with 20% of the values set to NaN. */
  readonly missingPredictions: Float32Array;
  /** On every row of the GOOG features (main models only). */
  readonly predictions?: Float32Array;
  readonly margins?: Float32Array;
}

export interface XgbReference {
  readonly provenance: string;
  readonly names: readonly string[];
  readonly rows: number;
  readonly train: number;
  readonly missingRows: number;
  readonly features: Float64Array;
  readonly missingFeatures: Float64Array;
  readonly models: Readonly<Record<string, ModelReference>>;
}

const bytes = (b64: string): Buffer => Buffer.from(b64, 'base64');
const f64 = (b64: string): Float64Array => {
  const b = bytes(b64);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const f32 = (b64: string): Float32Array => {
  const b = bytes(b64);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/** The reference: features and predictions (little-endian arrays, as this machine reads them). */
export function loadReference(): XgbReference {
  const raw = JSON.parse(gunzipSync(readFileSync(join(FIXTURES, 'xgb-reference.json.gz'))).toString('utf8')) as {
    provenance: string;
    names: string[];
    rows: number;
    train: number;
    missingRows: number;
    features: string;
    missingFeatures: string;
    models: Record<string, { objective: string; missingPredictions: string; predictions?: string; margins?: string }>;
  };
  const models: Record<string, ModelReference> = {};
  for (const [name, m] of Object.entries(raw.models)) {
    models[name] = {
      objective: m.objective,
      missingPredictions: f32(m.missingPredictions),
      ...(m.predictions === undefined ? {} : { predictions: f32(m.predictions) }),
      ...(m.margins === undefined ? {} : { margins: f32(m.margins) }),
    };
  }
  return { ...raw, features: f64(raw.features), missingFeatures: f64(raw.missingFeatures), models };
}

/** The model as booster.save_model wrote it (JSON text). */
export function modelJson(name: string): string {
  return gunzipSync(readFileSync(join(FIXTURES, `xgb-${name}.json.gz`))).toString('utf8');
}

/** The ONNX conversion by xgboost-to-onnx.py. */
export function modelOnnx(name: string): Uint8Array {
  try {
    return readFileSync(join(FIXTURES, `xgb-${name}.onnx`));
  } catch {
    return gunzipSync(readFileSync(join(FIXTURES, `xgb-${name}.onnx.gz`)));
  }
}
