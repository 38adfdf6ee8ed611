/**
 * `OnnxModel`: a {@link Model} on ONNX Runtime (`onnxruntime-node`), loaded from a `.onnx` file or its
 * bytes. ONNX is what PyTorch (`torch.onnx.export`), scikit-learn (skl2onnx), XGBoost and LightGBM
 * (onnxmltools) and TensorFlow (tf2onnx) export to, so a model trained in any of them runs here.
 *
 * onnxruntime-node is imported the first time a model is loaded (not when `@rxtrade/ml` is), so a
 * program that never loads an ONNX model never loads its native library.
 */
import { readFile } from 'node:fs/promises';
import { UnsupportedError, ValidationError, parseWith } from '@rxtrade/core';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { z } from 'zod';
import { checkPredictInput, formatDims, sampleSize, type Model, type TensorDtype, type TensorSpec } from './model';

/**
 * Schema of {@link OnnxModelConfig}: strict, so a misspelled option is an error.
 *
 * @example
 * ```ts
 * OnnxModelConfigSchema.parse({ output: 'probabilities', intraOpNumThreads: 1 });
 * ```
 */
export const OnnxModelConfigSchema = z.strictObject({
  /** The graph input to feed, by name; needed only to name it (a model with several inputs is refused). */
  input: z.string().min(1).optional(),
  /** The graph output to answer, by name (default: the first). */
  output: z.string().min(1).optional(),
  /** Sizes of the input's dimensions after the batch, where the graph leaves them free (a sequence length). */
  dims: z.array(z.number().int().positive()).min(1).optional(),
  /** Threads ONNX Runtime uses inside an operator (0 or absent: its default, one per core). */
  intraOpNumThreads: z.number().int().nonnegative().optional(),
  /** Threads ONNX Runtime uses across operators (0 or absent: its default). */
  interOpNumThreads: z.number().int().nonnegative().optional(),
  /** Graph optimizations ONNX Runtime applies when it loads the model (default `'all'`). */
  graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']).optional(),
  /** Execution providers in order of preference (default `['cpu']`); `'cuda'` needs ONNX Runtime's CUDA libraries. */
  executionProviders: z.array(z.string().min(1)).min(1).optional(),
});
/**
 * Options of {@link OnnxModel.load}.
 *
 * @example
 * ```ts
 * const config: OnnxModelConfig = { output: 'y', intraOpNumThreads: 1 };
 * ```
 */
export type OnnxModelConfig = z.input<typeof OnnxModelConfigSchema>;

type Ort = typeof import('onnxruntime-node');
let ortModule: Promise<Ort> | undefined;

/** Imports onnxruntime-node once; a missing package says what to install. */
function loadOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').then(
    (m) => ((m as { InferenceSession?: unknown }).InferenceSession ? m : (m as unknown as { default: Ort }).default),
    (error: unknown) => {
      ortModule = undefined;
      if (isModuleNotFound(error, 'onnxruntime-node'))
        throw new UnsupportedError(
          'OnnxModel needs the onnxruntime-node package: npm install onnxruntime-node (its install script only fetches CUDA libraries; set ONNXRUNTIME_NODE_INSTALL=skip, or let pnpm skip build scripts, to install the CPU build alone)',
        );
      throw error;
    },
  );
  return ortModule;
}

/** @internal Whether `error` says that `name` could not be found (ESM or CommonJS resolution). */
export function isModuleNotFound(error: unknown, name: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return (
    e !== null &&
    typeof e === 'object' &&
    (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') &&
    typeof e.message === 'string' &&
    e.message.includes(name)
  );
}

const ORT_DTYPES: Record<string, TensorDtype> = {
  float32: 'float32',
  float64: 'float64',
  float16: 'float16',
  int8: 'int8',
  uint8: 'uint8',
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  int64: 'int64',
  uint64: 'uint64',
  bool: 'bool',
  string: 'string',
};

/**
 * What an ONNX Runtime session offers, named structurally (onnxruntime-node's `InferenceSession` has it).
 *
 * @example
 * ```ts
 * const outputs = await model.session.run({ [model.session.inputNames[0]!]: tensor });
 * ```
 */
export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Readonly<Record<string, unknown>>, options?: unknown): Promise<Record<string, unknown>>;
  release(): Promise<void>;
}

function specOf(meta: InferenceSession.ValueMetadata, role: 'input' | 'output'): TensorSpec {
  if (!meta.isTensor) throw new ValidationError([{ path: ['model', role, meta.name], message: 'is not a tensor (a sequence or a map): not supported' }]);
  const dtype = ORT_DTYPES[meta.type];
  if (dtype === undefined) throw new ValidationError([{ path: ['model', role, meta.name], message: `has element type ${meta.type}: not supported` }]);
  return { name: meta.name, dims: meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : null)), dtype };
}

