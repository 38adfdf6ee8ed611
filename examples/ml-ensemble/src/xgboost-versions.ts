/**
 * The committed XGBoost versions. There is no XGBoost trainer in TypeScript, so
 * `scripts/train-xgboost.py` trains one booster per walk-forward window with xgboost itself and writes
 * `models/xgb-<version>.json.gz` and `models/manifest.json` (each version's training window, the hash of
 * its training rows, and xgboost's predictions for the first rows it serves).
 *
 * In the backtest, {@link xgboostTrainer} stands in for the trainer handed to `walkForwardModel`: for each
 * retraining it hashes the rows it is given, finds the committed version trained through the same
 * row, and loads it only when the window and the hash match. Since `walkForwardModel` hands a trainer
 * the rows up to the retraining time and nothing else, a match proves that the committed version was
 * trained on exactly those rows: any other rows (a later row, a changed value, another schedule) are
 * refused with an error.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { parseWith, type FeatureRow } from '@rxtrade/core';
import { hashTrainingData, XgboostModel, type Trainer } from '@rxtrade/ml';
import { MODELS_DIR } from './export-features';
import { FEATURE_NAMES, FLAT_BAND } from './features';
import { MIN_TRAINING_ROWS, RETRAIN_EVERY_BARS, ROLLING_BARS } from './schedule';

const WindowSchema = z.strictObject({ start: z.number().int(), end: z.number().int(), rows: z.number().int().positive() });

/** Schema of `models/manifest.json`. */
export const XgboostManifestSchema = z.strictObject({
  provenance: z.string(),
  features: z.array(z.string()),
  schedule: z.strictObject({ minTrainingRows: z.number().int(), everyBars: z.number().int(), rollingBars: z.number().int() }),
  label: z.strictObject({ flatBand: z.number(), classes: z.tuple([z.literal('down'), z.literal('flat'), z.literal('up')]) }),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  versions: z.array(
    z.strictObject({
      version: z.string().regex(/^v\d{4}$/),
      file: z.string().regex(/^xgb-v\d{4}\.json\.gz$/),
      trainingWindow: WindowSchema,
      dataHash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
      samples: z.number().int().positive(),
      classCounts: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
      checks: z.array(z.strictObject({ ts: z.number().int(), probabilities: z.tuple([z.number(), z.number(), z.number()]) })),
    }),
  ),
});

/** The parsed manifest. */
export type XgboostManifest = z.infer<typeof XgboostManifestSchema>;

const iso = (ts: number): string => new Date(ts).toISOString().slice(0, 10);

/**
 * Reads and checks `models/manifest.json`: its features, label and schedule must be the example's
 * (else the committed versions answer another question than the one the backtest asks).
 *
 * @example
 * ```ts
 * readXgboostManifest().versions.length; // 17
 * ```
 */
export function readXgboostManifest(dir: string = MODELS_DIR): XgboostManifest {
  const manifest = parseWith(XgboostManifestSchema, JSON.parse(readFileSync(resolve(dir, 'manifest.json'), 'utf8')), 'manifest');
  const expected = { features: [...FEATURE_NAMES], flatBand: FLAT_BAND, schedule: { minTrainingRows: MIN_TRAINING_ROWS, everyBars: RETRAIN_EVERY_BARS, rollingBars: ROLLING_BARS } };
  const found = { features: manifest.features, flatBand: manifest.label.flatBand, schedule: manifest.schedule };
  if (JSON.stringify(found) !== JSON.stringify(expected))
    throw new Error(`models/manifest.json was made for ${JSON.stringify(found)}, the example uses ${JSON.stringify(expected)}: rerun scripts/train-xgboost.py after export-features`);
  return manifest;
}

/**
 * Loads one committed booster.
 *
 * @example
 * ```ts
 * const model = loadXgboostVersion('xgb-v0001.json.gz');
 * ```
 */
export function loadXgboostVersion(file: string, dir: string = MODELS_DIR): XgboostModel {
  return XgboostModel.fromJson(gunzipSync(readFileSync(resolve(dir, file))));
}

/**
 * The "trainer" of the XGBoost side for `walkForwardModel`: it loads the committed version trained on
 * exactly the rows it is handed, and refuses (throws) when there is none.
 *
 * @example
 * ```ts
 * const wf = await walkForwardModel({ rows, names: FEATURE_NAMES, retrain: RETRAIN, window: WINDOW, minTrainingRows: 1000, train: xgboostTrainer() });
 * ```
 */
export function xgboostTrainer(manifest: XgboostManifest = readXgboostManifest(), dir: string = MODELS_DIR): Trainer<FeatureRow, XgboostModel> {
  return ({ rows, names, trainedThrough }) => {
    const committed = manifest.versions.find((v) => v.trainingWindow.end === trainedThrough);
    if (committed === undefined) throw new Error(`xgboost: no committed version was trained through ${iso(trainedThrough)} (rerun scripts/train-xgboost.py for this data and schedule)`);
    const hash = hashTrainingData(names, rows);
    const w = committed.trainingWindow;
    if (rows[0]!.ts !== w.start || rows.length !== w.rows || hash !== committed.dataHash)
      throw new Error(
        `xgboost: refusing ${committed.version}: it was trained on ${w.rows} rows ${iso(w.start)}..${iso(w.end)} hashing to ${committed.dataHash}, ` +
          `but this retraining hands ${rows.length} rows ${iso(rows[0]!.ts)}..${iso(trainedThrough)} hashing to ${hash}`,
      );
    return {
      model: loadXgboostVersion(committed.file, dir),
      metrics: { samples: committed.samples },
      extra: { file: committed.file },
    };
  };
}
