/**
 * `CnnLstmModel`: a trained CNN+LSTM as a {@link Model}, so that the model stage, the precomputed mode,
 * walk-forward retraining and the registry run it like any other model. Its input is a batch of raw
 * feature windows (`[batch, steps, features]`); the scaler fitted on the training features, when it has
 * one, is applied inside. Its output is four values per window: the probabilities of down, flat and up,
 * then the predicted next return.
 */
import * as tf from '@tensorflow/tfjs';
import { parseWith, ValidationError } from '@rxtrade/core';
import { z } from 'zod';
import { checkPredictInput, type Model, type TensorSpec } from '../models/model';
import type { Scaler } from '../models/scalers/scaler';
import { TfjsBackend, TfjsModel } from '../models/tfjs-model';
import type { CnnLstm } from './build-cnn-lstm';
import { loadCnnLstm } from './io';

/** One window's answer of a {@link CnnLstmModel}, read with {@link CnnLstmModel.read}. */
export interface CnnLstmPrediction {
  /** Probability that the next return is below the flat band. */
  readonly down: number;
  readonly flat: number;
  readonly up: number;
  /** The regression head's next return. */
  readonly nextReturn: number;
}

const isScaler = (v: unknown): v is Scaler =>
  typeof v === 'object' && v !== null && typeof (v as Scaler).transformInto === 'function' && typeof (v as Scaler).width === 'number';

/** Schema of {@link CnnLstmModelOptions}: strict, so a misspelled option is an error. */
export const CnnLstmModelOptionsSchema = z.strictObject({
  /** TensorFlow.js backend to predict on (default `'auto'`: `@tensorflow/tfjs-node` when installed, else `cpu`). */
  backend: z.enum([TfjsBackend.AUTO, TfjsBackend.CPU, TfjsBackend.WASM, TfjsBackend.TENSORFLOW]).default(TfjsBackend.AUTO),
  /** The scaler fitted on the training features: inputs are raw features, scaled inside. */
  scaler: z.custom<Scaler>(isScaler, { message: 'must be a fitted scaler (StandardScaler, MinMaxScaler, RobustScaler)' }).optional(),
  /** Names of the features in input order, kept for the registry and messages. */
  featureNames: z.array(z.string().min(1)).optional(),
});

/**
 * Options of {@link CnnLstmModel.fromCnnLstm}.
 *
 * @example
 * ```ts
 * const options: CnnLstmModelOptions = { backend: 'wasm', scaler };
 * ```
 */
export type CnnLstmModelOptions = z.input<typeof CnnLstmModelOptionsSchema>;

const OUTPUT_WIDTH = 4;

/**
 * A CNN+LSTM as a {@link Model}: raw feature windows in, `[down, flat, up, nextReturn]` out per window.
 * It owns the network it wraps: {@link CnnLstmModel.dispose} releases its weights.
 *
 * @example
 * ```ts
 * import { buildCnnLstm, CnnLstmModel, trainCnnLstm } from '@rxtrade/ml/tfjs';
 * import { StandardScaler } from '@rxtrade/ml';
 *
 * const net = buildCnnLstm({ steps: 30, features: 20, seed: 7 });
 * const scaler = StandardScaler.fit({ data: rawWindows, width: 20 });
 * await trainCnnLstm(net, { x: Float32Array.from(scaler.transform(rawWindows)), labels, returns });
 * const model = await CnnLstmModel.fromCnnLstm(net, { scaler, backend: 'wasm' });
 * const out = await model.predict(lastWindow, 1); // raw features, 30 x 20
 * const { down, flat, up, nextReturn } = CnnLstmModel.read(out, 0);
 * ```
 */
export class CnnLstmModel implements Model {
  /** The names of the four values of each answer, in order. */
  static readonly OUTPUTS = ['down', 'flat', 'up', 'nextReturn'] as const;

  readonly inputShape: TensorSpec;
  readonly outputShape: TensorSpec;

  private constructor(
    /** The wrapped network (its `model` predicts, its `trainingModel` trains). */
    readonly net: CnnLstm,
    private readonly inner: TfjsModel,
    /** The scaler applied to each input, if any. */
    readonly scaler: Scaler | undefined,
    /** The feature names in input order, if given. */
    readonly featureNames: readonly string[] | undefined,
  ) {
    this.inputShape = inner.inputShape;
    this.outputShape = { name: 'cnn_lstm', dims: [null, OUTPUT_WIDTH], dtype: 'float32' };
  }

