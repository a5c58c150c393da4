import * as tf from '@tensorflow/tfjs-core';

/** The terms of the training objective, each a scalar tensor. */
export interface LossTerms {
  total: tf.Scalar;
  crossEntropy: tf.Scalar;
  l1: tf.Scalar;
  l2: tf.Scalar;
}

/**
 * The original trainer's objective: sigmoid cross-entropy averaged over every (clip, class)
 * (tf.losses.sigmoid_cross_entropy's default reduction) plus weight decay on the conv weights,
 * both L1 (decay·Σ|w|) and L2 (decay·Σw²/2, TF-slim's l2_regularizer).
 * labels, logits: [B, K]; `weights` are the regularised variables.
 */
export function trainingLoss(labels: tf.Tensor, logits: tf.Tensor, weights: tf.Tensor[], weightDecay: number): LossTerms {
  const crossEntropy = tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar;
  let l1: tf.Scalar = tf.scalar(0);
  let l2: tf.Scalar = tf.scalar(0);
  if (weightDecay > 0 && weights.length > 0) {
    l1 = tf.mul(tf.addN(weights.map((w) => tf.sum(tf.abs(w)))), weightDecay);
    l2 = tf.mul(tf.addN(weights.map((w) => tf.sum(tf.square(w)))), weightDecay / 2);
  }
  return { total: tf.addN([crossEntropy, l1, l2]) as tf.Scalar, crossEntropy, l1, l2 };
}
