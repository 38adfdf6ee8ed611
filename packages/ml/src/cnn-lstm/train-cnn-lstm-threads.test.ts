import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { keepTfjsBackend } from './__fixtures__/tfjs-backend';
import { buildCnnLstm, type CnnLstm } from './build-cnn-lstm';
import { runningTrainWorkers } from './data-parallel';
import { SeededRandom } from './random';
import { trainCnnLstm, type CnnLstmDataset, type TrainCnnLstmOptions } from './train-cnn-lstm';

const steps = 8;
const features = 3;
const tiny = { steps, features, kernelSizes: [3, 5], filters: 4, attentionHeads: 2, lstmUnits: [4], headUnits: 4, dropout: 0.2, seed: 5 };

function dataset(n: number, seed: number): CnnLstmDataset {
  const rng = new SeededRandom(seed);
  const x = new Float64Array(n * steps * features).map(() => 2 * rng.next() - 1);
  const labels = Int32Array.from({ length: n }, () => Math.floor(rng.next() * 3));
  const returns = Float64Array.from({ length: n }, () => 0.02 * (rng.next() - 0.5));
  return { x, labels, returns };
}

const flatWeights = (net: CnnLstm) => net.model.getWeights().flatMap((w) => Array.from(w.dataSync()));

/** Largest difference relative to the largest magnitude of `b`. */
function maxRelative(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let scale = 0;
  let diff = 0;
  b.forEach((v, i) => {
    scale = Math.max(scale, Math.abs(v));
    diff = Math.max(diff, Math.abs(a[i]! - v));
  });
  return diff / scale;
}

keepTfjsBackend('cpu');

describe('trainCnnLstm on several threads', () => {
  // 100 samples in batches of 35: shards of 18 and 17 rows, then 15 and 15 in the last batch.
  const train = dataset(100, 1);
  const options: TrainCnnLstmOptions = { epochs: 2, batchSize: 35, learningRate: 0.01, classWeights: [1, 2.5, 0.5], progress: false };
  const run = async (threads: number) => {
    const net = buildCnnLstm(tiny);
    const result = await trainCnnLstm(net, train, { ...options, threads });
    return { losses: result.history.flatMap((h) => [h.loss, h.crossEntropy, h.meanSquaredError]), weights: flatWeights(net) };
  };

  it('trains as one thread does, to float32 rounding, dropout included; the same seed and threads give identical weights', async () => {
    const one = await run(1);
    const two = await run(2);
    const twoAgain = await run(2);
    expect(twoAgain).toEqual(two);
    expect(maxRelative(two.losses, one.losses)).toBeLessThan(1e-5);
    // Adam divides each step by the root of the gradient's running square: where a gradient is near
    // zero, its rounding moves the step by more than the rounding itself, hence 1e-4 after six steps.
    expect(maxRelative(two.weights, one.weights)).toBeLessThan(1e-4);
    // Training moved the weights: the comparison is not of two untouched models.
    expect(maxRelative(one.weights, flatWeights(buildCnnLstm(tiny)))).toBeGreaterThan(1e-3);
    expect(runningTrainWorkers()).toBe(0);
  }, 30_000);

  it("stops when the signal aborts, rejecting with the signal's reason, and stops its worker threads", async () => {
    const controller = new AbortController();
    const reason = new Error('enough');
    const batches: number[] = [];
    const training = trainCnnLstm(buildCnnLstm(tiny), train, {
      ...options,
      threads: 2,
      signal: controller.signal,
      onBatchEnd: (p) => {
        batches.push(p.batch);
        if (p.batch === 2) controller.abort(reason);
      },
    });
    await expect(training).rejects.toBe(reason);
    expect(batches).toEqual([1, 2]);
    expect(runningTrainWorkers()).toBe(0);
  }, 30_000);

  it('fails with the worker thread\'s error when a worker cannot start, and stops the others', async () => {
    // A backend of this thread that a worker thread does not have: the cpu kernels under another name.
    const name = 'cpu-copy';
    if (!tf.findBackend(name)) {
      tf.registerBackend(name, tf.findBackendFactory('cpu')!);
      for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: name });
    }
    await tf.setBackend(name);
    try {
      await expect(trainCnnLstm(buildCnnLstm(tiny), train, { ...options, threads: 2 })).rejects.toThrow(/training worker thread \d failed: the cpu-copy backend could not be started in a worker thread/);
    } finally {
      await tf.setBackend('cpu');
    }
    expect(runningTrainWorkers()).toBe(0);
  }, 30_000);

  it('refuses a thread count that is not a positive integer, naming the option', async () => {
    await expect(trainCnnLstm(buildCnnLstm(tiny), train, { threads: 0 })).rejects.toThrow(/options\.threads/);
    await expect(trainCnnLstm(buildCnnLstm(tiny), train, { threads: 1.5 })).rejects.toThrow(/options\.threads/);
  });
});