/**
 * A model on ONNX Runtime. Its input must be `float32` or `float64` (features are converted to it); its
 * output is answered as a `Float32Array`.
 *
 * @example
 * ```ts
 * import { OnnxModel } from '@rxtrade/ml';
 *
 * // A CNN+LSTM exported from PyTorch: windows of 8 bars by 3 features in, 2 values out.
 * const model = await OnnxModel.load('packages/ml/src/models/__fixtures__/tiny-cnn-lstm.onnx');
 * console.log(model.inputShape); // { name: 'x', dims: [null, 8, 3], dtype: 'float32' }
 * const y = await model.predict(new Float32Array(2 * 8 * 3), 2); // two windows of zeros
 * console.log(y.length); // 4
 * await model.dispose();
 * ```
 */
export class OnnxModel implements Model {
  readonly inputShape: TensorSpec;
  readonly outputShape: TensorSpec;
  /** Every input of the graph (a model usable here has one). */
  readonly inputs: readonly TensorSpec[];
  /** Every output of the graph; {@link OnnxModel.outputShape} is the one answered. */
  readonly outputs: readonly TensorSpec[];
  private readonly inputSize: number;
  /** Values per sample of the output; undefined where the graph leaves a dimension after the batch free. */
  private readonly outputSize: number | undefined;
  private readonly fetches: readonly string[];
  private disposed = false;

  private constructor(
    private readonly ort: Ort,
    private readonly onnxSession: InferenceSession,
    input: TensorSpec,
    output: TensorSpec,
    inputs: readonly TensorSpec[],
    outputs: readonly TensorSpec[],
  ) {
    this.inputShape = input;
    this.outputShape = output;
    this.inputs = inputs;
    this.outputs = outputs;
    this.inputSize = sampleSize(input);
    this.outputSize = output.dims.length > 0 && output.dims.slice(1).every((d) => d !== null) ? sampleSize(output) : undefined;
    this.fetches = [output.name];
  }

