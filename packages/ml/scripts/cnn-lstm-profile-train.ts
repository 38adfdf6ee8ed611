/**
 * Trains the CNN+LSTM of the training benchmark (packages/ml/bench/cnn-lstm-train.bench.ts: 30 steps x 20
 * features, kernels 3/5/7/11 x 32 filters, BiLSTM 64, attention, two heads, batch 64) on one thread for
 * `batches` batches and prints the milliseconds per step (the first 3 batches left out), for profiles of
 * one step:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx/esm --conditions=@rxtrade/source \
 *     packages/ml/scripts/cnn-lstm-profile-train.ts [batches=15] [runs=2] [backend=wasm]
 *
 * The last line prints the first weights of the first four variables, to check that a change to the
 * kernels left the training's arithmetic as it was.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { buildCnnLstm, trainCnnLstm } from '../src/tfjs';

const BATCHES = Number(process.argv[2] ?? 15);
const RUNS = Number(process.argv[3] ?? 2);
const BATCH = 64;
const WARM = 3;
await tf.setBackend(process.argv[4] ?? 'wasm');
await tf.ready();
const net = buildCnnLstm({ steps: 30, features: 20, kernelSizes: [3, 5, 7, 11], filters: 32, attentionHeads: 4, lstmUnits: [64], dropout: 0.1, headUnits: 32, seed: 1 });
const n = BATCH * BATCHES;
const x = new Float32Array(n * 30 * 20).map((_, i) => Math.sin(i * 0.37) + Math.cos(i * 0.011));
const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
const returns = Float32Array.from({ length: n }, (_, i) => 0.01 * Math.sin(i));
for (let r = 0; r < RUNS; r++) {
  const ends: number[] = [];
  await trainCnnLstm(net, { x, labels, returns }, { epochs: 1, batchSize: BATCH, shuffle: false, progress: false, onBatchEnd: () => ends.push(performance.now()) });
  const ms = (ends.at(-1)! - ends[WARM - 1]!) / (ends.length - WARM);
  console.log(`${tf.getBackend()}: ${ms.toFixed(1)} ms a step of ${BATCH}, ${((BATCH * 1000) / ms).toFixed(1)} samples/s`);
}
console.log(JSON.stringify(net.trainingModel.trainableWeights.slice(0, 4).map((v) => Array.from(v.read().dataSync().slice(0, 3)))));
