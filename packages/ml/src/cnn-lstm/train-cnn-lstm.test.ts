import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '@rxtrade/core';
import { afterAll, describe, expect, it } from 'vitest';
import { keepTfjsBackend } from './__fixtures__/tfjs-backend';
import { StandardScaler } from '../models/scalers/standard-scaler';
import { buildCnnLstm, type CnnLstm } from './build-cnn-lstm';
import { loadCnnLstm, saveCnnLstm } from './io';
import { SeededRandom } from './random';
import { evaluateCnnLstm, trainCnnLstm, type CnnLstmDataset } from './train-cnn-lstm';

const steps = 8;
const features = 3;
const tiny = { steps, features, kernelSizes: [3, 5], filters: 4, attentionHeads: 2, lstmUnits: [4], headUnits: 4, dropout: 0.2 };

/** Windows whose class is the sign of the first feature's mean (a learnable rule), next return that mean. */
function dataset(n: number, seed: number): CnnLstmDataset {
  const rng = new SeededRandom(seed);
  const x = new Float32Array(n * steps * features);
  const labels = new Int32Array(n);
  const returns = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let mean = 0;
    for (let s = 0; s < steps; s++) {
      for (let f = 0; f < features; f++) x[(i * steps + s) * features + f] = 2 * rng.next() - 1 + (f === 0 ? (i % 3) - 1 : 0);
      mean += x[(i * steps + s) * features]! / steps;
    }
    labels[i] = mean < -0.4 ? 0 : mean > 0.4 ? 2 : 1;
    returns[i] = mean / 10;
  }
  return { x, labels, returns };
}

const weightsOf = (net: CnnLstm) => net.model.getWeights().map((w) => Array.from(w.dataSync()));

keepTfjsBackend('cpu');

