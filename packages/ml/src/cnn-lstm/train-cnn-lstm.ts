/**
 * `trainCnnLstm`: trains a {@link CnnLstm} on windows of features with their class (down, flat, up) and
 * next return, on the joint loss ({@link jointLoss}) with Adam.
 *
 * Training is repeatable: the seed fixes the weight initialisation (at build), the order of the samples
 * in each epoch and every dropout mask, and the same seed gives the same weights and losses on every run.
 * Validation metrics (joint loss, accuracy, per-class precision and recall, confusion matrix, MSE) are
 * computed after each epoch on a held-out set, which also drives early stopping.
 *
 * With `threads` above 1 each batch is split into that many contiguous shards: the first is computed on
 * this thread, the others on worker threads that hold replicas of the model ({@link GradientWorkers}),
 * and the shards' gradients are summed in shard order before the one optimizer step.
 */
import * as tf from '@tensorflow/tfjs';
import { parseWith, ValidationError, type ValidationIssue } from '@rxtrade/core';
import { z } from 'zod';
import type { CnnLstm } from './build-cnn-lstm';
import { abortError, GradientWorkers, sharedFloat32 } from './data-parallel';
import { FusedAdam } from './fused-adam';
import { SeededDropout } from './layers';
import { jointLoss } from './loss';
import { SeededRandom } from './random';
import { batchNormalisers, flatSize, gatherBatch, readWeights, shardGradients, type ShardSums } from './shard-gradients';
import type { TrainWorkerStep } from './train-worker-protocol';

/** Training data: `n` windows of `steps × features` values (row-major, sample first) with their targets. */
export interface CnnLstmDataset {
  /** `n · steps · features` values: sample, then step, then feature. */
  readonly x: Float32Array | Float64Array;
  /** `n` classes: 0 down, 1 flat, 2 up. */
  readonly labels: ArrayLike<number>;
  /** `n` next returns (the regression target). */
  readonly returns: ArrayLike<number>;
}

/** Metrics of a model on a dataset ({@link evaluateCnnLstm}). */
export interface CnnLstmMetrics {
  /** The joint loss, with the training's class weights. */
  readonly loss: number;
  readonly crossEntropy: number;
  readonly meanSquaredError: number;
  /** Share of samples whose most probable class is their label. */
  readonly accuracy: number;
  /** Per class (down, flat, up): true positives over predicted positives (0 when none is predicted). */
  readonly precision: readonly [number, number, number];
  /** Per class: true positives over actual positives (0 when the class is absent). */
  readonly recall: readonly [number, number, number];
  /** `confusion[actual][predicted]` counts. */
  readonly confusion: readonly (readonly number[])[];
  readonly samples: number;
}

/** One epoch of training. */
export interface CnnLstmEpochLog {
  /** 1-based. */
  readonly epoch: number;
  /** Mean joint loss of the epoch's batches (weighted by batch size). */
  readonly loss: number;
  readonly crossEntropy: number;
  readonly meanSquaredError: number;
  /** Metrics on the validation set, when there is one. */
  readonly validation?: CnnLstmMetrics;
  /** Training samples per second of wall time in this epoch (validation excluded). */
  readonly samplesPerSecond: number;
}

/** Progress after a batch, for {@link TrainCnnLstmOptions.onBatchEnd}. */
export interface CnnLstmBatchProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  readonly loss: number;
}

/** What {@link trainCnnLstm} answers. */
export interface CnnLstmTrainingResult {
  readonly history: readonly CnnLstmEpochLog[];
  /** The epoch whose weights the model holds at the end (the best one when early stopping restores it). */
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
  /** The class weights used in the cross-entropy. */
  readonly classWeights: readonly [number, number, number];
}

const finite = z.number().finite();
const fn = <T>() => z.custom<T>((v) => typeof v === 'function', { message: 'must be a function' });

