/**
 * The model contract: a tensor function with one input and one output, evaluated a batch at a time.
 * ONNX Runtime ({@link OnnxModel}), TensorFlow.js ({@link TfjsModel}) and models written in TypeScript
 * (gradient-boosted trees, for one) implement it, and the model stage ({@link predictStage}) and the
 * precomputed mode ({@link precomputePredictions}) run any of them.
 *
 * Features are `number`s and `Float64Array`s in rxtrade; a model takes either a `Float32Array` or a
 * `Float64Array` (each adapter converts to the dtype its input declares) and answers a `Float32Array`,
 * the precision neural networks compute in.
 */
import { ValidationError } from '@rxtrade/core';

/**
 * Element types a tensor can have. Inputs of the models here are `float32` or `float64`; other types are
 * reported by {@link TensorSpec} so that a model with, say, an `int64` input is refused with its name.
 *
 * @example
 * ```ts
 * const dtype: TensorDtype = TensorDtype.FLOAT32;
 * ```
 */
export const TensorDtype = {
  FLOAT32: 'float32',
  FLOAT64: 'float64',
  FLOAT16: 'float16',
  INT8: 'int8',
  UINT8: 'uint8',
  INT16: 'int16',
  UINT16: 'uint16',
  INT32: 'int32',
  UINT32: 'uint32',
  INT64: 'int64',
  UINT64: 'uint64',
  BOOL: 'bool',
  STRING: 'string',
  COMPLEX64: 'complex64',
} as const;
export type TensorDtype = (typeof TensorDtype)[keyof typeof TensorDtype];

/**
 * Name, dimensions and element type of a model's input or output tensor.
 *
 * @example
 * ```ts
 * // A batch of windows of 32 bars by 4 features.
 * const spec: TensorSpec = { name: 'x', dims: [null, 32, 4], dtype: 'float32' };
 * sampleSize(spec); // 128
 * ```
 */
export interface TensorSpec {
  /** The tensor's name in the model (ONNX graph input, Keras layer), for messages and lookups. */
  readonly name: string;
  /**
   * Dimensions, the batch first: a number where the model fixes the size, `null` where it accepts any
   * size (the batch, usually). Every dimension after the batch is fixed.
   */
  readonly dims: readonly (number | null)[];
  /** Element type. */
  readonly dtype: TensorDtype;
}

/**
 * A model: `predict` maps a batch of inputs, row-major with the batch first, to a batch of outputs.
 *
 * `input.length` must be `batch * sampleSize(inputShape)`; the answer has
 * `batch * sampleSize(outputShape)` values. `predict` reads `input` before its promise settles and never
 * keeps it afterwards, so a caller may reuse the array once the promise has settled (the model stage
 * passes views of its ring buffer).
 *
 * @example
 * ```ts
 * // A model written by hand: the mean of each window of 3 values.
 * const mean3: Model = {
 *   inputShape: { name: 'x', dims: [null, 3], dtype: 'float64' },
 *   outputShape: { name: 'mean', dims: [null, 1], dtype: 'float32' },
 *   async predict(input, batch) {
 *     checkPredictInput(this, input, batch);
 *     const out = new Float32Array(batch);
 *     for (let b = 0; b < batch; b++) out[b] = (input[3 * b]! + input[3 * b + 1]! + input[3 * b + 2]!) / 3;
 *     return out;
 *   },
 * };
 * console.log(await mean3.predict(Float64Array.of(1, 2, 3, 4, 5, 6), 2)); // Float32Array [2, 5]
 * ```
 */
