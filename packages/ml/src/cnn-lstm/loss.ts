/**
 * The joint loss of the CNN+LSTM's two heads:
 * `classificationWeight · CE + regressionWeight · MSE`, where CE is the class-weighted cross-entropy with
 * PyTorch's mean reduction (`Σ w[yᵢ] · −log softmax(zᵢ)[yᵢ] / Σ w[yᵢ]`, `torch.nn.functional.cross_entropy`
 * with `weight`) and MSE the mean squared error of the next-return head.
 */
import * as tf from '@tensorflow/tfjs';

/** The joint loss and its two terms, scalars. */
export interface JointLoss {
  readonly loss: tf.Scalar;
  readonly crossEntropy: tf.Scalar;
  readonly meanSquaredError: tf.Scalar;
}

/**
 * Computes the joint loss of a batch.
 *
 * @param logits `[batch, 3]` class logits.
 * @param predicted `[batch, 1]` predicted next returns.
 * @param labels `[batch]` int32 classes (0 down, 1 flat, 2 up).
 * @param returns `[batch]` realised next returns.
 * @param classWeights `[3]` weights of the classes in the cross-entropy.
 * @example
 * ```ts
 * const { loss } = jointLoss(tf.zeros([2, 3]), tf.zeros([2, 1]), tf.tensor1d([0, 2], 'int32'), tf.zeros([2]), tf.ones([3]), 1, 1);
 * loss.dataSync()[0]; // ln 3
 * ```
 */
export function jointLoss(
  logits: tf.Tensor2D,
  predicted: tf.Tensor2D,
  labels: tf.Tensor1D,
  returns: tf.Tensor1D,
  classWeights: tf.Tensor1D,
  classificationWeight: number,
  regressionWeight: number,
): JointLoss {
  const oneHot = tf.oneHot(labels, logits.shape[1]).toFloat();
  const nll = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1));
  const w = tf.sum(tf.mul(oneHot, classWeights), 1);
  const crossEntropy = tf.div(tf.sum(tf.mul(w, nll)), tf.sum(w)) as tf.Scalar;
  const meanSquaredError = tf.mean(tf.square(tf.sub(tf.reshape(predicted, [-1]), returns))) as tf.Scalar;
  const loss = tf.add(tf.mul(crossEntropy, classificationWeight), tf.mul(meanSquaredError, regressionWeight)) as tf.Scalar;
  return { loss, crossEntropy, meanSquaredError };
}