  /**
   * Wraps a CNN+LSTM built (and trained) in this process.
   *
   * @throws ValidationError naming the option: an unknown key, a scaler or feature list whose width is not
   *   the network's number of features.
   * @example
   * ```ts
   * const model = await CnnLstmModel.fromCnnLstm(buildCnnLstm({ steps: 8, features: 3 }), { backend: 'cpu' });
   * model.outputShape.dims; // [null, 4]
   * ```
   */
  static async fromCnnLstm(net: CnnLstm, options: CnnLstmModelOptions = {}): Promise<CnnLstmModel> {
    const o = parseWith(CnnLstmModelOptionsSchema, options, 'CnnLstmModel');
    const features = net.config.features;
    if (o.scaler !== undefined && o.scaler.width !== features)
      throw new ValidationError([{ path: ['CnnLstmModel', 'scaler'], message: `scales ${o.scaler.width} features; the network reads ${features}` }]);
    if (o.featureNames !== undefined && o.featureNames.length !== features)
      throw new ValidationError([{ path: ['CnnLstmModel', 'featureNames'], message: `has ${o.featureNames.length} names; the network reads ${features} features` }]);
    // One output: the probabilities and the next return side by side, on the network's own layers.
    const joined = tf.layers.concatenate({ name: 'cnn_lstm', axis: -1 }).apply(net.model.outputs) as tf.SymbolicTensor;
    const single = tf.model({ inputs: net.model.inputs, outputs: joined, name: 'cnn_lstm_model' });
    const inner = await TfjsModel.fromLayersModel(single, { backend: o.backend });
    return new CnnLstmModel(net, inner, o.scaler, o.featureNames);
  }

  /**
   * Loads a CNN+LSTM saved by {@link saveCnnLstm}, with the scaler and feature names saved beside it.
   *
   * @example
   * ```ts
   * const model = await CnnLstmModel.load('models/cnn-lstm', { backend: 'wasm' });
   * ```
   */
  static async load(directory: string, options: Pick<CnnLstmModelOptions, 'backend'> = {}): Promise<CnnLstmModel> {
    const o = parseWith(CnnLstmModelOptionsSchema.pick({ backend: true }), options, 'CnnLstmModel');
    const net = await loadCnnLstm(directory);
    return CnnLstmModel.fromCnnLstm(net, { backend: o.backend, ...(net.scaler ? { scaler: net.scaler } : {}), ...(net.featureNames ? { featureNames: [...net.featureNames] } : {}) });
  }

  /**
   * Reads window `index` of an answer of {@link CnnLstmModel.predict}.
   *
   * @example
   * ```ts
   * const out = await model.predict(windows, 2);
   * const second = CnnLstmModel.read(out, 1); // { down, flat, up, nextReturn }
   * ```
   */
  static read(output: Float32Array, index: number): CnnLstmPrediction {
    const at = index * OUTPUT_WIDTH;
    if (!Number.isInteger(index) || index < 0 || at + OUTPUT_WIDTH > output.length)
      throw new ValidationError([{ path: ['read', 'index'], message: `must be an integer from 0 to ${output.length / OUTPUT_WIDTH - 1}, got ${index}` }]);
    return { down: output[at]!, flat: output[at + 1]!, up: output[at + 2]!, nextReturn: output[at + 3]! };
  }

  /** The backend it predicts on. */
  get backend(): 'cpu' | 'wasm' | 'tensorflow' {
    return this.inner.backend;
  }

  /**
   * Predicts `batch` windows of raw features (`batch * steps * features` values, scaled inside when the
   * model has a scaler): `batch * 4` values, `[down, flat, up, nextReturn]` per window.
   *
   * @example
   * ```ts
   * const out = await model.predict(windows, 64);
   * ```
   */
  async predict(input: Float32Array | Float64Array, batch: number): Promise<Float32Array> {
    checkPredictInput(this, input, batch);
    if (this.scaler === undefined) return this.inner.predict(input, batch);
    // A buffer per call: predictions may overlap, and the inner model reads its input when its turn comes.
    const x = new Float32Array(input.length);
    this.scaler.transformInto(input, x);
    return this.inner.predict(x, batch);
  }

  /** Releases the network's weights; the model cannot predict afterwards. */
  dispose(): void {
    // The wrapping model holds every layer of the network: disposing it releases all their weights.
    this.inner.dispose();
  }
}
