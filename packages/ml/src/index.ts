/**
 * `@rxtrade/ml`: model adapters for rxtrade pipelines. This version holds the model contract and the
 * `applyModel` stage; adapters for TensorFlow.js and ONNX Runtime are not part of this version.
 *
 * @packageDocumentation
 */

export { applyModel } from './apply-model';
export type { Model, ApplyModelOptions } from './apply-model';
