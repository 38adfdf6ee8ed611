/**
 * Saving and loading a CNN+LSTM as files, without `@tensorflow/tfjs-node`: {@link fileIoHandler} is a tfjs
 * IO handler that writes and reads tfjs' own layers-model format (`model.json` with the topology and
 * weights manifest, `weights.bin` with the weights) through `node:fs`; {@link saveCnnLstm} adds
 * `cnn-lstm.json` beside them with what inference needs besides the weights: the configuration, the
 * feature names in input order, the window, the scaler's fitted parameters and free metadata.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { parseWith, ValidationError } from '@rxtrade/core';
import { z } from 'zod';
import { scalerFromJSON } from '../models/scalers/scaler-from-json';
import type { Scaler } from '../models/scalers/scaler';
import { trainingView, type CnnLstm } from './build-cnn-lstm';
import { CnnLstmConfigSchema } from './config';
import { registerCnnLstmLayers } from './layers';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';
const SIDECAR = 'cnn-lstm.json';

/**
 * A tfjs IO handler that saves to and loads from a directory with `node:fs`: `model.json` and one
 * `weights.bin`, the files `tf.loadLayersModel('file://…')` reads under tfjs-node.
 *
 * @example
 * ```ts
 * await model.save(fileIoHandler('models/cnn-lstm'));
 * const again = await tf.loadLayersModel(fileIoHandler('models/cnn-lstm'));
 * ```
 */
export function fileIoHandler(directory: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('fileIoHandler saves layers models (JSON topology) only');
      await mkdir(directory, { recursive: true });
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      await writeFile(join(directory, WEIGHTS_BIN), new Uint8Array(weights));
      await writeFile(join(directory, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData: weights }) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const modelJson = JSON.parse(await readFile(join(directory, MODEL_JSON), 'utf8')) as tf.io.ModelJSON;
      const buffers: ArrayBuffer[] = [];
      const specs: tf.io.WeightsManifestEntry[] = [];
      for (const group of modelJson.weightsManifest ?? []) {
        for (const path of group.paths) {
          const bytes = await readFile(join(directory, path));
          buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
        }
        specs.push(...group.weights);
      }
      return tf.io.getModelArtifactsForJSONSync(modelJson, specs, tf.io.CompositeArrayBuffer.join(buffers));
    },
  };
}

/** What {@link saveCnnLstm} stores beside the weights. */
export interface CnnLstmSaveOptions {
  /** Names of the features in input order (`config.features` of them). */
  readonly featureNames?: readonly string[];
  /** The scaler fitted on the training features; saved as its JSON. */
  readonly scaler?: Scaler;
  /** Free JSON metadata (training period, data hash, metrics). */
  readonly metadata?: Record<string, unknown>;
}

const SidecarSchema = z.strictObject({
  format: z.literal('rxtrade-cnn-lstm'),
  version: z.literal(1),
  config: CnnLstmConfigSchema,
  window: z.strictObject({ steps: z.number().int().positive(), features: z.number().int().positive() }),
  featureNames: z.array(z.string()).optional(),
  scaler: z.unknown().optional(),
  classes: z.tuple([z.literal('down'), z.literal('flat'), z.literal('up')]),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/** A loaded CNN+LSTM with what was saved beside it. */
export interface LoadedCnnLstm extends CnnLstm {
  readonly featureNames?: readonly string[];
  readonly scaler?: Scaler;
  readonly metadata?: Record<string, unknown>;
}

/**
 * Saves a CNN+LSTM to `directory`: `model.json`, `weights.bin` and `cnn-lstm.json`.
 *
 * @example
 * ```ts
 * await saveCnnLstm(net, 'models/cnn-lstm', { featureNames, scaler, metadata: { trainedUntil: '2020-01-01' } });
 * ```
 */
export async function saveCnnLstm(net: CnnLstm, directory: string, options: CnnLstmSaveOptions = {}): Promise<void> {
  const { steps, features } = net.config;
  if (options.featureNames && options.featureNames.length !== features) {
    throw parseError('options.featureNames', `has ${options.featureNames.length} names; the model reads ${features} features`);
  }
  if (options.scaler && options.scaler.width !== features) throw parseError('options.scaler', `scales ${options.scaler.width} features; the model reads ${features}`);
  await net.model.save(fileIoHandler(directory));
  const sidecar = {
    format: 'rxtrade-cnn-lstm',
    version: 1,
    config: net.config,
    window: { steps, features },
    ...(options.featureNames ? { featureNames: [...options.featureNames] } : {}),
    ...(options.scaler ? { scaler: options.scaler.toJSON() } : {}),
    classes: ['down', 'flat', 'up'],
    ...(options.metadata ? { metadata: options.metadata } : {}),
  };
  await writeFile(join(directory, SIDECAR), JSON.stringify(sidecar, null, 2));
}

function parseError(path: string, message: string): ValidationError {
  return new ValidationError([{ path: path.split('.'), message }]);
}

/**
 * Loads a CNN+LSTM saved by {@link saveCnnLstm}, with its configuration, feature names, scaler and
 * metadata.
 *
 * @example
 * ```ts
 * const net = await loadCnnLstm('models/cnn-lstm');
 * const [probabilities, nextReturn] = net.model.predict(window) as tf.Tensor[];
 * ```
 */
export async function loadCnnLstm(directory: string): Promise<LoadedCnnLstm> {
  registerCnnLstmLayers();
  const sidecar = parseWith(SidecarSchema, JSON.parse(await readFile(join(directory, SIDECAR), 'utf8')), SIDECAR);
  const model = await tf.loadLayersModel(fileIoHandler(directory));
  return {
    config: sidecar.config,
    model,
    trainingModel: trainingView(model),
    ...(sidecar.featureNames ? { featureNames: sidecar.featureNames } : {}),
    ...(sidecar.scaler !== undefined ? { scaler: scalerFromJSON(sidecar.scaler) } : {}),
    ...(sidecar.metadata ? { metadata: sidecar.metadata } : {}),
  };
}
