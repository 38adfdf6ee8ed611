import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { keepTfjsBackend } from './__fixtures__/tfjs-backend';
import { FusedAdam } from './fused-adam';
import { SeededRandom } from './random';

keepTfjsBackend();

/** Gradients of every size and sign, some zero, some tiny, some large, drawn from `seed`. */
function gradients(rng: SeededRandom, shapes: number[][]): Float32Array[] {
  return shapes.map((shape) => {
    const g = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < g.length; i++) {
      const u = rng.next();
      g[i] = u < 0.05 ? 0 : (2 * rng.next() - 1) * 10 ** (Math.floor(u * 10) - 6);
    }
    return g;
  });
}

describe('FusedAdam', () => {
  for (const [backend, implementation] of [['cpu', 'auto'], ['wasm', 'auto'], ['wasm', 'js']] as const) {
    it(`updates the weights exactly as tf.train.adam on the ${backend} backend, step after step (${implementation === 'js' ? 'the JavaScript loop' : 'WebAssembly SIMD'})`, async () => {
      await tf.setBackend(backend);
      const shapes = [[7, 5], [5], [3, 4, 2], [1]];
      const rng = new SeededRandom(3);
      const start = gradients(rng, shapes);
      const ours = start.map((w, i) => tf.variable(tf.tensor(w, shapes[i]), true, `fused_adam_test_${backend}_${implementation}_a${i}`));
      const theirs = start.map((w, i) => tf.variable(tf.tensor(w, shapes[i]), true, `fused_adam_test_${backend}_${implementation}_b${i}`));
      const adam = new FusedAdam(ours, { learningRate: 0.003, implementation });
      const reference = tf.train.adam(0.003);
      for (let step = 0; step < 25; step++) {
        const g = gradients(rng, shapes).map((v, i) => tf.tensor(v, shapes[i]));
        // Half the steps as one flat array, as the trainer on several threads passes them.
        if (step % 2) adam.applyGradients(g);
        else adam.applyGradients(Float32Array.from(g.flatMap((t) => Array.from(t.dataSync()))));
        reference.applyGradients(theirs.map((v, i) => ({ name: v.name, tensor: g[i]! })));
        tf.dispose(g);
      }
      let moved = 0;
      ours.forEach((v, i) => {
        const a = v.dataSync();
        const b = theirs[i]!.dataSync();
        expect(Array.from(a)).toEqual(Array.from(b)); // bit for bit
        a.forEach((x, j) => (moved += x === start[i]![j] ? 0 : 1));
      });
      expect(moved).toBeGreaterThan(40);
      reference.dispose();
      tf.dispose([...ours, ...theirs]);
    });
  }

  it('refuses gradients that do not match the variables', async () => {
    await tf.setBackend('cpu');
    const v = tf.variable(tf.zeros([2, 3]), true, 'fused_adam_test_shape');
    const adam = new FusedAdam([v], { learningRate: 0.1 });
    expect(() => adam.applyGradients([tf.zeros([5])])).toThrow(/gradient of fused_adam_test_shape has 5 values; the variable has 6/);
    expect(() => adam.applyGradients(new Float32Array(7))).toThrow(/7 gradient values for 6 weights/);
    expect(() => adam.applyGradients([])).toThrow(/0 gradients for 1 variables/);
    v.dispose();
  });
});
