/**
 * The CNN+LSTM's trainer for `walkForwardModel`: from the rows handed to it (the rows up to the
 * retraining time, nothing later), windows of `steps` days labelled with the next day's class and
 * return, a `StandardScaler` fitted on those rows, a small CNN+LSTM trained on the older 85% of the
 * windows and validated on the newest 15%, and a `CnnLstmModel` that scales raw windows inside.
 *
 * Everything is seeded (weights, sample order, dropout), so the same rows give the same model on every
 * run, on the same TensorFlow.js backend.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { z } from 'zod';
import { parseWith, type FeatureRow } from '@rxtrade/core';
import { StandardScaler, type JsonValue, type TrainedModel, type Trainer } from '@rxtrade/ml';
import { buildCnnLstm, CnnLstmModel, trainCnnLstm, type CnnLstmConfigInput, type CnnLstmDataset } from '@rxtrade/ml/tfjs';
import { classOf, nextReturnOf } from './features';

/** Options of {@link cnnLstmTrainer}. */
export interface CnnLstmTrainerOptions {
  /** Days per input window (default 20). */
  readonly steps?: number;
  /** Training epochs (default 4; the best epoch on the validation windows is kept). */
  readonly epochs?: number;
  /** Seed of the weights, the sample order and dropout (default 7). */
  readonly seed?: number;
  /** TensorFlow.js backend to train and predict on (default `'wasm'`). */
  readonly backend?: 'wasm' | 'cpu';
  /** The network's shape, beyond `steps`, `features` and `seed` (default: a small network, below). */
  readonly network?: Omit<CnnLstmConfigInput, 'steps' | 'features' | 'seed'>;
}

/** Schema of {@link CnnLstmTrainerOptions}: strict, so a misspelled option is an error naming it. */
export const CnnLstmTrainerOptionsSchema = z.strictObject({
  steps: z.number().int().min(2).optional(),
  epochs: z.number().int().positive().optional(),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  backend: z.enum(['wasm', 'cpu']).optional(),
  // buildCnnLstm checks the network's fields itself.
  network: z.record(z.string(), z.unknown()).optional(),
});

/** A network small enough to retrain 17 times in about a minute on two cores. */
export const SMALL_NETWORK = { kernelSizes: [3, 5], filters: 4, attentionHeads: 2, lstmUnits: [8], headUnits: 8, dropout: 0.1 } as const;

/**
 * Runs `fn` on TensorFlow.js backend `backend` and switches back to the backend it found, so that a
 * caller (a test file sharing the process) is left as it was.
 *
 * @example
 * ```ts
 * const result = await onBackend('wasm', () => trainCnnLstm(net, data));
 * ```
 */
export async function onBackend<T>(backend: 'wasm' | 'cpu', fn: () => Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  if (previous !== backend && !(await tf.setBackend(backend))) throw new Error(`TensorFlow.js backend ${backend} could not be initialised`);
  try {
    return await fn();
  } finally {
    if (previous !== undefined && previous !== backend) await tf.setBackend(previous);
  }
}

/** Windows of raw features with the class and return of the day after each. */
export interface LabelledWindows {
  readonly x: Float64Array;
  readonly labels: Int32Array;
  readonly returns: Float64Array;
}

/**
 * The windows of `rows` whose label is known inside `rows`: for each row t from `steps - 1` to the
 * second last, the raw features of rows t - steps + 1 .. t, the class and the return of row t + 1.
 *
 * @example
 * ```ts
 * const { x, labels, returns } = labelledWindows(rows, 20); // rows.length - 20 windows
 * ```
 */
export function labelledWindows(rows: readonly FeatureRow[], steps: number): LabelledWindows {
  const width = rows[0]?.values.length ?? 0;
  const n = Math.max(0, rows.length - steps);
  const x = new Float64Array(n * steps * width);
  const labels = new Int32Array(n);
  const returns = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = steps - 1 + i;
    for (let s = 0; s < steps; s++) x.set(rows[t - steps + 1 + s]!.values, (i * steps + s) * width);
    const next = nextReturnOf(rows, t)!;
    returns[i] = next;
    labels[i] = classOf(next);
  }
  return { x, labels, returns };
}

function slice(data: LabelledWindows, from: number, to: number, sample: number, scaler: StandardScaler): CnnLstmDataset {
  const x = new Float32Array((to - from) * sample);
  scaler.transformInto(data.x.subarray(from * sample, to * sample), x);
  return { x, labels: data.labels.slice(from, to), returns: data.returns.slice(from, to) };
}

/**
 * A `walkForwardModel` trainer of the CNN+LSTM.
 *
 * @example
 * ```ts
 * const wf = await walkForwardModel({ rows, names: FEATURE_NAMES, retrain: RETRAIN, window: WINDOW, minTrainingRows: 1000, train: cnnLstmTrainer() });
 * ```
 */
export function cnnLstmTrainer(options: CnnLstmTrainerOptions = {}): Trainer<FeatureRow, CnnLstmModel> {
  parseWith(CnnLstmTrainerOptionsSchema, options, 'cnnLstmTrainer');
  const steps = options.steps ?? 20;
  const epochs = options.epochs ?? 4;
  const seed = options.seed ?? 7;
  const backend = options.backend ?? 'wasm';
  const network = options.network ?? SMALL_NETWORK;
  return ({ rows, names }) =>
    onBackend(backend, async (): Promise<TrainedModel<CnnLstmModel>> => {
      const width = names.length;
      // Fitted on every row handed over: all of them were known at the retraining time.
      const scaler = StandardScaler.fit(rows.map((r) => Array.from(r.values)));
      const all = labelledWindows(rows, steps);
      const n = all.labels.length;
      const split = Math.floor(n * 0.85);
      const sample = steps * width;
      const train = slice(all, 0, split, sample, scaler);
      const validation = slice(all, split, n, sample, scaler);
      const net = buildCnnLstm({ steps, features: width, seed, ...network });
      const result = await trainCnnLstm(net, train, {
        epochs,
        batchSize: 64,
        learningRate: 0.003,
        classWeights: 'balanced',
        validation,
        earlyStopping: { patience: 1 },
        progress: false,
      });
      const best = result.history[result.bestEpoch - 1]!;
      const model = await CnnLstmModel.fromCnnLstm(net, { scaler, featureNames: [...names], backend });
      return {
        model,
        metrics: { samples: n, bestEpoch: result.bestEpoch, validationAccuracy: best.validation!.accuracy, validationLoss: best.validation!.loss },
        scalers: JSON.parse(JSON.stringify(scaler)) as JsonValue,
      };
    });
}
