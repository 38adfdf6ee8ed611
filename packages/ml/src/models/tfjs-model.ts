/**
 * `TfjsModel`: a {@link Model} on TensorFlow.js, loaded from a layers model (`model.json` and its weight
 * files, as Keras' `tensorflowjs_converter` and `model.save` write them) by path or from bytes, or wrapped
 * around a `LayersModel` built in the same process.
 *
 * Backends: `'cpu'` (pure JavaScript, always there), `'wasm'` (`@tensorflow/tfjs-backend-wasm`, several
 * times faster for small dense and recurrent models) and `'tensorflow'` (`@tensorflow/tfjs-node`, the
 * native TensorFlow library: an optional peer dependency, installed by the user). `'auto'`, the default,
 * takes `'tensorflow'` when `@tensorflow/tfjs-node` can be imported and `'cpu'` otherwise. TensorFlow.js
 * has one active backend per process: a model switches to its own for each prediction (and for loading)
 * and switches back to the one it found, so models on different backends, and other TensorFlow.js code,
 * share a process.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UnsupportedError, ValidationError, parseWith } from '@rxtrade/core';
import type * as Tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { checkPredictInput, sampleSize, type Model, type TensorDtype, type TensorSpec } from './model';
import { isModuleNotFound } from './onnx-model';

/**
 * The TensorFlow.js backends a {@link TfjsModel} can run on.
 *
 * @example
 * ```ts
 * const backend: TfjsBackend = TfjsBackend.WASM;
 * ```
 */
export const TfjsBackend = {
  /** `@tensorflow/tfjs-node` when it is installed, else `cpu`. */
  AUTO: 'auto',
  /** Pure JavaScript kernels of `@tensorflow/tfjs`. */
  CPU: 'cpu',
  /** WebAssembly kernels of `@tensorflow/tfjs-backend-wasm`. */
  WASM: 'wasm',
  /** The native TensorFlow library through `@tensorflow/tfjs-node` (an optional peer dependency). */
  TENSORFLOW: 'tensorflow',
} as const;
export type TfjsBackend = (typeof TfjsBackend)[keyof typeof TfjsBackend];

/**
 * Schema of {@link TfjsModelConfig}: strict, so a misspelled option is an error.
 *
 * @example
 * ```ts
 * TfjsModelConfigSchema.parse({ backend: 'wasm' });
 * ```
 */
export const TfjsModelConfigSchema = z.strictObject({
  /** Backend to run on (default `'auto'`). */
  backend: z.enum([TfjsBackend.AUTO, TfjsBackend.CPU, TfjsBackend.WASM, TfjsBackend.TENSORFLOW]).default(TfjsBackend.AUTO),
  /** The output to answer, by name or index, for a model with several (default: the first). */
  output: z.union([z.string().min(1), z.number().int().nonnegative()]).optional(),
});
/**
 * Options of {@link TfjsModel.load}.
 *
 * @example
 * ```ts
 * const config: TfjsModelConfig = { backend: 'cpu' };
 * ```
 */
export type TfjsModelConfig = z.input<typeof TfjsModelConfigSchema>;

/**
 * A layers model held in memory: the `model.json` (text, bytes or parsed) and the bytes of its weight
 * files, concatenated in the order of its `weightsManifest` (or given as a list in that order).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const dir = 'packages/ml/src/models/__fixtures__/tiny-cnn-lstm-tfjs';
 * const artifacts: TfjsModelArtifacts = { modelJson: readFileSync(`${dir}/model.json`), weights: readFileSync(`${dir}/weights.bin`) };
 * ```
 */
export interface TfjsModelArtifacts {
  readonly modelJson: string | Uint8Array | Readonly<Record<string, unknown>>;
  readonly weights: Uint8Array | ArrayBuffer | readonly (Uint8Array | ArrayBuffer)[];
}

type TfModule = typeof Tf;

interface LoadedTf {
  readonly tf: TfModule;
  readonly backend: 'cpu' | 'wasm' | 'tensorflow';
}

const loaded = new Map<TfjsBackend, Promise<LoadedTf>>();

/** Imports TensorFlow.js (and the backend's package) once per backend; a missing package says what to install. */
function loadTf(backend: TfjsBackend): Promise<LoadedTf> {
  let p = loaded.get(backend);
  if (p === undefined) {
    p = importTf(backend);
    loaded.set(backend, p);
    p.catch(() => loaded.delete(backend));
  }
  return p;
}

