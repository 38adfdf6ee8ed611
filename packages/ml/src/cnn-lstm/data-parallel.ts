/**
 * Gradient worker threads for data-parallel training of the CNN+LSTM ({@link trainCnnLstm}'s `threads`).
 *
 * Each worker holds a replica of the model (same configuration, same backend) and, per step, computes
 * the gradient of its contiguous shard of the batch ({@link shardGradients}) while the trainer computes
 * the first shard on its own thread. The trainer sums the gradients in shard order, takes the optimizer
 * step once and writes the new weights to shared memory, from which every replica reads them at its next
 * step. Nothing big is allocated per step: the dataset, the weights and each worker's gradient live in
 * `SharedArrayBuffer`s made at the start; a step message carries the shard's row numbers only.
 *
 * From TypeScript source (vitest, tsx) the threads load `train-worker.ts` through tsx with the
 * `@rxtrade/source` export condition; from the built package they load `dist/cnn-lstm-train-worker.js`
 * (or `.cjs`) beside the `tfjs` entry.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ShardSums } from './shard-gradients';
import type { TrainWorkerInit, TrainWorkerReply, TrainWorkerStep } from './train-worker-protocol';

/** A typed array of `length` values over a new `SharedArrayBuffer`. */
export function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(4 * length));
}

let running = 0;

/** Worker threads of trainings in this process that have started and not yet exited. */
export function runningTrainWorkers(): number {
  return running;
}

interface Pending {
  resolve(reply: TrainWorkerReply): void;
  reject(error: Error): void;
}

/** One worker thread and the reply it owes. */
class GradientWorker {
  private pending: Pending | undefined;
  private failure: Error | undefined;
  private closing = false;

  constructor(
    readonly index: number,
    private readonly worker: Worker,
  ) {
    running++;
    worker.on('message', (reply: TrainWorkerReply) => {
      const p = this.pending;
      this.pending = undefined;
      if (reply.type === 'error') {
        const error = new Error(`training worker thread ${index} failed: ${reply.message}`);
        if (reply.stack) error.stack = `${error.message}\n(in the worker) ${reply.stack}`;
        this.fail(error, p);
      } else p?.resolve(reply);
    });
    worker.on('error', (error) => this.fail(new Error(`training worker thread ${index} failed: ${error.message}`, { cause: error }), this.pending));
    worker.on('exit', (code) => {
      running--;
      if (!this.closing) this.fail(new Error(`training worker thread ${index} exited with code ${code}`), this.pending);
    });
  }

  private fail(error: Error, pending: Pending | undefined): void {
    this.failure ??= error;
    this.pending = undefined;
    pending?.reject(error);
  }

  /** Posts `message` (none for the first reply, `ready`) and waits for the worker's reply. */
  request(message?: TrainWorkerStep): Promise<TrainWorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      if (message) this.worker.postMessage(message);
    });
  }

  async terminate(): Promise<void> {
    this.closing = true;
    this.pending?.reject(new Error(`training worker thread ${this.index} was stopped`));
    this.pending = undefined;
    await this.worker.terminate();
  }
}

/** What {@link GradientWorkers.start} needs besides the worker count. */
export type GradientWorkersInit = Omit<TrainWorkerInit, 'gradients'>;

/** The worker threads of one training run. */
export class GradientWorkers {
  private constructor(
    private readonly workers: readonly GradientWorker[],
    /** Each worker's gradient buffer (shared), in worker order. */
    readonly gradients: readonly Float32Array[],
  ) {}

  /** Starts `count` workers and waits until each has built its replica; on a failure, stops them all. */
  static async start(count: number, init: GradientWorkersInit, signal?: AbortSignal): Promise<GradientWorkers> {
    const gradients = Array.from({ length: count }, () => sharedFloat32(init.weights.length));
    const workers = gradients.map((g, i) => new GradientWorker(i + 1, spawnTrainWorker({ ...init, gradients: g })));
    const pool = new GradientWorkers(workers, gradients);
    try {
      await whileNotAborted(Promise.all(workers.map((w) => w.request())), signal);
      return pool;
    } catch (error) {
      await pool.terminate();
      throw error;
    }
  }

  /**
   * Sends each worker its step (`undefined`: nothing for it this step) and answers a promise of their
   * sums, in worker order (`undefined` where a worker had nothing).
   */
  step(steps: readonly (TrainWorkerStep | undefined)[], signal?: AbortSignal): Promise<(ShardSums | undefined)[]> {
    const replies = this.workers.map(async (w, i) => {
      const step = steps[i];
      if (!step) return undefined;
      const reply = await w.request(step);
      if (reply.type !== 'done') throw new Error(`training worker thread ${w.index} answered ${reply.type} to a step`);
      return { weightedNll: reply.weightedNll, squaredError: reply.squaredError };
    });
    return whileNotAborted(Promise.all(replies), signal);
  }

  /** Stops every worker thread. */
  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts. */
function whileNotAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** The error an aborted training rejects with: the signal's reason when it is an Error. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException(typeof reason === 'string' ? reason : 'training was aborted', 'AbortError');
}

function spawnTrainWorker(init: TrainWorkerInit): Worker {
  const here = currentModuleUrl();
  const fromSource = here.endsWith('.ts');
  const entry = fromSource ? new URL('./train-worker.ts', here) : new URL(`./cnn-lstm-train-worker${here.endsWith('.cjs') ? '.cjs' : '.js'}`, here);
  // A worker's execArgv cannot load tsx with --import: from source, the thread registers tsx itself first.
  const tsxApi = fromSource ? resolveTsxApi(here) : undefined;
  if (fromSource && tsxApi === undefined) throw new Error('training on several threads from TypeScript source needs tsx (the threads load train-worker.ts through it)');
  if (tsxApi === undefined) return new Worker(entry, { workerData: init });
  const execArgv = process.execArgv.includes('--conditions=@rxtrade/source') ? process.execArgv : [...process.execArgv, '--conditions=@rxtrade/source'];
  // Both of tsx's hooks: ES modules, and require() of TypeScript from a CommonJS module.
  const code = `Promise.all([import(${JSON.stringify(tsxApi.esm)}), import(${JSON.stringify(tsxApi.cjs)})]).then(([esm, cjs]) => { esm.register(); cjs.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true, workerData: init, execArgv });
}

/** The ESM and CommonJS APIs of tsx as file URLs, or undefined when tsx cannot be found. */
function resolveTsxApi(here: string): { esm: string; cjs: string } | undefined {
  for (const base of [here, pathToFileURL(`${process.cwd()}/`).href]) {
    try {
      const require = createRequire(base);
      // require.resolve gives the CommonJS file of tsx/esm/api; its ES module sits beside it.
      const esm = pathToFileURL(require.resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
      const cjs = pathToFileURL(require.resolve('tsx/cjs/api')).href;
      return { esm, cjs };
    } catch {
      // try the next base
    }
  }
  return undefined;
}

/** This module's URL in ESM, or its file in a CommonJS build (where `import.meta` is empty). */
function currentModuleUrl(): string {
  return typeof __filename === 'string' ? pathToFileURL(__filename).href : import.meta.url;
}