/** Schema of {@link TrainCnnLstmOptions}. */
export const TrainCnnLstmOptionsSchema = z.strictObject({
  epochs: z.number().int().positive().default(20),
  batchSize: z.number().int().positive().default(64),
  learningRate: z.number().positive().finite().default(1e-3),
  /** Seed of the sample order and dropout masks; defaults to the model's `config.seed`. */
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  shuffle: z.boolean().default(true),
  /** Weights of down, flat, up in the cross-entropy, or `'balanced'`: `n / (3 · count(class))` (scikit-learn's). */
  classWeights: z.union([z.literal('balanced'), z.tuple([finite.min(0), finite.min(0), finite.min(0)])]).optional(),
  /** A held-out set for the metrics after each epoch and for early stopping. */
  validation: z.custom<CnnLstmDataset>((v) => typeof v === 'object' && v !== null, { message: 'must be a dataset { x, labels, returns }' }).optional(),
  /** Stop when the monitored loss (validation's when there is a validation set) has not improved by `minDelta` for `patience` epochs. */
  earlyStopping: z
    .strictObject({
      patience: z.number().int().min(0).default(5),
      minDelta: z.number().min(0).finite().default(0),
      restoreBestWeights: z.boolean().default(true),
    })
    .optional(),
  /** A progress bar on stderr: `'auto'` draws it only when stderr is a terminal. */
  progress: z.union([z.boolean(), z.literal('auto')]).default('auto'),
  onBatchEnd: fn<(progress: CnnLstmBatchProgress) => void>().optional(),
  onEpochEnd: fn<(log: CnnLstmEpochLog) => void>().optional(),
  /**
   * Threads that compute each batch's gradient together: this one and `threads - 1` worker threads, each
   * on a contiguous shard of the batch with its own replica of the model on the same backend. More than
   * the machine's cores only adds overhead.
   */
  threads: z.number().int().min(1).max(64).default(1),
  /** Stops the training: the call rejects with the signal's reason and its worker threads are stopped. */
  signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, { message: 'must be an AbortSignal' }).optional(),
});

/** Options of {@link trainCnnLstm}. */
export type TrainCnnLstmOptions = z.input<typeof TrainCnnLstmOptionsSchema>;

/** Checks a dataset against the model's window, naming the bad field and sample. */
export function checkCnnLstmDataset(data: CnnLstmDataset, steps: number, features: number, what = 'data'): number {
  const issues: ValidationIssue[] = [];
  const n = data.labels?.length ?? 0;
  if (!(data.x instanceof Float32Array || data.x instanceof Float64Array)) issues.push({ path: [what, 'x'], message: 'must be a Float32Array or Float64Array' });
  else if (data.x.length !== n * steps * features) {
    issues.push({ path: [what, 'x'], message: `has ${data.x.length} values; ${n} labels need ${n} x ${steps} steps x ${features} features = ${n * steps * features}` });
  } else {
    const bad = data.x.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) issues.push({ path: [what, 'x', bad], message: `is ${data.x[bad]} (sample ${Math.floor(bad / (steps * features))}); values must be finite` });
  }
  if (n === 0) issues.push({ path: [what, 'labels'], message: 'is empty' });
  for (let i = 0; i < n; i++) {
    const l = data.labels[i]!;
    if (l !== 0 && l !== 1 && l !== 2) {
      issues.push({ path: [what, 'labels', i], message: `is ${l}; must be 0 (down), 1 (flat) or 2 (up)` });
      break;
    }
  }
  if (data.returns?.length !== n) issues.push({ path: [what, 'returns'], message: `has ${data.returns?.length} values; must have one per label (${n})` });
  else {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(data.returns[i]!)) {
        issues.push({ path: [what, 'returns', i], message: `is ${data.returns[i]}; must be finite` });
        break;
      }
    }
  }
  if (issues.length) throw new ValidationError(issues);
  return n;
}

function setTraining(net: CnnLstm, training: boolean): void {
  for (const layer of net.model.layers) if (layer instanceof SeededDropout) layer.training = training;
}

function balancedWeights(labels: ArrayLike<number>): [number, number, number] {
  const counts = [0, 0, 0];
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++;
  return counts.map((c) => (c === 0 ? 0 : labels.length / (3 * c))) as [number, number, number];
}

/**
 * Metrics of `net` on `data`, dropout off: joint loss, cross-entropy, MSE, accuracy, per-class precision
 * and recall, and the confusion matrix.
 *
 * @example
 * ```ts
 * const metrics = evaluateCnnLstm(net, { x, labels, returns });
 * console.log(metrics.accuracy, metrics.recall);
 * ```
 */
