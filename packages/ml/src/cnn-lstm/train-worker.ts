/**
 * The entry of a gradient worker thread of data-parallel training: it builds a replica of the model
 * from the trainer's configuration on the trainer's backend, and for each step message assigns the
 * current weights from shared memory, computes the gradient of its shard of the batch into its shared
 * gradient buffer and answers the shard's loss sums. Built as `dist/cnn-lstm-train-worker.js` beside the
 * package's `tfjs` entry; from source it runs through tsx.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { buildCnnLstm } from './build-cnn-lstm';
import { SeededDropout } from './layers';
import { gatherBatch, shardGradients, writeWeights } from './shard-gradients';
import type { TrainWorkerInit, TrainWorkerReply, TrainWorkerStep } from './train-worker-protocol';

/** The packages that register the backends a worker may be asked for (cpu is tfjs' own). */
const BACKEND_PACKAGES: Readonly<Record<string, string>> = { wasm: '@tensorflow/tfjs-backend-wasm', tensorflow: '@tensorflow/tfjs-node' };

const port = parentPort!;
const post = (reply: TrainWorkerReply) => port.postMessage(reply);
const failure = (error: unknown): TrainWorkerReply => {
  const e = error instanceof Error ? error : new Error(String(error));
  return { type: 'error', message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
};

async function start(init: TrainWorkerInit): Promise<void> {
  const pkg = BACKEND_PACKAGES[init.backend];
  if (pkg) await import(pkg);
  if (!tf.findBackendFactory(init.backend) || !(await tf.setBackend(init.backend))) throw new Error(`the ${init.backend} backend could not be started in a worker thread`);
  await tf.ready();
  // The cpu backend greets its first use in Node with a banner that the trainer's thread has shown already.
  const cpu = tf.backend() as unknown as { firstUse?: boolean };
  if (init.backend === 'cpu' && cpu.firstUse === true) cpu.firstUse = false;
  const net = buildCnnLstm(init.config);
  const variables = net.trainingModel.trainableWeights.map((w) => w.read() as tf.Variable);
  const shapes = variables.map((v) => v.shape);
  if (JSON.stringify(shapes) !== JSON.stringify(init.shapes)) throw new Error(`the replica's weights ${JSON.stringify(shapes)} differ from the trainer's ${JSON.stringify(init.shapes)}`);
  const dropouts = net.model.layers.filter((l): l is SeededDropout => l instanceof SeededDropout);
  dropouts.forEach((layer, i) => {
    layer.reseed(init.dropoutSeeds[i]!);
    layer.training = true;
  });
  const classWeights = tf.tensor1d([...init.classWeights]);
  const { steps, features } = init.config;
  port.on('message', (step: TrainWorkerStep) => {
    try {
      writeWeights(variables, init.weights);
      for (const layer of dropouts) layer.seek(step.calls, step.offset);
      const batch = gatherBatch(init, step.rows, steps, features);
      try {
        const sums = shardGradients(net, variables, batch, classWeights, { weightSum: step.weightSum, count: step.count }, init.gradients);
        post({ type: 'done', ...sums });
      } finally {
        tf.dispose([batch.x, batch.labels, batch.returns]);
      }
    } catch (error) {
      post(failure(error));
    }
  });
  post({ type: 'ready' });
}

start(workerData as TrainWorkerInit).catch((error: unknown) => post(failure(error)));
