import * as tf from '@tensorflow/tfjs-core';
import type { Moments } from './ops.ts';
import { sumOverRows } from './channel_sums.ts';

/**
 * Mean and biased variance over every axis but the last, as tf.nn.moments (which TF-slim's
 * non-fused batch_norm uses, so moving variances get the biased estimate too). The sums are
 * matmuls (channel_sums.ts); the gradient is written out so it needs no reduction at all:
 * dx = d mean / n + 2·d variance·(x − mean) / n (the variance's path through the mean is zero).
 */
export function moments(x: tf.Tensor): Moments<tf.Tensor> {
  const n = x.size / x.shape[x.rank - 1];
  const run = tf.customGrad((xIn, save) => {
    const xs = xIn as tf.Tensor;
    const mean = tf.div(sumOverRows(xs), n);
    const centered = tf.sub(xs, mean);
    (save as tf.GradSaveFunc)([centered]);
    const variance = tf.div(sumOverRows(tf.square(centered)), n);
    // customGrad returns one tensor: mean and variance stacked as [2, C].
    return {
      value: tf.stack([mean, variance]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [dMean, dVariance] = tf.unstack(dy);
        const [c] = saved;
        return [tf.add(tf.div(dMean, n), tf.mul(c, tf.mul(dVariance, 2 / n)))];
      },
    };
  });
  const [mean, variance] = tf.unstack(run(x));
  return { mean, variance };
}

/**
 * Batch norm without a scale (TF-slim `center=True, scale=False`): x·s + (offset − mean·s) with
 * s = 1/√(variance + ε), all [C] along the last axis, any rank. Its gradient is written out so
 * the per-channel sums are matmuls rather than tfjs's broadcast-reduction (which transposes):
 *   d offset = Σdy;  d s = Σdy·x − mean·Σdy;  d mean = −s·Σdy;  d variance = −½·s³·d s;  dx = dy·s.
 */
export function batchNorm(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, offset: tf.Tensor, epsilon: number): tf.Tensor {
  const run = tf.customGrad((xIn, meanIn, varIn, offsetIn, save) => {
    const [xs, m, v, o] = [xIn, meanIn, varIn, offsetIn] as tf.Tensor[];
    const s = tf.rsqrt(tf.add(v, epsilon));
    (save as tf.GradSaveFunc)([xs, m, s]);
    return {
      value: tf.add(tf.mul(xs, s), tf.sub(o, tf.mul(m, s))),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xSaved, mSaved, sSaved] = saved;
        const sumDy = sumOverRows(dy);
        const dScale = tf.sub(sumOverRows(tf.mul(dy, xSaved)), tf.mul(mSaved, sumDy));
        return [
          tf.mul(dy, sSaved),
          tf.neg(tf.mul(sSaved, sumDy)),
          tf.mul(dScale, tf.mul(-0.5, tf.pow(sSaved, 3))),
          sumDy,
        ];
      },
    };
  });
  return run(x, mean, variance, offset);
}

/** x + bias [C] along the last axis, with the bias gradient Σdy as a matmul. */
export function biasAdd(x: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const run = tf.customGrad((xIn, bIn) => ({
    value: tf.add(xIn as tf.Tensor, bIn as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => [dy, sumOverRows(dy)],
  }));
  return run(x, bias);
}