export function evaluateCnnLstm(net: CnnLstm, data: CnnLstmDataset, options: { classWeights?: readonly [number, number, number]; batchSize?: number } = {}): CnnLstmMetrics {
  const { steps, features, classificationWeight, regressionWeight } = net.config;
  const n = checkCnnLstmDataset(data, steps, features);
  const weights = options.classWeights ?? [1, 1, 1];
  const batchSize = options.batchSize ?? 256;
  setTraining(net, false);
  const confusion = [0, 1, 2].map(() => [0, 0, 0]);
  let ce = 0;
  let weightSum = 0;
  let se = 0;
  for (let start = 0; start < n; start += batchSize) {
    const rows = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
    const t = gatherBatch(data, rows, steps, features);
    const [logits, predicted] = net.trainingModel.apply(t.x) as tf.Tensor2D[];
    const logp = tf.logSoftmax(logits!);
    const lp = logp.dataSync();
    const pr = predicted!.dataSync();
    rows.forEach((r, i) => {
      const y = data.labels[r]!;
      const row = [lp[3 * i]!, lp[3 * i + 1]!, lp[3 * i + 2]!];
      const guess = row.indexOf(Math.max(...row));
      confusion[y]![guess]!++;
      ce += -weights[y]! * row[y]!;
      weightSum += weights[y]!;
      se += (pr[i]! - data.returns[r]!) ** 2;
    });
    tf.dispose([t.x, t.labels, t.returns, logits!, predicted!, logp]);
  }
  const crossEntropy = weightSum > 0 ? ce / weightSum : 0;
  const meanSquaredError = se / n;
  const diag = (c: number) => confusion[c]![c]!;
  const predictedCount = (c: number) => confusion.reduce((s, row) => s + row[c]!, 0);
  const actualCount = (c: number) => confusion[c]!.reduce((s, v) => s + v, 0);
  const perClass = (f: (c: number) => number) => [0, 1, 2].map((c) => (f(c) === 0 ? 0 : diag(c) / f(c))) as [number, number, number];
  return {
    loss: classificationWeight * crossEntropy + regressionWeight * meanSquaredError,
    crossEntropy,
    meanSquaredError,
    accuracy: (diag(0) + diag(1) + diag(2)) / n,
    precision: perClass(predictedCount),
    recall: perClass(actualCount),
    confusion,
    samples: n,
  };
}

function progressBar(p: CnnLstmBatchProgress): string {
  const width = 24;
  const done = Math.round((p.batch / p.batches) * width);
  return `\repoch ${p.epoch}/${p.epochs} [${'='.repeat(done)}${' '.repeat(width - done)}] ${p.batch}/${p.batches} loss ${p.loss.toFixed(4)}`;
}

/** The worker threads of a training on several threads, and the buffers shared with them. */
interface Parallel {
  readonly workers: GradientWorkers;
  readonly threads: number;
  /** The weights the workers read at each step (shared). */
  readonly weights: Float32Array;
  /** This thread's shard gradient, into which the others are summed. */
  readonly gradient: Float32Array;
}

/** What one training step answers: the batch's joint loss and its two terms. */
interface StepLoss {
  readonly loss: number;
  readonly crossEntropy: number;
  readonly meanSquaredError: number;
}

/** The bounds `[start, end)` of `threads` contiguous shards of `size` rows, the first ones a row longer. */
function shardBounds(size: number, threads: number): [number, number][] {
  const base = Math.floor(size / threads);
  const longer = size % threads;
  const bounds: [number, number][] = [];
  for (let k = 0, start = 0; k < threads; k++) {
    const end = start + base + (k < longer ? 1 : 0);
    bounds.push([start, end]);
    start = end;
  }
  return bounds;
}

