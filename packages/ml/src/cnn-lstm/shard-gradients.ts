/**
 * The gradient of one shard of a training batch, for data-parallel training: each thread computes the
 * gradient of its contiguous part of the batch, and their sum, in shard order, is the batch's gradient.
 *
 * The joint loss is not a plain mean over samples: the class-weighted cross-entropy divides by the sum of
 * the batch's class weights (`Σ w[yᵢ] · −log pᵢ[yᵢ] / Σ w[yᵢ]`), the squared error by the batch size. A
 * shard therefore differentiates its own sums divided by the whole batch's normalisers,
 * `cw · Σₛ w[yᵢ] · nllᵢ / W + rw · Σₛ (p̂ᵢ − rᵢ)² / B`, whose sum over the shards is the batch's joint
 * loss exactly (and so, up to float32 rounding, is its gradient).
 */
import * as tf from '@tensorflow/tfjs';
import type { CnnLstm } from './build-cnn-lstm';

/** The rows of a dataset gathered into a batch: `x` `[rows, steps, features]`, `labels` int32, `returns`. */
export interface BatchTensors {
  readonly x: tf.Tensor3D;
  readonly labels: tf.Tensor1D;
  readonly returns: tf.Tensor1D;
}

/** What a batch's loss divides by: the sum of its samples' class weights and its size. */
export interface BatchNormalisers {
  readonly weightSum: number;
  readonly count: number;
}

/** The sums of one shard, in float64 from the float32 tensors: `Σ w[yᵢ] · nllᵢ` and `Σ (p̂ᵢ − rᵢ)²`. */
export interface ShardSums {
  readonly weightedNll: number;
  readonly squaredError: number;
}

/** A dataset's samples, as what {@link gatherBatch} reads: any of the dataset's forms or shared float32 copies. */
export interface BatchSource {
  readonly x: Float32Array | Float64Array;
  readonly labels: ArrayLike<number>;
  readonly returns: ArrayLike<number>;
}

/** Gathers `rows` of `data` (in that order) into batch tensors; `x` and `returns` become float32. */
export function gatherBatch(data: BatchSource, rows: ArrayLike<number>, steps: number, features: number): BatchTensors {
  const size = steps * features;
  const n = rows.length;
  const x = new Float32Array(n * size);
  const labels = new Int32Array(n);
  const returns = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    x.set(data.x.subarray(r * size, (r + 1) * size), i * size);
    labels[i] = data.labels[r]!;
    returns[i] = data.returns[r]!;
  }
  return { x: tf.tensor3d(x, [n, steps, features]), labels: tf.tensor1d(labels, 'int32'), returns: tf.tensor1d(returns) };
}

/** The batch's normalisers: the sum of its class weights (in float64) and its size. */
export function batchNormalisers(labels: ArrayLike<number>, rows: ArrayLike<number>, classWeights: readonly number[]): BatchNormalisers {
  let weightSum = 0;
  for (let i = 0; i < rows.length; i++) weightSum += classWeights[labels[rows[i]!]!]!;
  return { weightSum, count: rows.length };
}

/**
 * Computes the gradient of a shard's part of the joint loss with respect to `variables` and writes it
 * into `out`, variable after variable, each row-major (a variable the loss does not reach gets zeros).
 * Answers the shard's sums for the batch's loss and its two terms.
 */
export function shardGradients(
  net: CnnLstm,
  variables: readonly tf.Variable[],
  batch: BatchTensors,
  classWeights: tf.Tensor1D,
  normalisers: BatchNormalisers,
  out: Float32Array,
): ShardSums {
  const { classificationWeight, regressionWeight } = net.config;
  let sums: [tf.Scalar, tf.Scalar] | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const [logits, predicted] = net.trainingModel.apply(batch.x) as tf.Tensor2D[];
    const oneHot = tf.oneHot(batch.labels, logits!.shape[1]).toFloat();
    const nll = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits!)), 1));
    const w = tf.sum(tf.mul(oneHot, classWeights), 1);
    const weightedNll = tf.sum(tf.mul(w, nll)) as tf.Scalar;
    const squaredError = tf.sum(tf.square(tf.sub(tf.reshape(predicted!, [-1]), batch.returns))) as tf.Scalar;
    sums = [tf.keep(weightedNll), tf.keep(squaredError)];
    return tf.add(tf.mul(weightedNll, classificationWeight / normalisers.weightSum), tf.mul(squaredError, regressionWeight / normalisers.count)) as tf.Scalar;
  }, variables as tf.Variable[]);
  let offset = 0;
  for (const v of variables) {
    const g = grads[v.name];
    if (g) out.set(g.dataSync() as Float32Array, offset);
    else out.fill(0, offset, offset + v.size);
    offset += v.size;
  }
  const result = { weightedNll: sums![0].dataSync()[0]!, squaredError: sums![1].dataSync()[0]! };
  tf.dispose([value, ...Object.values(grads), ...sums!]);
  return result;
}

/** The number of values of `variables` together (the length of a flat gradient or weight buffer). */
export function flatSize(variables: readonly { readonly size: number }[]): number {
  return variables.reduce((s, v) => s + v.size, 0);
}

/** Writes the values of `variables` into `out`, one after the other. */
export function readWeights(variables: readonly tf.Variable[], out: Float32Array): void {
  let offset = 0;
  for (const v of variables) {
    out.set(v.dataSync() as Float32Array, offset);
    offset += v.size;
  }
}

/** Assigns `variables` from `values`, one after the other (the layout of {@link readWeights}). */
export function writeWeights(variables: readonly tf.Variable[], values: Float32Array): void {
  let offset = 0;
  for (const v of variables) {
    // A copy: the cpu backend would keep the array itself, and `values` may be shared with other threads.
    const t = tf.tensor(values.slice(offset, offset + v.size), v.shape, 'float32');
    v.assign(t);
    t.dispose();
    offset += v.size;
  }
}
