/**
 * `buildCnnLstm`: the CNN+LSTM forecaster as a tfjs LayersModel.
 *
 * ```
 * window [steps, features]
 *   ├─ parallel conv1d, kernels 3/5/7/11 × filters, ReLU ─┐
 *   └─ dense projection (residual) ───────────────────────┴─ add ─ self-attention + residual
 *   → bidirectional LSTM, dropout (× layers) → self-attention + residual → mean over steps
 *   → dense ReLU, dropout → class logits (down, flat, up) → softmax
 *                         → next return
 * ```
 *
 * The model's outputs are `[classProbabilities (batch, 3), nextReturn (batch, 1)]`; training reads the
 * logits ({@link CnnLstm.trainingModel}) so that the cross-entropy is computed from `logSoftmax`.
 */
import * as tf from '@tensorflow/tfjs';
import { parseCnnLstmConfig, type CnnLstmConfig } from './config';
import { BidirectionalLstm, Dense, isSeededLayer, MultiHeadSelfAttention, MultiKernelConv1D, registerCnnLstmLayers, SeededDropout } from './layers';
import { SeededRandom } from './random';

/** Class order of the classification head. */
export const CNN_LSTM_CLASSES = ['down', 'flat', 'up'] as const;
/** One of {@link CNN_LSTM_CLASSES}. */
export type CnnLstmClass = (typeof CNN_LSTM_CLASSES)[number];

/** Layer names that other code (training, loading) looks up. */
export const CnnLstmLayerNames = {
  INPUT: 'window',
  CLASS_LOGITS: 'class_logits',
  CLASS_PROBABILITIES: 'class_probabilities',
  NEXT_RETURN: 'next_return',
} as const;

/** A built CNN+LSTM: the model that predicts and the view of it that training differentiates. */
export interface CnnLstm {
  /** The configuration it was built from, defaults filled. */
  readonly config: CnnLstmConfig;
  /** Outputs `[class probabilities (batch, 3), next return (batch, 1)]`. */
  readonly model: tf.LayersModel;
  /** The same layers with outputs `[class logits (batch, 3), next return (batch, 1)]`. */
  readonly trainingModel: tf.LayersModel;
}

/**
 * Builds a CNN+LSTM from its configuration (see {@link CnnLstmConfigSchema}), its weights initialised
 * from `config.seed`: the same config gives the same weights on every run.
 *
 * @example
 * ```ts
 * const net = buildCnnLstm({ steps: 30, features: 20, filters: 32, lstmUnits: [64], seed: 7 });
 * const [probs, nextReturn] = net.model.predict(tf.zeros([2, 30, 20])) as tf.Tensor[];
 * probs.shape; // [2, 3]
 * ```
 */
export function buildCnnLstm(config: unknown): CnnLstm {
  const parsed = parseCnnLstmConfig(config);
  registerCnnLstmLayers();
  const c = parsed;
  const convWidth = c.kernelSizes.length * c.filters;
  const input = tf.input({ shape: [c.steps, c.features], name: CnnLstmLayerNames.INPUT });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;

  const conv = apply(new MultiKernelConv1D({ kernelSizes: c.kernelSizes, filters: c.filters, inputGradient: false, name: 'conv' }), input);
  const projection = apply(new Dense({ units: convWidth, inputGradient: false, name: 'residual_projection' }), input);
  const convOut = apply(tf.layers.add({ name: 'conv_residual' }), [conv, projection]);
  const convAttention = apply(new MultiHeadSelfAttention({ heads: c.attentionHeads, name: 'conv_attention' }), convOut);
  let x = apply(tf.layers.add({ name: 'conv_attention_residual' }), [convOut, convAttention]);
  c.lstmUnits.forEach((units, i) => {
    x = apply(new BidirectionalLstm({ units, name: `bilstm_${i + 1}` }), x);
    x = apply(new SeededDropout({ rate: c.dropout, name: `bilstm_${i + 1}_dropout` }), x);
  });
  const lstmAttention = apply(new MultiHeadSelfAttention({ heads: c.attentionHeads, name: 'lstm_attention' }), x);
  x = apply(tf.layers.add({ name: 'lstm_attention_residual' }), [x, lstmAttention]);
  x = apply(tf.layers.globalAveragePooling1d({ name: 'pool' }), x);
  if (c.headUnits > 0) {
    x = apply(new Dense({ units: c.headUnits, activation: 'relu', name: 'head_dense' }), x);
    x = apply(new SeededDropout({ rate: c.dropout, name: 'head_dropout' }), x);
  }
  const logits = apply(new Dense({ units: CNN_LSTM_CLASSES.length, name: CnnLstmLayerNames.CLASS_LOGITS }), x);
  const probabilities = apply(tf.layers.softmax({ name: CnnLstmLayerNames.CLASS_PROBABILITIES }), logits);
  const nextReturn = apply(new Dense({ units: 1, name: CnnLstmLayerNames.NEXT_RETURN }), x);

  const model = tf.model({ inputs: input, outputs: [probabilities, nextReturn], name: 'cnn_lstm' });
  initializeCnnLstmWeights(model, c.seed);
  return { config: parsed, model, trainingModel: trainingView(model) };
}

/** Sets every weight of `model` from `seed` (layers in graph order, each from the same generator). */
export function initializeCnnLstmWeights(model: tf.LayersModel, seed: number): void {
  const rng = new SeededRandom(seed);
  for (const layer of model.layers) if (isSeededLayer(layer)) layer.initializeWeights(rng);
}

/** The model with the logits in place of the probabilities, sharing its layers and weights. */
export function trainingView(model: tf.LayersModel): tf.LayersModel {
  const logits = model.getLayer(CnnLstmLayerNames.CLASS_LOGITS).output as tf.SymbolicTensor;
  const nextReturn = model.getLayer(CnnLstmLayerNames.NEXT_RETURN).output as tf.SymbolicTensor;
  return tf.model({ inputs: model.inputs, outputs: [logits, nextReturn], name: 'cnn_lstm_training' });
}
