import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { keepTfjsBackend } from './__fixtures__/tfjs-backend';
import { buildCnnLstm, type CnnLstm } from './build-cnn-lstm';
import { jointLoss } from './loss';

interface Flat {
  shape: number[];
  values: number[];
}
interface Fixture {
  config: Record<string, unknown>;
  classWeights: number[];
  input: Flat;
  labels: number[];
  returns: number[];
  weights: Record<string, Flat>;
  probabilities: Flat;
  nextReturn: Flat;
  loss: number;
  crossEntropy: number;
  meanSquaredError: number;
  gradients: Record<string, Flat>;
}

// PyTorch 1.13 in float64 from float32 weights and inputs (packages/ml/scripts/cnn-lstm-parity.py).
const fixture = JSON.parse(readFileSync(new URL('./__fixtures__/cnn-lstm-parity.json', import.meta.url), 'utf8')) as Fixture;

/** Largest difference relative to the reference's largest magnitude (a float32 network: within 1e-5). */
function maxRelative(actual: ArrayLike<number>, expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
  }
  return diff / scale;
}

/** The model's weights as `layer/weight` → variable. */
function variablesByName(net: CnnLstm): Map<string, tf.LayerVariable> {
  const out = new Map<string, tf.LayerVariable>();
  for (const layer of net.model.layers) for (const w of layer.weights) out.set(`${layer.name}/${w.originalName.split('/').pop()}`, w);
  return out;
}

function loadFixtureWeights(net: CnnLstm): Map<string, tf.LayerVariable> {
  const vars = variablesByName(net);
  expect([...vars.keys()].sort()).toEqual(Object.keys(fixture.weights).sort());
  for (const [name, v] of vars) {
    const w = fixture.weights[name]!;
    expect(v.shape).toEqual(w.shape);
    v.write(tf.tensor(w.values, w.shape, 'float32'));
  }
  return vars;
}

const backends = ['cpu', 'wasm'] as const;
// Other test files in this process may use tfjs: leave its backend as found.
keepTfjsBackend();

describe.each(backends)('the CNN+LSTM on the %s backend equals the same network in PyTorch', (backend) => {
  it('in the forward pass: class probabilities and next return', async () => {
    await tf.setBackend(backend);
    const net = buildCnnLstm(fixture.config);
    loadFixtureWeights(net);
    const x = tf.tensor(fixture.input.values, fixture.input.shape, 'float32');
    const [probs, next] = net.model.predict(x) as tf.Tensor[];
    expect(probs!.shape).toEqual(fixture.probabilities.shape);
    expect(maxRelative(await probs!.data(), fixture.probabilities.values)).toBeLessThan(1e-5);
    expect(maxRelative(await next!.data(), fixture.nextReturn.values)).toBeLessThan(1e-5);
    tf.dispose([x, probs!, next!]);
    net.model.dispose();
  });

  it('in one training step: the joint loss and the gradient of every weight', async () => {
    await tf.setBackend(backend);
    const net = buildCnnLstm(fixture.config);
    const vars = loadFixtureWeights(net);
    const x = tf.tensor(fixture.input.values, fixture.input.shape, 'float32');
    const labels = tf.tensor1d(fixture.labels, 'int32');
    const returns = tf.tensor1d(fixture.returns, 'float32');
    const classWeights = tf.tensor1d(fixture.classWeights, 'float32');
    const c = net.config;
    const names = [...vars.keys()];
    const variables = names.map((n) => vars.get(n)!.read() as tf.Variable);
    let ce = 0;
    let mse = 0;
    const { value, grads } = tf.variableGrads(() => {
      const [logits, predicted] = net.trainingModel.apply(x) as tf.Tensor2D[];
      const l = jointLoss(logits!, predicted!, labels, returns, classWeights, c.classificationWeight, c.regressionWeight);
      ce = l.crossEntropy.dataSync()[0]!;
      mse = l.meanSquaredError.dataSync()[0]!;
      return l.loss;
    }, variables);
    expect(Math.abs((await value.data())[0]! - fixture.loss) / fixture.loss).toBeLessThan(1e-5);
    expect(Math.abs(ce - fixture.crossEntropy) / fixture.crossEntropy).toBeLessThan(1e-5);
    expect(Math.abs(mse - fixture.meanSquaredError) / fixture.meanSquaredError).toBeLessThan(1e-5);
    const maxAbs = (v: ArrayLike<number>) => Math.max(...Array.from(v, Math.abs));
    for (const [i, n] of names.entries()) {
      const actual = grads[variables[i]!.name]!.dataSync();
      if (n.endsWith('/key_bias')) {
        // A key bias adds the same q·b to every score of a row, which softmax ignores: its gradient is 0
        // (PyTorch: rounding noise), so it is compared with the scale of the query bias' gradient.
        const scale = maxAbs(fixture.gradients[n.replace('key_bias', 'query_bias')]!.values);
        expect(maxAbs(fixture.gradients[n]!.values), n).toBeLessThan(1e-12 * scale);
        expect(maxAbs(actual), n).toBeLessThan(1e-5 * scale);
        continue;
      }
      // Every other gradient is non-trivial, so that a weight left out of the graph would show.
      expect(maxAbs(fixture.gradients[n]!.values), n).toBeGreaterThan(1e-6);
      expect(maxRelative(actual, fixture.gradients[n]!.values), n).toBeLessThan(1e-5);
    }
    tf.dispose([x, labels, returns, classWeights, value, ...Object.values(grads)]);
    net.model.dispose();
  });
});