async function startParallel(net: CnnLstm, data: CnnLstmDataset, variables: tf.Variable[], threads: number, classWeights: [number, number, number], dropoutSeeds: number[], signal: AbortSignal | undefined): Promise<Parallel> {
  const x = sharedFloat32(data.x.length);
  x.set(data.x);
  const labels = new Int32Array(new SharedArrayBuffer(4 * data.labels.length));
  const returns = sharedFloat32(data.returns.length);
  for (let i = 0; i < labels.length; i++) {
    labels[i] = data.labels[i]!;
    returns[i] = data.returns[i]!;
  }
  const weights = sharedFloat32(flatSize(variables));
  readWeights(variables, weights);
  const init = { config: net.config, backend: tf.getBackend(), x, labels, returns, weights, classWeights, dropoutSeeds, shapes: variables.map((v) => v.shape) };
  const workers = await GradientWorkers.start(threads - 1, init, signal);
  return { workers, threads, weights, gradient: new Float32Array(weights.length) };
}

/**
 * Trains `net` in place on `data` and answers the per-epoch history.
 *
 * @example
 * ```ts
 * const net = buildCnnLstm({ steps: 30, features: 20, seed: 1 });
 * const result = await trainCnnLstm(net, train, { epochs: 30, validation, classWeights: 'balanced', earlyStopping: { patience: 4 } });
 * console.log(result.bestEpoch, result.history.at(-1)?.validation?.accuracy);
 *
 * // The same on two threads (this one and a worker thread), each computing half of every batch:
 * await trainCnnLstm(buildCnnLstm({ steps: 30, features: 20, seed: 1 }), train, { epochs: 30, threads: 2 });
 * ```
 */
