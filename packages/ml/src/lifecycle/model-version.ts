/**
 * A trained model and what it was trained on, and the contract of anything that says which version
 * serves a row: a walk-forward schedule in a backtest, a background retrainer in a live node.
 */
import type { Model } from '../models/model';
import type { JsonValue, TrainingWindow } from './model-registry';
import type { TrainingRow } from './training-data-hash';

/**
 * One version of a model.
 *
 * @example
 * ```ts
 * const v: ModelVersion = { version: 'v0003', model, parent: 'v0002', trainingWindow: { start, end, rows: 500 }, dataHash, metrics: { rmse: 0.01 } };
 * ```
 */
export interface ModelVersion<M extends Model = Model> {
  /** Its id: the registry's (`v0003`) when it was saved to one, else a counter of the same form. */
  readonly version: string;
  readonly model: M;
  /** The version it replaced, or null for the first. */
  readonly parent: string | null;
  /** First and last `ts` of its training rows (inclusive) and their count. */
  readonly trainingWindow: TrainingWindow;
  /** {@link hashTrainingData} of its training rows. */
  readonly dataHash: string;
  /** Validation metrics its trainer reported. */
  readonly metrics: Readonly<Record<string, number>>;
}

/** Says which version serves a row at `ts`, or undefined when none does (before the first training). */
export interface ModelVersionSource<M extends Model = Model> {
  versionAt(ts: number): ModelVersion<M> | undefined;
}

/** What a trainer is given: the rows before the retraining time, and the version being replaced. */
export interface TrainingSet<R extends TrainingRow = TrainingRow> {
  /** The training rows, oldest first; none is later than `trainedThrough`. */
  readonly rows: readonly R[];
  /** `ts` of the last row: the retraining time. */
  readonly trainedThrough: number;
  /** Feature names, in the order of each row's values. */
  readonly names: readonly string[];
  /** The version this training will replace, or undefined for the first. */
  readonly previous: ModelVersion | undefined;
}

/** What a trainer returns: the model, and optionally what the registry should keep of it. */
export interface TrainedModel<M extends Model = Model> {
  readonly model: M;
  /** Validation metrics (`{ rmse: 0.012 }`). */
  readonly metrics?: Readonly<Record<string, number>>;
  /** The model's files for the registry (`{ 'model.onnx': bytes }`). */
  readonly files?: Readonly<Record<string, Uint8Array | string>>;
  /** The fitted scalers' JSON, for the registry. */
  readonly scalers?: JsonValue;
  /** Anything else for the registry's `extra`. */
  readonly extra?: JsonValue;
}

/** A training function: rows in, a model out, synchronously or later. */
export type Trainer<R extends TrainingRow = TrainingRow, M extends Model = Model> = (set: TrainingSet<R>) => TrainedModel<M> | Promise<TrainedModel<M>>;

/** `v` followed by the number padded to four digits, the registry's form. */
export function versionId(n: number): string {
  return `v${String(n).padStart(4, '0')}`;
}
