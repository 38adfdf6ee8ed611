import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { keepTfjsBackend } from './__fixtures__/tfjs-backend';
import { attentionKernels, wasmAttentionKernels } from './attention-kernels';
import { multiHeadAttention } from './attention-op';

keepTfjsBackend();

/** The attention op by op in tfjs: heads split by reshape and transpose, batched products, softmax. */
function reference(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, heads: number): tf.Tensor3D {
  const [batch, steps, width] = q.shape;
  const dk = width / heads;
  const split = (t: tf.Tensor3D) => tf.reshape(tf.transpose(tf.reshape(t, [batch, steps, heads, dk]), [0, 2, 1, 3]), [batch * heads, steps, dk]) as tf.Tensor3D;
  const scores = tf.matMul(tf.mul(split(q), 1 / Math.sqrt(dk)) as tf.Tensor3D, split(k), false, true);
  const attended = tf.matMul(tf.softmax(scores), split(v));
  return tf.reshape(tf.transpose(tf.reshape(attended, [batch, heads, steps, dk]), [0, 2, 1, 3]), [batch, steps, width]);
}

function maxRelative(actual: tf.Tensor, expected: tf.Tensor): number {
  const a = actual.dataSync();
  const e = expected.dataSync();
  expect(a.length).toBe(e.length);
  let scale = 0;
  let diff = 0;
  e.forEach((v, i) => {
    scale = Math.max(scale, Math.abs(v));
    diff = Math.max(diff, Math.abs(a[i]! - v));
  });
  return diff / scale;
}

describe('multiHeadAttention', () => {
  it('compiles its WebAssembly SIMD kernels here, and takes them for head widths that are multiples of 4', () => {
    expect(wasmAttentionKernels()?.kind).toBe('wasm-simd');
    expect(attentionKernels(32).kind).toBe('wasm-simd');
    expect(attentionKernels(6).kind).toBe('js');
  });

  // Head widths 20 (wasm: 16 + 4 floats per row step), 32 (wasm: two steps of 16) and 6 (JavaScript).
  describe.each([
    { backend: 'cpu', batch: 3, steps: 7, heads: 2, dk: 20 },
    { backend: 'wasm', batch: 2, steps: 30, heads: 4, dk: 32 },
    { backend: 'cpu', batch: 2, steps: 5, heads: 3, dk: 6 },
  ])('on the $backend backend, $heads heads of width $dk', ({ backend, batch, steps, heads, dk }) => {
    it("equals tfjs' composition of the same attention in value and in the gradients of queries, keys and values", async () => {
      await tf.setBackend(backend);
      const shape: [number, number, number] = [batch, steps, heads * dk];
      const [q, k, v] = [1, 2, 3].map((seed) => tf.randomNormal(shape, 0, 1, 'float32', seed) as tf.Tensor3D) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const probe = tf.randomNormal(shape, 0, 1, 'float32', 4);
      const loss = (f: typeof reference) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D, heads), probe));
      expect(maxRelative(multiHeadAttention(q, k, v, heads), reference(q, k, v, heads))).toBeLessThan(1e-6);
      const got = tf.grads(loss(multiHeadAttention))([q, k, v]);
      const want = tf.grads(loss(reference))([q, k, v]);
      got.forEach((g, i) => expect(maxRelative(g, want[i]!), ['dQ', 'dK', 'dV'][i]).toBeLessThan(1e-5));
      // Self-attention: one input in all three places sums the three gradients.
      const self = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(multiHeadAttention(x as tf.Tensor3D, x as tf.Tensor3D, x as tf.Tensor3D, heads), probe)))(q);
      const selfRef = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(reference(x as tf.Tensor3D, x as tf.Tensor3D, x as tf.Tensor3D, heads), probe)))(q);
      expect(maxRelative(self, selfRef)).toBeLessThan(1e-5);
    });
  });

  it('refuses a head count that does not divide the width', () => {
    const x = tf.zeros([1, 4, 6]) as tf.Tensor3D;
    expect(() => multiHeadAttention(x, x, x, 4)).toThrow(/heads \(4\) must divide the width 6/);
  });
});