export interface Model {
  /** The input tensor: name, dims (batch first) and dtype. */
  readonly inputShape: TensorSpec;
  /** The output tensor: name, dims (batch first) and dtype. */
  readonly outputShape: TensorSpec;
  /**
   * Evaluates `batch` samples laid out one after the other in `input`.
   *
   * @param input `batch * sampleSize(inputShape)` values, row-major, batch first.
   * @param batch number of samples (>= 1).
   * @returns `batch * sampleSize(outputShape)` values, row-major, batch first.
   */
  predict(input: Float32Array | Float64Array, batch: number): Promise<Float32Array>;
  /** Releases native resources (an ONNX session, tfjs tensors). The model cannot predict afterwards. */
  dispose?(): Promise<void> | void;
}

/**
 * Number of values in one sample of a tensor: the product of its dimensions after the batch.
 *
 * @throws ValidationError when a dimension after the batch is not fixed.
 * @example
 * ```ts
 * sampleSize({ name: 'x', dims: [null, 32, 4], dtype: 'float32' }); // 128
 * sampleSize({ name: 'y', dims: [null], dtype: 'float32' }); // 1
 * ```
 */
export function sampleSize(spec: TensorSpec): number {
  let n = 1;
  for (let i = 1; i < spec.dims.length; i++) {
    const d = spec.dims[i];
    if (d === null || d === undefined || !Number.isInteger(d) || d < 0)
      throw new ValidationError([{ path: ['dims', i], message: `dimension ${i} of tensor "${spec.name}" ${formatDims(spec.dims)} must be a fixed size to lay samples out; fix it when loading the model (the dims option)` }]);
    n *= d;
  }
  return n;
}

/**
 * Formats dimensions as the messages print them: `[?, 32, 4]` (`?` for a free dimension).
 *
 * @example
 * ```ts
 * formatDims([null, 32, 4]); // '[?, 32, 4]'
 * ```
 */
export function formatDims(dims: readonly (number | null)[]): string {
  return `[${dims.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/**
 * Checks the arguments of {@link Model.predict}: a positive integer batch, a batch the model accepts,
 * and an input of exactly `batch * sampleSize(inputShape)` values. Adapters call it first so that a
 * wrong input fails with a message naming the field and the expected shape.
 *
 * @throws ValidationError naming `batch` or `input` and the expected shape.
 * @example
 * ```ts
 * const model: Model = {
 *   inputShape: { name: 'x', dims: [null, 3], dtype: 'float32' },
 *   outputShape: { name: 'y', dims: [null, 1], dtype: 'float32' },
 *   predict: async (input, batch) => (checkPredictInput(model, input, batch), new Float32Array(batch)),
 * };
 * await model.predict(new Float32Array(5), 2).catch((e: Error) => console.log(e.message));
 * // predict.input: expected 2 x [3] = 6 values for input "x" [?, 3] float32, got 5
 * ```
 */
export function checkPredictInput(model: Pick<Model, 'inputShape'>, input: unknown, batch: unknown): void {
  const spec = model.inputShape;
  if (typeof batch !== 'number' || !Number.isInteger(batch) || batch < 1)
    throw new ValidationError([{ path: ['predict', 'batch'], message: `must be a positive integer, got ${String(batch)}` }]);
  const fixedBatch = spec.dims[0];
  if (typeof fixedBatch === 'number' && fixedBatch > 0 && batch % fixedBatch !== 0)
    throw new ValidationError([{ path: ['predict', 'batch'], message: `input "${spec.name}" ${formatDims(spec.dims)} takes batches of ${fixedBatch}: the batch must be a multiple of ${fixedBatch}, got ${batch}` }]);
  if (!(input instanceof Float32Array) && !(input instanceof Float64Array))
    throw new ValidationError([{ path: ['predict', 'input'], message: `must be a Float32Array or a Float64Array, got ${describe(input)}` }]);
  const size = sampleSize(spec);
  if (input.length !== batch * size) {
    const sample = formatDims(spec.dims.slice(1));
    throw new ValidationError([
      { path: ['predict', 'input'], message: `expected ${batch} x ${sample} = ${batch * size} values for input "${spec.name}" ${formatDims(spec.dims)} ${spec.dtype}, got ${input.length}` },
    ]);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return typeof v;
}
