import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { UnsupportedError, ValidationError } from '@rxtrade/core';
import { TfjsModel } from './tfjs-model';
import { CNN_LSTM_TFJS, maxRelativeError, modelsReference } from './__fixtures__/reference';

const ref = modelsReference();
// Test files share a process: leave TensorFlow.js on the backend it had.
await tf.ready();
const before = tf.getBackend();
afterAll(async () => {
  await tf.setBackend(before);
});
const x32 = Float32Array.from(ref.x);
const dir = dirname(CNN_LSTM_TFJS);
const artifacts = () => ({ modelJson: readFileSync(CNN_LSTM_TFJS), weights: readFileSync(join(dir, 'weights.bin')) });

describe('TfjsModel', () => {
  it('answers what PyTorch answered for the same CNN+LSTM to 1e-5 on the cpu backend, from a path', async () => {
    const model = await TfjsModel.load(CNN_LSTM_TFJS, { backend: 'cpu' });
    expect(model.backend).toBe('cpu');
    // TensorFlow.js numbers the names of the second and later models of a process: conv1d_input_1, ...
    expect(model.inputShape).toMatchObject({ dims: [null, 8, 3], dtype: 'float32' });
    expect(model.inputShape.name).toMatch(/^conv1d_input(_\d+)?$/);
    expect(model.outputShape).toMatchObject({ dims: [null, 2], dtype: 'float32' });
    const y = await model.predict(x32, ref.batch);
    expect(maxRelativeError(y, ref.cnnLstm)).toBeLessThan(1e-5);
    // A Float64Array is converted; a subarray view is read at its offset.
    expect(maxRelativeError(await model.predict(Float64Array.from(ref.x), ref.batch), ref.cnnLstm)).toBeLessThan(1e-5);
    expect(maxRelativeError(await model.predict(x32.subarray(24, 48), 1), ref.cnnLstm.slice(2, 4))).toBeLessThan(1e-5);
    model.dispose();
  });

  it('answers the same on the wasm backend, from bytes, and switches backends between two models', async () => {
    const wasm = await TfjsModel.load(artifacts(), { backend: 'wasm' });
    const cpu = await TfjsModel.load(artifacts(), { backend: 'cpu' });
    expect(wasm.backend).toBe('wasm');
    expect(maxRelativeError(await wasm.predict(x32, ref.batch), ref.cnnLstm)).toBeLessThan(1e-5);
    expect(maxRelativeError(await cpu.predict(x32, ref.batch), ref.cnnLstm)).toBeLessThan(1e-5);
    // Each model runs on its own backend and leaves TensorFlow.js on the one it found.
    await tf.setBackend('cpu');
    expect(maxRelativeError(await wasm.predict(x32, ref.batch), ref.cnnLstm)).toBeLessThan(1e-5);
    expect(tf.getBackend()).toBe('cpu');
    const [a, b] = await Promise.all([wasm.predict(x32, ref.batch), cpu.predict(x32, ref.batch)]);
    expect(maxRelativeError(a, ref.cnnLstm)).toBeLessThan(1e-5);
    expect(maxRelativeError(b, ref.cnnLstm)).toBeLessThan(1e-5);
    expect(tf.getBackend()).toBe('cpu');
    wasm.dispose();
    cpu.dispose();
  });

  it("falls back to cpu under 'auto' without @tensorflow/tfjs-node, and says what to install for 'tensorflow'", async () => {
    const auto = await TfjsModel.load(artifacts());
    expect(auto.backend).toBe('cpu');
    auto.dispose();
    const error = await TfjsModel.load(artifacts(), { backend: 'tensorflow' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toContain('npm install @tensorflow/tfjs-node');
  });

  it('wraps a LayersModel built in the process', async () => {
    const net = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], useBias: false, kernelInitializer: 'ones' })] });
    const model = await TfjsModel.fromLayersModel(net, { backend: 'cpu' });
    expect(model.inputShape.dims).toEqual([null, 2]);
    expect(Array.from(await model.predict(Float32Array.of(1, 2, 3, 4), 2))).toEqual([3, 7]);
    model.dispose();
  });

  it('refuses a wrong input, bad options, weights that do not match the manifest and a graph model, naming the field', async () => {
    const model = await TfjsModel.load(artifacts(), { backend: 'cpu' });
    await expect(model.predict(new Float32Array(25), 1)).rejects.toThrow(/^predict\.input: expected 1 x \[8, 3\] = 24 values for input "conv1d_input(_\d+)?" \[\?, 8, 3\] float32, got 25$/);
    model.dispose();
    await expect(model.predict(new Float32Array(24), 1)).rejects.toThrow('TfjsModel: was disposed');
    await expect(TfjsModel.load(artifacts(), { backend: 'gpu' } as never)).rejects.toThrow(ValidationError);
    await expect(TfjsModel.load(artifacts(), { bakend: 'cpu' } as never)).rejects.toThrow('TfjsModel.bakend: unknown option; did you mean "backend"?');
    await expect(TfjsModel.load({ ...artifacts(), weights: new Uint8Array(10) })).rejects.toThrow('TfjsModel.source.weights: hold 10 bytes; the weightsManifest describes 1272 (7 weights)');
    await expect(TfjsModel.load({ modelJson: '{"format":"graph-model","modelTopology":{},"weightsManifest":[]}', weights: new Uint8Array(0) })).rejects.toThrow(
      'TfjsModel.source.modelJson.format: is graph-model',
    );
    await expect(TfjsModel.load({ modelJson: 'nope', weights: new Uint8Array(0) })).rejects.toThrow('TfjsModel.source.modelJson: is not a JSON object');
    await expect(TfjsModel.load(join(dir, 'missing.json'))).rejects.toThrow(/^TfjsModel\.source: cannot read .*missing\.json/);
    await expect(TfjsModel.load(CNN_LSTM_TFJS, { output: 'probabilities' })).rejects.toThrow('TfjsModel.output: the model has no output "probabilities"');
  });
});
