import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '@rxtrade/core';
import { afterAll, describe, expect, it } from 'vitest';
import { keepTfjsBackend } from './__fixtures__/tfjs-backend';
import { StandardScaler } from '../models/scalers/standard-scaler';
import { buildCnnLstm } from './build-cnn-lstm';
import { CnnLstmModel } from './cnn-lstm-model';
import { saveCnnLstm } from './io';
import { SeededRandom } from './random';

const steps = 8;
const features = 3;
const tiny = { steps, features, kernelSizes: [3, 5], filters: 4, attentionHeads: 2, lstmUnits: [4], headUnits: 4, dropout: 0 };

/** Raw windows on very different scales per feature (so that scaling changes the answer). */
function windows(n: number, seed: number): Float64Array {
  const rng = new SeededRandom(seed);
  const x = new Float64Array(n * steps * features);
  for (let i = 0; i < x.length; i++) x[i] = (i % features === 0 ? 1000 : i % features === 1 ? 0.01 : 1) * (rng.next() - 0.3);
  return x;
}

/** The network's own two outputs, side by side, for windows already scaled. */
function direct(net: ReturnType<typeof buildCnnLstm>, x: Float32Array, batch: number): number[] {
  return tf.tidy(() => {
    const [p, r] = net.model.predict(tf.tensor(x, [batch, steps, features])) as tf.Tensor[];
    return Array.from(tf.concat([p!, r!], 1).dataSync());
  });
}

keepTfjsBackend('cpu');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('CnnLstmModel', () => {
  it('answers the probabilities and the next return of each window, on raw features scaled inside', async () => {
    const net = buildCnnLstm({ ...tiny, seed: 4 });
    const raw = windows(5, 1);
    const scaler = StandardScaler.fit({ data: raw, width: features });
    const model = await CnnLstmModel.fromCnnLstm(net, { scaler, backend: 'cpu', featureNames: ['a', 'b', 'c'] });
    expect(model.inputShape.dims).toEqual([null, steps, features]);
    expect(model.outputShape).toEqual({ name: 'cnn_lstm', dims: [null, 4], dtype: 'float32' });
    const out = await model.predict(raw, 5);
    expect(out).toHaveLength(20);
    const expected = direct(net, Float32Array.from(scaler.transform(raw)), 5);
    expect(Array.from(out)).toEqual(expected);
    // Scaling matters here: the unscaled windows give another answer.
    expect(Array.from(out)).not.toEqual(direct(net, Float32Array.from(raw), 5));
    const third = CnnLstmModel.read(out, 2);
    expect(third.down + third.flat + third.up).toBeCloseTo(1, 6);
    expect([third.down, third.flat, third.up, third.nextReturn]).toEqual(expected.slice(8, 12));
    // One window at a time gives the batch's answers (what the model stage does bar by bar).
    const one = await model.predict(raw.subarray(2 * steps * features, 3 * steps * features), 1);
    expect(Array.from(one)).toEqual(expected.slice(8, 12));
    model.dispose();
  });

  it('answers overlapping predictions each with its own input', async () => {
    const model = await CnnLstmModel.fromCnnLstm(buildCnnLstm({ ...tiny, seed: 5 }), { scaler: StandardScaler.fit({ data: windows(4, 3), width: features }), backend: 'cpu' });
    const a = windows(2, 7);
    const b = windows(2, 8);
    const [ab, bb] = await Promise.all([model.predict(a, 2), model.predict(b, 2)]);
    expect(Array.from(ab!)).toEqual(Array.from(await model.predict(a, 2)));
    expect(Array.from(bb!)).toEqual(Array.from(await model.predict(b, 2)));
    expect(Array.from(ab!)).not.toEqual(Array.from(bb!));
    model.dispose();
  });

  it('loads what saveCnnLstm wrote, with its scaler and feature names, and answers the same', async () => {
    const net = buildCnnLstm({ ...tiny, seed: 6 });
    const raw = windows(3, 2);
    const scaler = StandardScaler.fit({ data: raw, width: features });
    const dir = mkdtempSync(join(tmpdir(), 'rxtrade-cnn-lstm-model-'));
    dirs.push(dir);
    await saveCnnLstm(net, dir, { scaler, featureNames: ['a', 'b', 'c'] });
    const before = await (await CnnLstmModel.fromCnnLstm(net, { scaler, backend: 'cpu' })).predict(raw, 3);
    const loaded = await CnnLstmModel.load(dir, { backend: 'cpu' });
    expect(loaded.featureNames).toEqual(['a', 'b', 'c']);
    expect(loaded.scaler?.toJSON()).toEqual(scaler.toJSON());
    expect(Array.from(await loaded.predict(raw, 3))).toEqual(Array.from(before));
    loaded.dispose();
  });

  it('releases every weight of the network on dispose, and refuses to predict afterwards', async () => {
    const before = tf.memory().numTensors;
    const model = await CnnLstmModel.fromCnnLstm(buildCnnLstm({ ...tiny, seed: 8 }), { backend: 'cpu' });
    await model.predict(windows(2, 1), 2);
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(model.predict(windows(1, 1), 1)).rejects.toThrow(/disposed/);
  });

  it('refuses bad options and inputs, naming the field', async () => {
    const net = buildCnnLstm({ ...tiny, seed: 7 });
    await expect(CnnLstmModel.fromCnnLstm(net, { scaler: StandardScaler.fit({ data: new Float64Array(8), width: 4 }) })).rejects.toThrow(/CnnLstmModel\.scaler.*scales 4 features; the network reads 3/);
    await expect(CnnLstmModel.fromCnnLstm(net, { featureNames: ['a'] })).rejects.toThrow(/CnnLstmModel\.featureNames.*has 1 names/);
    await expect(CnnLstmModel.fromCnnLstm(net, { backend: 'cpu', treads: 2 } as never)).rejects.toThrow(ValidationError);
    const model = await CnnLstmModel.fromCnnLstm(net, { backend: 'cpu' });
    await expect(model.predict(new Float32Array(steps * features - 1), 1)).rejects.toThrow(/predict\.input.*expected 1 x \[8, 3\] = 24 values/);
    expect(() => CnnLstmModel.read(new Float32Array(8), 2)).toThrow(/read\.index.*from 0 to 1, got 2/);
    model.dispose();
  });
});
