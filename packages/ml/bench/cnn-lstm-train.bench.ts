/**
 * Training speed of the CNN+LSTM: tfjs (this package, wasm backend by default) on one thread and on
 * `threads` threads (data-parallel, `trainCnnLstm`'s `threads`), against the same network in PyTorch on
 * the CPU (packages/ml/scripts/cnn-lstm-train-speed.py, run as child processes) on its default thread
 * count and on `threads` threads, in one run.
 *
 * The architecture of both: 30 steps x 20 features, parallel convolutions 3/5/7/11 x 32 filters, one
 * bidirectional LSTM of 64 units, attention over the convolutions and over the LSTM, dense 32, two heads,
 * joint loss, Adam, batch 64. Each repetition times 10 batches of each of the four, one after the other
 * (the order reverses every other repetition), so that all see the same machine load; the figures are
 * medians of the repetitions and their ratios. PyTorch warms up with 3 batches before its first
 * repetition; a tfjs repetition trains 13 batches and times the last 10 (its worker threads start afresh
 * in each training call; their start is reported apart). Beside samples per second of wall time, each
 * run reports samples per CPU second (of its process, all threads): on a machine that other work keeps
 * busy, the single-thread ratio by CPU time is the steadier figure.
 *
 *   npx tsx --conditions=@rxtrade/source packages/ml/bench/cnn-lstm-train.bench.ts [reps=7] [backend=wasm] [threads=2]
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { buildCnnLstm, trainCnnLstm } from '../src/tfjs';

const REPS = Number(process.argv[2] ?? 7);
const BACKEND = process.argv[3] ?? 'wasm';
const THREADS = Number(process.argv[4] ?? 2);
const BATCH = 64;
const TIMED = 10;
const WARM = 3;
const here = dirname(fileURLToPath(import.meta.url));
const script = resolve(here, '../scripts/cnn-lstm-train-speed.py');

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Samples per second of wall time and per CPU second. */
interface Rep {
  readonly wall: number;
  readonly cpu: number;
}

/** PyTorch in a child that runs one repetition per line it reads; `threads` 0: its default. */
async function torchChild(threads: number) {
  const child = spawn('/usr/bin/python3', [script, String(REPS), String(TIMED), String(threads), '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextJson = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('the PyTorch child ended early');
    return JSON.parse(value as string) as { samplesPerSecond?: number; samplesPerCpuSecond?: number; threads: number };
  };
  const ready = await nextJson();
  return {
    threads: ready.threads,
    rep: async (): Promise<Rep> => {
      child.stdin!.write('go\n');
      const r = await nextJson();
      return { wall: r.samplesPerSecond!, cpu: r.samplesPerCpuSecond! };
    },
    end: () => child.stdin!.end(),
  };
}

const torchDefault = await torchChild(0);
const torchN = await torchChild(THREADS);

await tf.setBackend(BACKEND);
await tf.ready();
const net = buildCnnLstm({ steps: 30, features: 20, kernelSizes: [3, 5, 7, 11], filters: 32, attentionHeads: 4, lstmUnits: [64], dropout: 0.1, headUnits: 32, seed: 1 });
const n = BATCH * (WARM + TIMED);
const x = new Float32Array(n * 30 * 20).map((_, i) => Math.sin(i * 0.37) + Math.cos(i * 0.011));
const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
const returns = Float32Array.from({ length: n }, (_, i) => 0.01 * Math.sin(i));
const starts: number[] = [];
const tfjsRep = async (threads: number): Promise<Rep> => {
  const called = performance.now();
  const ends: number[] = [];
  const cpus: number[] = [];
  const onBatchEnd = () => {
    ends.push(performance.now());
    const c = process.cpuUsage();
    cpus.push((c.user + c.system) / 1e6);
  };
  await trainCnnLstm(net, { x, labels, returns }, { epochs: 1, batchSize: BATCH, shuffle: false, progress: false, threads, onBatchEnd });
  if (threads > 1) starts.push((ends[0]! - called) / 1000);
  return { wall: (TIMED * BATCH) / ((ends.at(-1)! - ends[WARM - 1]!) / 1000), cpu: (TIMED * BATCH) / (cpus.at(-1)! - cpus[WARM - 1]!) };
};

const runs = {
  tfjs1: { rep: () => tfjsRep(1), values: [] as Rep[] },
  tfjsN: { rep: () => tfjsRep(THREADS), values: [] as Rep[] },
  torchDefault: { rep: torchDefault.rep, values: [] as Rep[] },
  torchN: { rep: torchN.rep, values: [] as Rep[] },
};
await tfjsRep(1); // warm-up: XNNPACK operators, V8 optimisation
const load: number[] = [];
for (let r = 0; r < REPS; r++) {
  const order = Object.values(runs);
  for (const run of r % 2 === 0 ? order : order.reverse()) run.values.push(await run.rep());
  load.push(loadavg()[0]!);
  const last = (run: { values: Rep[] }) => `${run.values.at(-1)!.wall.toFixed(1)} (${run.values.at(-1)!.cpu.toFixed(1)} per CPU s)`;
  console.log(
    `rep ${r + 1}: tfjs ${last(runs.tfjs1)} 1 thread, ${last(runs.tfjsN)} ${THREADS} threads; ` +
      `PyTorch ${last(runs.torchDefault)} default (${torchDefault.threads}), ${last(runs.torchN)} ${torchN.threads} threads; samples/s; load ${load.at(-1)!.toFixed(2)}`,
  );
}
torchDefault.end();
torchN.end();
const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v.values.map((r) => r.wall))])) as Record<keyof typeof runs, number>;
const c = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v.values.map((r) => r.cpu))])) as Record<keyof typeof runs, number>;
const plural = (t: number) => `${t} thread${t === 1 ? '' : 's'}`;
const figures = (k: keyof typeof runs) => `${m[k].toFixed(1)} samples/s, ${c[k].toFixed(1)} per CPU second`;
console.log(`\nmedians of ${REPS} repetitions of ${TIMED} batches of ${BATCH}, tfjs ${tf.getBackend()} backend, 1-minute load average ${median(load).toFixed(2)} (median):`);
console.log(`tfjs, 1 thread: ${figures('tfjs1')}`);
console.log(`tfjs, ${plural(THREADS)}: ${figures('tfjsN')} (worker start ${median(starts).toFixed(2)} s before the first batch, median)`);
console.log(`PyTorch CPU, default (${plural(torchDefault.threads)}): ${figures('torchDefault')}`);
console.log(`PyTorch CPU, ${plural(torchN.threads)}: ${figures('torchN')}`);
console.log(`ratio tfjs 1 thread / PyTorch default: ${(m.tfjs1 / m.torchDefault).toFixed(2)} (per CPU second ${(c.tfjs1 / c.torchDefault).toFixed(2)})`);
console.log(`ratio tfjs ${plural(THREADS)} / PyTorch default: ${(m.tfjsN / m.torchDefault).toFixed(2)}`);
console.log(`ratio tfjs ${plural(THREADS)} / PyTorch ${plural(torchN.threads)}: ${(m.tfjsN / m.torchN).toFixed(2)}`);
console.log(`tfjs ${plural(THREADS)} / tfjs 1 thread: ${(m.tfjsN / m.tfjs1).toFixed(2)}`);