async function importTf(backend: TfjsBackend): Promise<LoadedTf> {
  if (backend === TfjsBackend.TENSORFLOW || backend === TfjsBackend.AUTO) {
    try {
      // A variable specifier: @tensorflow/tfjs-node is an optional peer, not resolved at build time.
      const specifier = '@tensorflow/tfjs-node';
      const tfNode = (await import(specifier)) as TfModule & { default?: TfModule };
      const tf = typeof tfNode.loadLayersModel === 'function' ? tfNode : tfNode.default!;
      const previous = tf.getBackend();
      const started = await tf.setBackend('tensorflow');
      await restore(tf, previous);
      if (!started) throw new UnsupportedError("TensorFlow.js could not start its 'tensorflow' backend (@tensorflow/tfjs-node)");
      return { tf, backend: 'tensorflow' };
    } catch (error) {
      if (!isModuleNotFound(error, '@tensorflow/tfjs-node')) throw error;
      if (backend === TfjsBackend.TENSORFLOW)
        throw new UnsupportedError(
          "TfjsModel's 'tensorflow' backend needs the @tensorflow/tfjs-node package (native TensorFlow): npm install @tensorflow/tfjs-node, or pick the 'cpu' or 'wasm' backend",
        );
    }
  }
  const tf = await import('@tensorflow/tfjs');
  // Settles the process's backend before the wasm package registers its own (at a higher priority, it
  // would otherwise become the default of code that never picks one); it is given back below.
  await tf.ready();
  const previous = tf.getBackend();
  if (backend === TfjsBackend.WASM) {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
    } catch (error) {
      if (isModuleNotFound(error, '@tensorflow/tfjs-backend-wasm'))
        throw new UnsupportedError("TfjsModel's 'wasm' backend needs the @tensorflow/tfjs-backend-wasm package: npm install @tensorflow/tfjs-backend-wasm");
      throw error;
    }
  }
  const name = backend === TfjsBackend.WASM ? 'wasm' : 'cpu';
  const started = await tf.setBackend(name);
  await restore(tf, previous);
  if (!started) throw new UnsupportedError(`TensorFlow.js could not start its '${name}' backend`);
  return { tf, backend: name };
}

/**
 * A model on TensorFlow.js. Its input must be `float32` (features are converted to it).
 *
 * @example
 * ```ts
 * import { TfjsModel } from '@rxtrade/ml/tfjs';
 *
 * const model = await TfjsModel.load('packages/ml/src/models/__fixtures__/tiny-cnn-lstm-tfjs/model.json', { backend: 'cpu' });
 * console.log(model.backend, model.inputShape.dims, model.outputShape.dims); // cpu [null, 8, 3] [null, 2]
 * const y = await model.predict(new Float32Array(8 * 3), 1);
 * console.log(y.length); // 2
 * model.dispose();
 * ```
 */
export class TfjsModel implements Model {
  readonly inputShape: TensorSpec;
  readonly outputShape: TensorSpec;
  /** The backend it runs on: `'cpu'`, `'wasm'` or `'tensorflow'`. */
  readonly backend: 'cpu' | 'wasm' | 'tensorflow';
  private readonly inputDims: readonly number[];
  private readonly outputIndex: number;
  private disposed = false;

  private constructor(
    private readonly tf: TfModule,
    backend: 'cpu' | 'wasm' | 'tensorflow',
    private readonly model: Tf.LayersModel,
    output: string | number | undefined,
  ) {
    this.backend = backend;
    if (model.inputs.length !== 1)
      throw new ValidationError([{ path: ['TfjsModel', 'input'], message: `the model has ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ')}); a Model takes one` }]);
    const input = model.inputs[0]!;
    this.inputShape = { name: input.name, dims: input.shape.map((d) => d ?? null), dtype: input.dtype as TensorDtype };
    if (this.inputShape.dtype !== 'float32')
      throw new ValidationError([{ path: ['TfjsModel', 'input', input.name], message: `has element type ${input.dtype}; a Model's input must be float32` }]);
    sampleSize(this.inputShape); // dimensions after the batch must be fixed
    this.inputDims = this.inputShape.dims.slice(1) as number[];
    const outputs = model.outputs;
    const index = output === undefined ? 0 : typeof output === 'number' ? output : outputs.findIndex((o) => o.name === output || o.sourceLayer.name === output);
    const picked = outputs[index];
    if (picked === undefined)
      throw new ValidationError([{ path: ['TfjsModel', 'output'], message: `the model has no output ${JSON.stringify(output)}; its outputs: ${outputs.map((o, i) => `${i}: ${o.name}`).join(', ')}` }]);
    this.outputIndex = index;
    this.outputShape = { name: picked.name, dims: picked.shape.map((d) => d ?? null), dtype: picked.dtype as TensorDtype };
  }