export async function trainCnnLstm(net: CnnLstm, data: CnnLstmDataset, options: TrainCnnLstmOptions = {}): Promise<CnnLstmTrainingResult> {
  const o = parseWith(TrainCnnLstmOptionsSchema, options, 'options');
  const { steps, features, classificationWeight, regressionWeight } = net.config;
  const n = checkCnnLstmDataset(data, steps, features);
  if (o.validation) checkCnnLstmDataset(o.validation, steps, features, 'options.validation');
  const classWeights: [number, number, number] = o.classWeights === 'balanced' ? balancedWeights(data.labels) : o.classWeights ? [...o.classWeights] : [1, 1, 1];
  const rng = new SeededRandom(o.seed ?? net.config.seed);
  const dropouts = net.model.layers.filter((l): l is SeededDropout => l instanceof SeededDropout);
  const dropoutSeeds = dropouts.map((layer) => {
    const seed = rng.nextSeed();
    layer.reseed(seed);
    return seed;
  });
  const variables = net.trainingModel.trainableWeights.map((w) => w.read() as tf.Variable);
  // tfjs' Adam to float32 rounding, one pass per variable instead of some ten kernels.
  const optimizer = new FusedAdam(variables, { learningRate: o.learningRate });
  const weightTensor = tf.tensor1d(classWeights);
  const drawBar = o.progress === true || (o.progress === 'auto' && process.stderr.isTTY === true);
  const batches = Math.ceil(n / o.batchSize);
  const history: CnnLstmEpochLog[] = [];
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] | undefined;
  let stale = 0;
  let stoppedEarly = false;
  let parallel: Parallel | undefined;

  /** One batch on this thread alone: the joint loss, differentiated and minimised by tfjs. */
  const singleStep = (rows: number[]): StepLoss => {
    const t = gatherBatch(data, rows, steps, features);
    let parts: [tf.Scalar, tf.Scalar] | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const [logits, predicted] = net.trainingModel.apply(t.x) as tf.Tensor2D[];
      const l = jointLoss(logits!, predicted!, t.labels, t.returns, weightTensor, classificationWeight, regressionWeight);
      parts = [tf.keep(l.crossEntropy), tf.keep(l.meanSquaredError)];
      return l.loss;
    }, variables);
    const gradients = variables.map((v) => grads[v.name]!);
    optimizer.applyGradients(gradients);
    const result = { loss: value.dataSync()[0]!, crossEntropy: parts![0].dataSync()[0]!, meanSquaredError: parts![1].dataSync()[0]! };
    tf.dispose([value, ...gradients, ...parts!, t.x, t.labels, t.returns]);
    return result;
  };

  /** One batch in shards over the threads: the shards' gradients summed in shard order, one optimizer step. */
  const parallelStep = async (p: Parallel, rows: number[], calls: number): Promise<StepLoss> => {
    const normalisers = batchNormalisers(data.labels, rows, classWeights);
    const bounds = shardBounds(rows.length, p.threads);
    const workerSteps = bounds.slice(1).map(([start, end]): TrainWorkerStep | undefined =>
      end > start ? { type: 'step', rows: Int32Array.from(rows.slice(start, end)), calls, offset: start, ...normalisers } : undefined,
    );
    const others = p.workers.step(workerSteps, o.signal);
    others.catch(() => undefined); // awaited below; this thread's shard may throw first
    const t = gatherBatch(data, rows.slice(0, bounds[0]![1]), steps, features);
    let own: ShardSums;
    try {
      own = shardGradients(net, variables, t, weightTensor, normalisers, p.gradient);
    } finally {
      tf.dispose([t.x, t.labels, t.returns]);
    }
    const sums = await others;
    let weightedNll = own.weightedNll;
    let squaredError = own.squaredError;
    const sum = p.gradient;
    sums.forEach((s, i) => {
      if (!s) return;
      weightedNll += s.weightedNll;
      squaredError += s.squaredError;
      const g = p.workers.gradients[i]!;
      for (let j = 0; j < sum.length; j++) sum[j]! += g[j]!;
    });
    optimizer.applyGradients(sum);
    readWeights(variables, p.weights);
    const crossEntropy = weightedNll / normalisers.weightSum;
    const meanSquaredError = squaredError / normalisers.count;
    return { loss: classificationWeight * crossEntropy + regressionWeight * meanSquaredError, crossEntropy, meanSquaredError };
  };

  try {
    if (o.threads > 1) parallel = await startParallel(net, data, variables, o.threads, classWeights, dropoutSeeds, o.signal);
    let calls = 0; // dropout calls so far: one per batch
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const order = Array.from({ length: n }, (_, i) => i);
      if (o.shuffle) rng.shuffle(order);
      let loss = 0;
      let ce = 0;
      let mse = 0;
      const started = performance.now();
      setTraining(net, true);
      for (let b = 0; b < batches; b++) {
        if (o.signal?.aborted) throw abortError(o.signal);
        const rows = order.slice(b * o.batchSize, (b + 1) * o.batchSize);
        for (const layer of dropouts) layer.seek(calls, 0);
        const step = parallel ? await parallelStep(parallel, rows, calls) : singleStep(rows);
        calls++;
        loss += step.loss * rows.length;
        ce += step.crossEntropy * rows.length;
        mse += step.meanSquaredError * rows.length;
        const progress = { epoch, epochs: o.epochs, batch: b + 1, batches, loss: step.loss };
        o.onBatchEnd?.(progress);
        if (drawBar) process.stderr.write(progressBar(progress));
      }
      setTraining(net, false);
      const seconds = (performance.now() - started) / 1000;
      const validation = o.validation ? evaluateCnnLstm(net, o.validation, { classWeights }) : undefined;
      const log: CnnLstmEpochLog = { epoch, loss: loss / n, crossEntropy: ce / n, meanSquaredError: mse / n, ...(validation ? { validation } : {}), samplesPerSecond: n / seconds };
      history.push(log);
      if (drawBar) process.stderr.write(`${progressBar({ epoch, epochs: o.epochs, batch: batches, batches, loss: log.loss })}${validation ? ` val_loss ${validation.loss.toFixed(4)} val_acc ${validation.accuracy.toFixed(3)}` : ''}\n`);
      o.onEpochEnd?.(log);
      const monitored = validation ? validation.loss : log.loss;
      if (monitored < best - (o.earlyStopping?.minDelta ?? 0)) {
        best = monitored;
        bestEpoch = epoch;
        stale = 0;
        if (o.earlyStopping?.restoreBestWeights) {
          tf.dispose(bestWeights ?? []);
          bestWeights = variables.map((v) => tf.clone(v));
        }
      } else if (o.earlyStopping && ++stale > o.earlyStopping.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (bestWeights && bestEpoch !== history.length) variables.forEach((v, i) => v.assign(bestWeights![i]!));
    return { history, bestEpoch: bestWeights ? bestEpoch : history.length, stoppedEarly, classWeights };
  } finally {
    setTraining(net, false);
    tf.dispose([weightTensor, ...(bestWeights ?? [])]);
    await parallel?.workers.terminate();
  }
}
