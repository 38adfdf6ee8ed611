import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FeatureRow } from '@rxtrade/core';
import { hashTrainingData, walkForwardModel } from '@rxtrade/ml';
import { readSp500 } from './data';
import { featuresCsv, MODELS_DIR, readFeaturesFile } from './export-features';
import { FEATURE_NAMES, featureRows } from './features';
import { MIN_TRAINING_ROWS, RETRAIN, RETRAIN_EVERY_BARS, ROLLING_BARS, WINDOW } from './schedule';
import { loadXgboostVersion, readXgboostManifest, xgboostTrainer } from './xgboost-versions';

const names = [...FEATURE_NAMES];
let rows: FeatureRow[];
beforeAll(async () => {
  rows = await featureRows(readSp500());
});

describe('the exported features', () => {
  it('are the rows the backtest computes, byte for byte', () => {
    expect(readFeaturesFile()).toBe(featuresCsv(rows));
  });

  it('are one row per day after a 20-day warm-up, so the next row holds the next close-to-close return', () => {
    const bars = readSp500();
    expect(bars).toHaveLength(5105);
    expect(rows).toHaveLength(bars.length - 20);
    for (let k = 0; k < rows.length; k++) {
      const bar = bars[k + 20]!;
      expect(rows[k]!.ts).toBe(bar.ts);
      // ret1 and range, from the bars directly.
      expect(rows[k]!.values[0]).toBeCloseTo(bar.close / bars[k + 19]!.close - 1, 12);
      expect(rows[k]!.values[5]).toBeCloseTo((bar.high - bar.low) / bar.close, 12);
    }
  });
});

describe('the committed XGBoost versions', () => {
  it('follow the example schedule: one per 250 rows from row 1,000, each on the last 1,000 rows, hashed as hashTrainingData does', () => {
    const manifest = readXgboostManifest();
    expect(manifest.versions).toHaveLength(17);
    manifest.versions.forEach((v, k) => {
      const end = MIN_TRAINING_ROWS - 1 + k * RETRAIN_EVERY_BARS;
      const window = rows.slice(end + 1 - ROLLING_BARS, end + 1);
      expect(v.version).toBe(`v${String(k + 1).padStart(4, '0')}`);
      expect(v.trainingWindow).toEqual({ start: window[0]!.ts, end: rows[end]!.ts, rows: ROLLING_BARS });
      // Python's hashlib over the rows it trained on equals the TypeScript hash of the same rows.
      expect(v.dataHash).toBe(hashTrainingData(names, window));
      expect(v.samples).toBe(ROLLING_BARS - 1);
    });
  });

  it('predict what xgboost predicted for the first rows each version serves (1e-6)', async () => {
    const wf = await walkForwardModel({ rows, names, retrain: RETRAIN, window: WINDOW, minTrainingRows: MIN_TRAINING_ROWS, train: xgboostTrainer() });
    const manifest = readXgboostManifest();
    expect(wf.versions.map((v) => v.version)).toEqual(manifest.versions.map((v) => v.version));
    let checked = 0;
    for (const committed of manifest.versions) {
      expect(committed.checks).toHaveLength(3);
      for (const check of committed.checks) {
        const row = rows.find((r) => r.ts === check.ts)!;
        const serving = wf.versionAt(check.ts)!;
        expect(serving.version).toBe(committed.version);
        const p = serving.model.predictSync(row.values, 1);
        for (let c = 0; c < 3; c++) expect(Math.abs(p[c]! - check.probabilities[c]!)).toBeLessThanOrEqual(1e-6);
        checked++;
      }
    }
    expect(checked).toBe(51);
  });

  it('refuse a retraining whose rows differ from those a version was trained on', async () => {
    // One value of a row inside v0002's window (rows 250..1249) moved by 1e-12.
    const tampered = rows.map((r, k) => (k === 1100 ? { ...r, values: Float64Array.from(r.values, (x, j) => (j === 0 ? x + 1e-12 : x)) } : r));
    await expect(walkForwardModel({ rows: tampered, names, retrain: RETRAIN, window: WINDOW, minTrainingRows: MIN_TRAINING_ROWS, train: xgboostTrainer() })).rejects.toThrow(/refusing v0002: it was trained on 1000 rows/);
    // An anchored window hands v0002 all 1,250 rows instead of the last 1,000.
    await expect(walkForwardModel({ rows, names, retrain: RETRAIN, window: 'anchored', minTrainingRows: MIN_TRAINING_ROWS, train: xgboostTrainer() })).rejects.toThrow(/refusing v0002.*hands 1250 rows/);
    // A retraining at a time no committed version was trained through.
    await expect(walkForwardModel({ rows, names, retrain: { everyBars: 100 }, window: WINDOW, minTrainingRows: MIN_TRAINING_ROWS, train: xgboostTrainer() })).rejects.toThrow(/no committed version was trained through 2004-06-1/);
  });

  it('refuse a manifest made for another schedule or other features', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-ensemble-'));
    try {
      const manifest = JSON.parse(readFileSync(join(MODELS_DIR, 'manifest.json'), 'utf8'));
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, schedule: { ...manifest.schedule, everyBars: 500 } }));
      expect(() => readXgboostManifest(dir)).toThrow(/was made for .*"everyBars":500.* rerun scripts\/train-xgboost.py/);
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, extra: 1 }));
      expect(() => readXgboostManifest(dir)).toThrow(/extra/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('are multi:softprob boosters over the six features', () => {
    const model = loadXgboostVersion('xgb-v0001.json.gz');
    expect(model.objective).toBe('multi:softprob');
    expect(model.numFeature).toBe(6);
    expect(model.outputShape.dims).toEqual([null, 3]);
  });
});