describe('trainCnnLstm', () => {
  const train = dataset(96, 1);
  const validation = dataset(48, 2);

  it('gives the same weights and losses for the same seed, and different ones for another seed', async () => {
    const run = async (seed: number) => {
      const net = buildCnnLstm({ ...tiny, seed });
      const result = await trainCnnLstm(net, train, { epochs: 2, batchSize: 32, progress: false });
      return { losses: result.history.map((h) => h.loss), weights: weightsOf(net) };
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(b.losses).toEqual(a.losses);
    expect(b.weights).toEqual(a.weights);
    expect(c.losses).not.toEqual(a.losses);
  });

  it('lowers the loss, reports validation metrics that match the predictions, and calls back per batch', async () => {
    const net = buildCnnLstm({ ...tiny, seed: 3 });
    const batches: number[] = [];
    const result = await trainCnnLstm(net, train, { epochs: 6, batchSize: 32, learningRate: 0.01, validation, progress: false, onBatchEnd: (p) => batches.push(p.batch) });
    expect(batches).toEqual(Array.from({ length: 6 }, () => [1, 2, 3]).flat());
    const first = result.history[0]!;
    const last = result.history.at(-1)!;
    expect(last.loss).toBeLessThan(first.loss);
    // The metrics, recomputed from the model's probabilities and next returns.
    const [probs, next] = net.model.predict(tf.tensor3d(validation.x as Float32Array, [48, steps, features])) as tf.Tensor[];
    const p = probs!.dataSync();
    const r = next!.dataSync();
    const confusion = [0, 1, 2].map(() => [0, 0, 0]);
    let se = 0;
    for (let i = 0; i < 48; i++) {
      const row = [p[3 * i]!, p[3 * i + 1]!, p[3 * i + 2]!];
      confusion[validation.labels[i]!]![row.indexOf(Math.max(...row))]!++;
      se += (r[i]! - validation.returns[i]!) ** 2;
    }
    const v = last.validation!;
    expect(v.confusion).toEqual(confusion);
    expect(v.accuracy).toBeCloseTo((confusion[0]![0]! + confusion[1]![1]! + confusion[2]![2]!) / 48, 12);
    for (let c = 0; c < 3; c++) {
      const predicted = confusion[0]![c]! + confusion[1]![c]! + confusion[2]![c]!;
      const actual = confusion[c]!.reduce((s, x) => s + x, 0);
      expect(v.precision[c]).toBeCloseTo(predicted ? confusion[c]![c]! / predicted : 0, 12);
      expect(v.recall[c]).toBeCloseTo(actual ? confusion[c]![c]! / actual : 0, 12);
    }
    expect(v.meanSquaredError).toBeCloseTo(se / 48, 9);
    expect(evaluateCnnLstm(net, validation)).toEqual(v);
  });

  it('stops early and restores the weights of the best epoch', async () => {
    const net = buildCnnLstm({ ...tiny, seed: 4 });
    // A minDelta no epoch can beat: epoch 1 stays the best, training stops after `patience` more.
    const result = await trainCnnLstm(net, train, { epochs: 10, batchSize: 32, validation, earlyStopping: { patience: 1, minDelta: 1e9 }, progress: false });
    expect(result.history).toHaveLength(3);
    expect(result.stoppedEarly).toBe(true);
    expect(result.bestEpoch).toBe(1);
    const once = buildCnnLstm({ ...tiny, seed: 4 });
    await trainCnnLstm(once, train, { epochs: 1, batchSize: 32, progress: false });
    expect(weightsOf(net)).toEqual(weightsOf(once));
  });

  it("weighs classes as scikit-learn's 'balanced' does", async () => {
    const labels = Int32Array.from({ length: 12 }, (_, i) => (i < 6 ? 0 : i < 10 ? 1 : 2));
    const small = { x: new Float32Array(12 * steps * features), labels, returns: new Float64Array(12) };
    const result = await trainCnnLstm(buildCnnLstm({ ...tiny, seed: 1 }), small, { epochs: 1, classWeights: 'balanced', progress: false });
    expect(result.classWeights).toEqual([12 / (3 * 6), 12 / (3 * 4), 12 / (3 * 2)]);
  });

  it('refuses bad data and unknown options, naming the field', async () => {
    const net = buildCnnLstm({ ...tiny, seed: 1 });
    const labels = Int32Array.from(train.labels);
    labels[5] = 3;
    await expect(trainCnnLstm(net, { ...train, labels })).rejects.toThrow(/data\.labels\[5\]: is 3; must be 0 \(down\), 1 \(flat\) or 2 \(up\)/);
    await expect(trainCnnLstm(net, { ...train, x: train.x.subarray(1) })).rejects.toThrow(/data\.x: has 2303 values; 96 labels need 96 x 8 steps x 3 features = 2304/);
    await expect(trainCnnLstm(net, { ...train, returns: [1, 2] })).rejects.toThrow(/data\.returns: has 2 values/);
    await expect(trainCnnLstm(net, train, { epoch: 3 } as never)).rejects.toThrow(/options\.epoch: unknown option; did you mean "epochs"\?/);
    await expect(trainCnnLstm(net, train, { classWeights: [1, -1, 1] })).rejects.toThrow(ValidationError);
  });
});

describe('buildCnnLstm', () => {
  it('refuses a bad configuration, naming the field', () => {
    expect(() => buildCnnLstm({ steps: 30, features: 20, kernelSizes: [3, 4] })).toThrow(/config\.kernelSizes\[1\]: kernel sizes must be odd/);
    expect(() => buildCnnLstm({ steps: 30, features: 20, filter: 8 })).toThrow(/config\.filter: unknown option; did you mean "filters"\?/);
    expect(() => buildCnnLstm({ steps: 30, features: 20, filters: 5, attentionHeads: 3 })).toThrow(/config\.attentionHeads: must divide the convolution width 20/);
    expect(() => buildCnnLstm({ features: 20 })).toThrow(/config\.steps/);
  });
});

describe('saveCnnLstm and loadCnnLstm', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnn-lstm-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('write model.json, weights.bin and cnn-lstm.json, and load a model that predicts the same', async () => {
    const net = buildCnnLstm({ ...tiny, seed: 9 });
    const data = dataset(10, 3);
    const scaler = StandardScaler.fit({ data: data.x, width: features });
    await saveCnnLstm(net, dir, { featureNames: ['ret', 'vol', 'rsi'], scaler, metadata: { trainedUntil: '2020-01-01' } });
    const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0].paths).toEqual(['./weights.bin']);
    expect(readFileSync(join(dir, 'weights.bin')).byteLength).toBe(4 * net.model.countParams());

    const loaded = await loadCnnLstm(dir);
    expect(loaded.config).toEqual(net.config);
    expect(loaded.featureNames).toEqual(['ret', 'vol', 'rsi']);
    expect(loaded.metadata).toEqual({ trainedUntil: '2020-01-01' });
    expect(loaded.scaler!.toJSON()).toEqual(scaler.toJSON());
    const x = tf.tensor3d(data.x as Float32Array, [10, steps, features]);
    const [a, b] = net.model.predict(x) as tf.Tensor[];
    const [c, d] = loaded.model.predict(x) as tf.Tensor[];
    expect(Array.from(c!.dataSync())).toEqual(Array.from(a!.dataSync()));
    expect(Array.from(d!.dataSync())).toEqual(Array.from(b!.dataSync()));
    // The loaded model trains on: its training view shares its weights.
    const result = await trainCnnLstm(loaded, data, { epochs: 1, progress: false });
    expect(result.history[0]!.loss).toBeGreaterThan(0);
  });

  it('refuses feature names that do not match the window', async () => {
    await expect(saveCnnLstm(buildCnnLstm({ ...tiny }), dir, { featureNames: ['a'] })).rejects.toThrow(/options\.featureNames: has 1 names; the model reads 3 features/);
  });
});