  /**
   * Loads a layers model from the path of its `model.json` (weight files beside it) or from bytes.
   *
   * @param source the path of `model.json`, or {@link TfjsModelArtifacts}.
   * @param config the backend, and which output to answer.
   * @throws ValidationError for a bad option, a graph model, weights that do not match the manifest, a model
   *   with several inputs or a non-float32 input.
   * @throws UnsupportedError when the backend's package is missing.
   * @example
   * ```ts
   * import { readFileSync } from 'node:fs';
   * import { TfjsModel } from '@rxtrade/ml/tfjs';
   *
   * const dir = 'packages/ml/src/models/__fixtures__/tiny-cnn-lstm-tfjs';
   * const model = await TfjsModel.load({ modelJson: readFileSync(`${dir}/model.json`), weights: readFileSync(`${dir}/weights.bin`) }, { backend: 'wasm' });
   * console.log(model.backend); // wasm
   * model.dispose();
   * ```
   */
  static async load(source: string | TfjsModelArtifacts, config: TfjsModelConfig = {}): Promise<TfjsModel> {
    const options = parseWith(TfjsModelConfigSchema, config, 'TfjsModel');
    const artifacts = typeof source === 'string' ? await readArtifacts(source) : parseArtifacts(source, 'source');
    const { tf, backend } = await loadTf(options.backend);
    const model = await exclusive(tf, async () => {
      const previous = tf.getBackend();
      await use(tf, backend);
      try {
        return await tf.loadLayersModel(
          tf.io.fromMemory({ modelTopology: artifacts.topology, weightSpecs: artifacts.weightSpecs as Tf.io.WeightsManifestEntry[], weightData: artifacts.weightData }),
        );
      } finally {
        await restore(tf, previous);
      }
    });
    try {
      return new TfjsModel(tf, backend, model, options.output);
    } catch (error) {
      model.dispose();
      throw error;
    }
  }

  /**
   * Wraps a `LayersModel` built or trained in this process (by `@tensorflow/tfjs`, or by
   * `@tensorflow/tfjs-node` for the `'tensorflow'` backend). The model is not copied: disposing the
   * TfjsModel disposes it.
   *
   * @example
   * ```ts
   * import * as tf from '@tensorflow/tfjs';
   * import { TfjsModel } from '@rxtrade/ml/tfjs';
   *
   * const net = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });
   * const model = await TfjsModel.fromLayersModel(net, { backend: 'cpu' });
   * console.log(model.inputShape.dims); // [null, 4]
   * ```
   */
  static async fromLayersModel(model: Tf.LayersModel, config: TfjsModelConfig = {}): Promise<TfjsModel> {
    const options = parseWith(TfjsModelConfigSchema, config, 'TfjsModel');
    const { tf, backend } = await loadTf(options.backend);
    return new TfjsModel(tf, backend, model, options.output);
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
    if (this.disposed) throw new ValidationError([{ path: ['TfjsModel'], message: 'was disposed: load it again to predict' }]);
    checkPredictInput(this, input, batch);
    return exclusive(this.tf, async () => {
      const tf = this.tf;
      const previous = tf.getBackend();
      await use(tf, this.backend);
      try {
        const out = tf.tidy(() => {
          // tf.tensor keeps a Float32Array as is (no copy); it takes no Float64Array.
          const x = tf.tensor(input instanceof Float32Array ? input : Float32Array.from(input), [batch, ...this.inputDims], 'float32');
          const y = this.model.predict(x);
          return Array.isArray(y) ? y[this.outputIndex]! : (y as Tf.Tensor);
        });
        try {
          // Copied out of the backend's memory: the answer is the caller's to keep.
          return new Float32Array(out.dataSync() as Float32Array);
        } finally {
          out.dispose();
        }
      } finally {
        await restore(tf, previous);
      }
    });
  }

  /** The wrapped TensorFlow.js model. */
  get layersModel(): Tf.LayersModel {
    return this.model;
  }

  /** Releases the model's weights. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }
}

const queues = new WeakMap<TfModule, Promise<unknown>>();

/**
 * Runs `task` when the TfjsModels' earlier tasks on the same TensorFlow.js have finished: a task switches
 * the process-wide backend, and two interleaved tasks on different backends would switch it under each
 * other.
 */
function exclusive<T>(tf: TfModule, task: () => Promise<T>): Promise<T> {
  const run = (queues.get(tf) ?? Promise.resolve()).then(task, task);
  queues.set(
    tf,
    run.then(
      () => undefined,
      () => undefined,
    ),
  );
  return run;
}

/** Gives TensorFlow.js back the backend it had (other code in the process may rely on it). */
async function restore(tf: TfModule, previous: string): Promise<void> {
  if (previous && tf.getBackend() !== previous) await tf.setBackend(previous);
}

async function use(tf: TfModule, backend: string): Promise<void> {
  if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new UnsupportedError(`TensorFlow.js could not switch to its '${backend}' backend`);
}

interface ParsedArtifacts {
  readonly topology: Tf.io.ModelJSON['modelTopology'];
  readonly weightSpecs: readonly { name: string; shape: number[]; dtype: string; quantization?: unknown }[];
  readonly weightData: ArrayBuffer;
}

async function readArtifacts(path: string): Promise<ParsedArtifacts> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ValidationError([{ path: ['TfjsModel', 'source'], message: `cannot read ${path}: ${(error as Error).message}` }]);
  }
  const json = parseModelJson(text, 'source');
  const dir = dirname(resolve(path));
  const files: Uint8Array[] = [];
  for (const group of manifestOf(json, 'source'))
    for (const file of group.paths) {
      try {
        files.push(await readFile(resolve(dir, file)));
      } catch (error) {
        throw new ValidationError([{ path: ['TfjsModel', 'source', 'weightsManifest'], message: `cannot read weight file ${file} beside ${path}: ${(error as Error).message}` }]);
      }
    }
  return assemble(json, files, 'source');
}