  /**
   * Loads a model from a `.onnx` file or its bytes.
   *
   * @param source a file path, or the model's bytes.
   * @param config which output to answer, free dimensions to fix, ONNX Runtime session options.
   * @throws ValidationError for a bad option, a model with several inputs, an input that is not float32 or
   *   float64, a named input or output the model does not have, or a free dimension after the batch.
   * @throws UnsupportedError when onnxruntime-node is not installed.
   * @example
   * ```ts
   * import { readFileSync } from 'node:fs';
   * import { OnnxModel } from '@rxtrade/ml';
   *
   * const bytes = readFileSync('packages/ml/src/models/__fixtures__/tiny-linear-f64.onnx');
   * const model = await OnnxModel.load(bytes, { intraOpNumThreads: 1 });
   * console.log(model.inputShape.dtype, model.outputShape); // float64 { name: 'y', dims: [null, 1], dtype: 'float64' }
   * await model.dispose();
   * ```
   */
  static async load(source: string | Uint8Array, config: OnnxModelConfig = {}): Promise<OnnxModel> {
    const options = parseWith(OnnxModelConfigSchema, config, 'OnnxModel');
    if (typeof source !== 'string' && !(source instanceof Uint8Array))
      throw new ValidationError([{ path: ['OnnxModel', 'source'], message: 'must be a file path or the model\'s bytes (a Uint8Array)' }]);
    const ort = await loadOrt();
    const bytes = typeof source === 'string' ? await readFile(source) : source;
    const sessionOptions: InferenceSession.SessionOptions = {
      executionProviders: options.executionProviders ?? ['cpu'],
      ...(options.intraOpNumThreads !== undefined && { intraOpNumThreads: options.intraOpNumThreads }),
      ...(options.interOpNumThreads !== undefined && { interOpNumThreads: options.interOpNumThreads }),
      ...(options.graphOptimizationLevel !== undefined && { graphOptimizationLevel: options.graphOptimizationLevel }),
    };
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, sessionOptions);
    } catch (error) {
      const where = typeof source === 'string' ? source : `${source.byteLength} bytes`;
      throw new ValidationError([{ path: ['OnnxModel', 'source'], message: `ONNX Runtime could not load the model (${where}): ${error instanceof Error ? error.message : String(error)}` }]);
    }
    try {
      const inputs = session.inputMetadata.map((m) => specOf(m, 'input'));
      const outputs = session.outputMetadata.map((m) => specOf(m, 'output'));
      return new OnnxModel(ort, session, pickInput(inputs, options.input, options.dims), pickOutput(outputs, options.output), inputs, outputs);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /**
   * Runs the model on `batch` samples.
   *
   * @example
   * ```ts
   * const y = await model.predict(windows, 64); // 64 windows in, 64 outputs out
   * ```
   */
  async predict(input: Float32Array | Float64Array, batch: number): Promise<Float32Array> {
    if (this.disposed) throw new ValidationError([{ path: ['OnnxModel'], message: 'was disposed: load it again to predict' }]);
    checkPredictInput(this, input, batch);
    const data = this.inputShape.dtype === 'float64' ? asFloat64(input) : asFloat32(input);
    const fixed = this.inputShape.dims[0];
    // A graph exported with a fixed batch (of 1, often) is run chunk by chunk.
    const chunk = typeof fixed === 'number' ? fixed : batch;
    if (chunk === batch) return this.run(data, batch);
    const parts: Float32Array[] = [];
    for (let b = 0; b < batch; b += chunk) parts.push(await this.run(data.subarray(b * this.inputSize, (b + chunk) * this.inputSize), chunk));
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  private async run(data: Float32Array | Float64Array, batch: number): Promise<Float32Array> {
    const dims = [batch, ...(this.inputShape.dims.slice(1) as number[])];
    const tensor = new this.ort.Tensor(this.inputShape.dtype as 'float32' | 'float64', data, dims);
    const result = await this.onnxSession.run({ [this.inputShape.name]: tensor }, this.fetches as string[]);
    const out = result[this.outputShape.name] as Tensor;
    const values = out.data;
    if (this.outputSize === undefined ? values.length % batch !== 0 : values.length !== batch * this.outputSize)
      throw new ValidationError([
        { path: ['OnnxModel', 'output', this.outputShape.name], message: `answered ${values.length} values of shape ${formatDims(out.dims as number[])} for a batch of ${batch}; expected ${batch} x ${formatDims(this.outputShape.dims.slice(1))}` },
      ]);
    if (values instanceof Float32Array) return values;
    if (values instanceof Float64Array) return Float32Array.from(values);
    return Float32Array.from(values as ArrayLike<number>, Number);
  }

  /**
   * The ONNX Runtime session (onnxruntime-node's `InferenceSession`), for what the {@link Model} contract
   * does not cover (several outputs at once). Typed structurally here, so that these declarations do not
   * import onnxruntime's, which need the DOM's types; cast it to `InferenceSession` to use the rest.
   *
   * @example
   * ```ts
   * import type { InferenceSession } from 'onnxruntime-node';
   * const session = model.session as unknown as InferenceSession;
   * ```
   */
  get session(): OnnxSession {
    return this.onnxSession as unknown as OnnxSession;
  }

  /** Releases the session. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.onnxSession.release();
  }
}

function pickInput(inputs: readonly TensorSpec[], name: string | undefined, fix: readonly number[] | undefined): TensorSpec {
  if (inputs.length !== 1)
    throw new ValidationError([{ path: ['OnnxModel', 'input'], message: `the model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); a Model takes one` }]);
  const input = inputs[0]!;
  if (name !== undefined && name !== input.name) throw new ValidationError([{ path: ['OnnxModel', 'input'], message: `the model has no input "${name}"; its input is "${input.name}"` }]);
  if (input.dtype !== 'float32' && input.dtype !== 'float64')
    throw new ValidationError([{ path: ['OnnxModel', 'input', input.name], message: `has element type ${input.dtype}; a Model's input must be float32 or float64` }]);
  if (input.dims.length < 1) throw new ValidationError([{ path: ['OnnxModel', 'input', input.name], message: 'has no shape in the graph; a Model needs a batch dimension' }]);
  if (fix === undefined) return input;
  if (fix.length !== input.dims.length - 1)
    throw new ValidationError([{ path: ['OnnxModel', 'dims'], message: `gives ${fix.length} sizes; input "${input.name}" ${formatDims(input.dims)} has ${input.dims.length - 1} dimensions after the batch` }]);
  const dims = [input.dims[0]!, ...fix];
  fix.forEach((d, i) => {
    const declared = input.dims[i + 1];
    if (declared !== null && declared !== d)
      throw new ValidationError([{ path: ['OnnxModel', 'dims', i], message: `is ${d} but input "${input.name}" ${formatDims(input.dims)} fixes dimension ${i + 1} at ${declared}` }]);
  });
  return { ...input, dims };
}

function pickOutput(outputs: readonly TensorSpec[], name: string | undefined): TensorSpec {
  const output = name === undefined ? outputs[0] : outputs.find((o) => o.name === name);
  if (output === undefined)
    throw new ValidationError([{ path: ['OnnxModel', 'output'], message: `the model has no output "${String(name)}"; its outputs: ${outputs.map((o) => o.name).join(', ') || 'none'}` }]);
  if (output.dtype === 'string' || output.dtype === 'bool')
    throw new ValidationError([{ path: ['OnnxModel', 'output', output.name], message: `has element type ${output.dtype}; a Model answers numbers: pick another output with the output option` }]);
  return output;
}

function asFloat32(input: Float32Array | Float64Array): Float32Array {
  return input instanceof Float32Array ? input : Float32Array.from(input);
}

function asFloat64(input: Float32Array | Float64Array): Float64Array {
  return input instanceof Float64Array ? input : Float64Array.from(input);
}
