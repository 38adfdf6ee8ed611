/**
 * `@rxtrade/ml/tfjs`: the TensorFlow.js side of `@rxtrade/ml`: the `TfjsModel` adapter (cpu, wasm, or
 * `@tensorflow/tfjs-node` when installed) and the CNN+LSTM (builder, trainer, joint loss, custom layers,
 * files). Importing it loads `@tensorflow/tfjs`; its declarations use TensorFlow.js's types, which need
 * the DOM library (`"lib": ["dom"]`) or `skipLibCheck` in a program that type-checks them.
 *
 * @example
 * ```ts
 * import { TfjsModel, buildCnnLstm } from '@rxtrade/ml/tfjs';
 * ```
 *
 * @packageDocumentation
 */

export { TfjsModel, TfjsBackend, TfjsModelConfigSchema } from './models/tfjs-model';
export type { TfjsModelConfig, TfjsModelArtifacts } from './models/tfjs-model';

// CNN+LSTM: builder, trainer, joint loss, custom layers, files
export { buildCnnLstm, initializeCnnLstmWeights, CNN_LSTM_CLASSES, CnnLstmLayerNames } from './cnn-lstm/build-cnn-lstm';
export type { CnnLstm, CnnLstmClass } from './cnn-lstm/build-cnn-lstm';
export { CnnLstmConfigSchema, parseCnnLstmConfig } from './cnn-lstm/config';
export type { CnnLstmConfig, CnnLstmConfigInput } from './cnn-lstm/config';
export { trainCnnLstm, evaluateCnnLstm, checkCnnLstmDataset, TrainCnnLstmOptionsSchema } from './cnn-lstm/train-cnn-lstm';
export type { TrainCnnLstmOptions, CnnLstmDataset, CnnLstmMetrics, CnnLstmEpochLog, CnnLstmBatchProgress, CnnLstmTrainingResult } from './cnn-lstm/train-cnn-lstm';
export { jointLoss } from './cnn-lstm/loss';
export type { JointLoss } from './cnn-lstm/loss';
export { MultiKernelConv1D, Dense as CnnLstmDense, MultiHeadSelfAttention, BidirectionalLstm, SeededDropout, registerCnnLstmLayers } from './cnn-lstm/layers';
export { linear, bidirectionalLstm } from './cnn-lstm/ops';
export { multiHeadAttention } from './cnn-lstm/attention-op';
export { fileIoHandler, saveCnnLstm, loadCnnLstm } from './cnn-lstm/io';
export { CnnLstmModel, CnnLstmModelOptionsSchema } from './cnn-lstm/cnn-lstm-model';
export type { CnnLstmModelOptions, CnnLstmPrediction } from './cnn-lstm/cnn-lstm-model';
export type { CnnLstmSaveOptions, LoadedCnnLstm } from './cnn-lstm/io';

