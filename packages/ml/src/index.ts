/**
 * `@rxtrade/ml`: model adapters for rxtrade pipelines. This version holds the model contract and the
 * `applyModel` stage; TensorFlow.js and ONNX Runtime adapters come with the model-adapters issue.
 *
 * @packageDocumentation
 */

export { applyModel } from './apply-model';
export type { Model, ApplyModelOptions } from './apply-model';
