import * as tf from '@tensorflow/tfjs-core';
import type { Moments } from './ops.ts';

/**
 * Mean and biased variance over every axis but the last, as tf.nn.moments (which TF-slim's
 * non-fused batch_norm uses, so moving variances get the biased estimate too).
 */
export function moments(x: tf.Tensor): Moments<tf.Tensor> {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const mean = tf.mean(x, axes);
  const variance = tf.mean(tf.square(tf.sub(x, mean)), axes);
  return { mean, variance };
}

/**
 * Batch norm without a scale (TF-slim `center=True, scale=False`): x·s + (offset − mean·s) with
 * s = 1/√(variance + ε), all [C] along the last axis. Elementwise, so it differentiates on every
 * backend and rank (tf.batchNorm's gradient fails on 5-D input).
 */
export function batchNorm(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, offset: tf.Tensor, epsilon: number): tf.Tensor {
  const scale = tf.rsqrt(tf.add(variance, epsilon));
  const shift = tf.sub(offset, tf.mul(mean, scale));
  return tf.add(tf.mul(x, scale), shift);
}
