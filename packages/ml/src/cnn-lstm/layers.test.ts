import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { keepTfjsBackend } from './__fixtures__/tfjs-backend';
import { MultiKernelConv1D, registerCnnLstmLayers } from './layers';
import { SeededRandom } from './random';

// Other test files in this process may use tfjs: leave its backend as found.
keepTfjsBackend();

describe.each(['cpu', 'wasm'] as const)('MultiKernelConv1D on the %s backend', (backend) => {
  it("equals tfjs' conv1d with same padding and ReLU, kernel by kernel, in value and in the kernels' gradients", async () => {
    await tf.setBackend(backend);
    registerCnnLstmLayers();
    const kernelSizes = [3, 5, 7, 11];
    const layer = new MultiKernelConv1D({ kernelSizes, filters: 6 });
    const x = tf.randomNormal([5, 30, 4], 0, 1, 'float32', 11) as tf.Tensor3D;
    layer.apply(x); // builds
    layer.initializeWeights(new SeededRandom(2));
    const kernels = layer.weights.filter((_, i) => i % 2 === 0).map((w) => w.read() as tf.Variable);
    const biases = layer.weights.filter((_, i) => i % 2 === 1).map((w) => w.read() as tf.Variable);
    // The reference: conv1d per kernel (cpu backend: conv2d; its gradient is Conv2DBackpropFilter).
    const reference = () => tf.concat(kernels.map((k, n) => tf.relu(tf.add(tf.conv1d(x, k as tf.Tensor3D, 1, 'same'), biases[n]!))), 2);
    const probe = tf.randomNormal([5, 30, 24], 0, 1, 'float32', 12);
    const got = layer.apply(x) as tf.Tensor;
    await tf.setBackend('cpu');
    const want = reference();
    const wantGrads = tf.variableGrads(() => tf.sum(tf.mul(reference(), probe)), kernels).grads;
    await tf.setBackend(backend);
    const gotGrads = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, probe)), kernels).grads;
    const close = (a: tf.Tensor, b: tf.Tensor) => {
      const av = a.dataSync();
      const bv = b.dataSync();
      let scale = 0;
      let diff = 0;
      bv.forEach((v, i) => {
        scale = Math.max(scale, Math.abs(v));
        diff = Math.max(diff, Math.abs(av[i]! - v));
      });
      return diff / scale;
    };
    expect(close(got, want)).toBeLessThan(1e-6);
    for (const k of kernels) expect(close(gotGrads[k.name]!, wantGrads[k.name]!), k.name).toBeLessThan(1e-5);
  });
});