function parseArtifacts(source: TfjsModelArtifacts, field: string): ParsedArtifacts {
  if (typeof source !== 'object' || source === null || !('modelJson' in source) || !('weights' in source))
    throw new ValidationError([{ path: ['TfjsModel', field], message: 'must be the path of a model.json or { modelJson, weights }' }]);
  const extra = Object.keys(source).filter((k) => k !== 'modelJson' && k !== 'weights');
  if (extra.length > 0) throw new ValidationError(extra.map((k) => ({ path: ['TfjsModel', field, k], message: 'unknown option' })));
  const { modelJson, weights } = source;
  const json =
    typeof modelJson === 'string'
      ? parseModelJson(modelJson, field)
      : modelJson instanceof Uint8Array
        ? parseModelJson(new TextDecoder().decode(modelJson), field)
        : (modelJson as Record<string, unknown>);
  const parts = Array.isArray(weights) ? (weights as readonly (Uint8Array | ArrayBuffer)[]) : [weights as Uint8Array | ArrayBuffer];
  return assemble(
    json,
    parts.map((p, i) => {
      if (p instanceof Uint8Array) return p;
      if (p instanceof ArrayBuffer) return new Uint8Array(p);
      throw new ValidationError([{ path: ['TfjsModel', field, 'weights', i], message: 'must be a Uint8Array or an ArrayBuffer' }]);
    }),
    field,
  );
}

function parseModelJson(text: string, field: string): Record<string, unknown> {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) return json as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ValidationError([{ path: ['TfjsModel', field, 'modelJson'], message: 'is not a JSON object (the model.json of a layers model)' }]);
}

function manifestOf(json: Record<string, unknown>, field: string): readonly { paths: string[]; weights: ParsedArtifacts['weightSpecs'] }[] {
  if (json.format === 'graph-model')
    throw new ValidationError([{ path: ['TfjsModel', field, 'modelJson', 'format'], message: 'is graph-model: TfjsModel loads layers models (Keras models saved by tensorflowjs_converter --output_format tfjs_layers_model, or model.save)' }]);
  if (typeof json.modelTopology !== 'object' || json.modelTopology === null)
    throw new ValidationError([{ path: ['TfjsModel', field, 'modelJson', 'modelTopology'], message: 'is missing: not a layers model.json' }]);
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest) || manifest.some((g) => typeof g !== 'object' || g === null || !Array.isArray((g as { paths?: unknown }).paths) || !Array.isArray((g as { weights?: unknown }).weights)))
    throw new ValidationError([{ path: ['TfjsModel', field, 'modelJson', 'weightsManifest'], message: 'must be a list of { paths, weights }' }]);
  return manifest as { paths: string[]; weights: ParsedArtifacts['weightSpecs'] }[];
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

function assemble(json: Record<string, unknown>, files: readonly Uint8Array[], field: string): ParsedArtifacts {
  const groups = manifestOf(json, field);
  const weightSpecs = groups.flatMap((g) => g.weights);
  const total = files.reduce((n, f) => n + f.byteLength, 0);
  // Quantized weights take other sizes; the loader checks those.
  if (weightSpecs.every((w) => w.quantization === undefined && BYTES[w.dtype] !== undefined)) {
    const expected = weightSpecs.reduce((n, w) => n + BYTES[w.dtype]! * w.shape.reduce((a, b) => a * b, 1), 0);
    if (expected !== total)
      throw new ValidationError([{ path: ['TfjsModel', field, 'weights'], message: `hold ${total} bytes; the weightsManifest describes ${expected} (${weightSpecs.length} weights)` }]);
  }
  const weightData = new Uint8Array(total);
  let at = 0;
  for (const f of files) {
    weightData.set(f, at);
    at += f.byteLength;
  }
  return { topology: json.modelTopology as ParsedArtifacts['topology'], weightSpecs, weightData: weightData.buffer };
}
