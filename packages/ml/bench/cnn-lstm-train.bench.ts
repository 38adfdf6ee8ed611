/**
 * Training speed of the CNN+LSTM: tfjs (this package, wasm backend by default) against the same network
 * in PyTorch on the CPU (packages/ml/scripts/cnn-lstm-train-speed.py, run as a child process), in one run.
 *
 * The architecture of both: 30 steps x 20 features, parallel convolutions 3/5/7/11 x 32 filters, one
 * bidirectional LSTM of 64 units, attention over the convolutions and over the LSTM, dense 32, two heads,
 * joint loss, Adam, batch 64. Each repetition trains 10 batches on each side, one after the other (the
 * order alternates), so that both see the same machine load; the figures are medians of the repetitions
 * and their ratio. PyTorch uses its default thread count unless one is given; tfjs' wasm backend runs on
 * one thread in Node.
 *
 *   npx tsx --conditions=@rxtrade/source packages/ml/bench/cnn-lstm-train.bench.ts [reps=7] [backend=wasm] [torchThreads=default]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { buildCnnLstm, trainCnnLstm } from '../src/tfjs';

const REPS = Number(process.argv[2] ?? 7);
const BACKEND = process.argv[3] ?? 'wasm';
const TORCH_THREADS = process.argv[4] ?? '0';
const BATCH = 64;
const STEPS_PER_REP = 10;
const here = dirname(fileURLToPath(import.meta.url));
const script = resolve(here, '../scripts/cnn-lstm-train-speed.py');

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

// PyTorch in a child that runs one repetition per line it reads.
const child = spawn('/usr/bin/python3', [script, String(REPS), String(STEPS_PER_REP), TORCH_THREADS, '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
const nextJson = async () => {
  const { value, done } = await lines.next();
  if (done) throw new Error('the PyTorch child ended early');
  return JSON.parse(value as string) as { samplesPerSecond?: number; threads: number };
};
const ready = await nextJson();

await tf.setBackend(BACKEND);
await tf.ready();
const net = buildCnnLstm({ steps: 30, features: 20, kernelSizes: [3, 5, 7, 11], filters: 32, attentionHeads: 4, lstmUnits: [64], dropout: 0.1, headUnits: 32, seed: 1 });
const n = BATCH * STEPS_PER_REP;
const x = new Float32Array(n * 30 * 20).map((_, i) => Math.sin(i * 0.37) + Math.cos(i * 0.011));
const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
const returns = Float32Array.from({ length: n }, (_, i) => 0.01 * Math.sin(i));
const tfjsRep = async () => (await trainCnnLstm(net, { x, labels, returns }, { epochs: 1, batchSize: BATCH, progress: false })).history[0]!.samplesPerSecond;
const torchRep = async () => {
  child.stdin!.write('go\n');
  return (await nextJson()).samplesPerSecond!;
};

await tfjsRep(); // warm-up: XNNPACK operators, V8 optimisation
const tfjs: number[] = [];
const torch: number[] = [];
for (let r = 0; r < REPS; r++) {
  if (r % 2 === 0) {
    tfjs.push(await tfjsRep());
    torch.push(await torchRep());
  } else {
    torch.push(await torchRep());
    tfjs.push(await tfjsRep());
  }
  console.log(`rep ${r + 1}: tfjs ${tfjs.at(-1)!.toFixed(1)} samples/s, PyTorch ${torch.at(-1)!.toFixed(1)} samples/s`);
}
child.stdin!.end();
const ratio = median(tfjs) / median(torch);
console.log(`\ntfjs ${tf.getBackend()} backend: median ${median(tfjs).toFixed(1)} samples/s`);
console.log(`PyTorch CPU (${ready.threads} thread${ready.threads === 1 ? '' : 's'}): median ${median(torch).toFixed(1)} samples/s`);
console.log(`ratio tfjs / PyTorch: ${ratio.toFixed(2)} (median of ${REPS} repetitions of ${STEPS_PER_REP} batches of ${BATCH})`);
