/**
 * Messages between the trainer and its gradient worker threads (data-parallel training, see
 * `data-parallel.ts`). Typed arrays in {@link TrainWorkerInit} are views of `SharedArrayBuffer`s: the
 * dataset, the weights the trainer writes after each optimizer step, and the worker's gradient buffer.
 */
import type { CnnLstmConfig } from './config';

/** What a worker thread starts with (its `workerData`). */
export interface TrainWorkerInit {
  readonly config: CnnLstmConfig;
  /** The tfjs backend to train on: the trainer's own. */
  readonly backend: string;
  /** The dataset as float32 (x, returns) and int32 (labels), shared by all workers. */
  readonly x: Float32Array;
  readonly labels: Int32Array;
  readonly returns: Float32Array;
  /** The trainable weights, flat, in the order of `trainingModel.trainableWeights`; written by the trainer. */
  readonly weights: Float32Array;
  /** This worker's gradient, same layout as `weights`; written by the worker. */
  readonly gradients: Float32Array;
  readonly classWeights: readonly [number, number, number];
  /** The seed of each dropout layer, in layer order. */
  readonly dropoutSeeds: readonly number[];
  /** The shapes of the trainer's trainable weights, to check that the replica has the same. */
  readonly shapes: readonly (readonly number[])[];
}

/** Compute the gradient of one shard of a batch with the current weights. */
export interface TrainWorkerStep {
  readonly type: 'step';
  /** The dataset rows of the shard, in batch order. */
  readonly rows: Int32Array;
  /** Dropout calls made before this step (the step's masks are those of call `calls + 1`). */
  readonly calls: number;
  /** The position of the shard's first row in the batch (for per-sample dropout masks). */
  readonly offset: number;
  readonly weightSum: number;
  readonly count: number;
}

/** What a worker answers. */
export type TrainWorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly weightedNll: number; readonly squaredError: number }
  | { readonly type: 'error'; readonly message: string; readonly stack?: string };
