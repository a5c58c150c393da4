import * as tf from '@tensorflow/tfjs-core';
import type { Moments } from '../../ops/ops.ts';
import { meanOverRows, sumOverRows } from './channel_sums.ts';
import { channelAffine } from './channel_affine.ts';
import {
  BATCH_NORM_RELU_TRAINING,
  BATCH_NORM_RELU_TRAINING_GRAD,
  canFuseBatchNormRelu,
  type BatchNormReluTrainingAttrs,
} from '../kernels/batch_norm_relu.ts';

/**
 * Training-mode batch norm without a scale, then ReLU, as one differentiable op:
 * relu((x − mean)·s + offset), s = 1/√(variance + ε), with x's own mean and biased variance over
 * every axis but the last (tf.nn.moments, which TF-slim's non-fused batch_norm uses). The moments
 * go to `onMoments` while the op runs, for the moving averages: there the tape is off, so those
 * updates cost no gradient bookkeeping. They are disposed when the op returns.
 *
 * One custom gradient instead of moments → batch norm → ReLU, each with its own tape node and
 * saved tensors, halves the kernels of the whole stretch (each kernel has a fixed engine cost on
 * wasm, whatever its size). With x̂ = (x − mean)·s and dy the gradient after the ReLU:
 *   d offset = Σdy;   dx = s·(dy − mean(dy) − x̂·mean(dy·x̂))   (the textbook batch-norm gradient).
 * Two routes compute the halves: on wasm, with C a multiple of 4, one kernel each of our own
 * (kernels/batch_norm_relu.ts: SIMD, two to three passes over memory); elsewhere tfjs ops.
 */
export function batchNormReluTraining(
  x: tf.Tensor,
  offset: tf.Tensor,
  epsilon: number,
  onMoments: (m: Moments<tf.Tensor>) => void,
): tf.Tensor {
  const halves = canFuseBatchNormRelu(tf.backend(), x.shape) ? BY_OUR_KERNELS : BY_TFJS_OPS;
  const run = tf.customGrad((xIn, offsetIn, save) => {
    const { centered, value, mean, variance, scale } = halves.forward(xIn as tf.Tensor, offsetIn as tf.Tensor, epsilon);
    onMoments({ mean, variance });
    (save as tf.GradSaveFunc)([centered, value, scale]);
    return {
      value,
      gradFunc: (dz: tf.Tensor, saved: tf.Tensor[]) => {
        const [c, z, s] = saved;
        return halves.backward(dz, z, c, s);
      },
    };
  });
  return run(x, offset);
}

/** batchNormReluTraining's forward and backward, by one route (their tensors as named above). */
interface BatchNormReluHalves {
  forward(
    x: tf.Tensor,
    offset: tf.Tensor,
    epsilon: number,
  ): { centered: tf.Tensor; value: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor; scale: tf.Tensor };
  /** [dx, d offset] from dz, the gradient after the ReLU. */
  backward(dz: tf.Tensor, value: tf.Tensor, centered: tf.Tensor, scale: tf.Tensor): tf.Tensor[];
}

/** Any backend: tfjs ops, with channelAffine's single-pass maps. */
const BY_TFJS_OPS: BatchNormReluHalves = {
  forward: (x, offset, epsilon) => {
    const mean = meanOverRows(x);
    const centered = channelAffine(x, null, tf.neg(mean));
    const variance = meanOverRows(tf.square(centered));
    const scale = tf.rsqrt(tf.add(variance, epsilon));
    return { centered, value: channelAffine(centered, scale, offset, true), mean, variance, scale };
  },
  backward: (dz, value, centered, scale) => {
    const dy = tf.mul(dz, tf.step(value));
    const meanDy = meanOverRows(dy);
    // mean(dy·x̂) = s·mean(dy·c), so x̂·mean(dy·x̂) = c·s²·mean(dy·c).
    const k = tf.mul(tf.square(scale), meanOverRows(tf.mul(dy, centered)));
    const dx = channelAffine(tf.sub(dy, channelAffine(centered, k, meanDy)), scale, null);
    return [dx, tf.mul(meanDy, dy.size / dy.shape[dy.rank - 1])];
  },
};

/** wasm, C a multiple of 4: one kernel of our own each way (kernels/batch_norm_relu.ts). */
const BY_OUR_KERNELS: BatchNormReluHalves = {
  forward: (x, offset, epsilon) => {
    const attrs: BatchNormReluTrainingAttrs = { epsilon };
    const [centered, value, mean, variance, scale] = tf.engine().runKernel(BATCH_NORM_RELU_TRAINING, { x, offset }, attrs) as tf.Tensor[];
    return { centered, value, mean, variance, scale };
  },
  backward: (dz, value, centered, scale) =>
    tf.engine().runKernel(BATCH_NORM_RELU_TRAINING_GRAD, { dz, value, centered, scale }) as tf.Tensor[],
};

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
      value: channelAffine(xs, s, tf.sub(o, tf.mul(m, s))),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xSaved, mSaved, sSaved] = saved;
        const sumDy = sumOverRows(dy);
        const dScale = tf.sub(sumOverRows(tf.mul(dy, xSaved)), tf.mul(mSaved, sumDy));
        return [tf.mul(dy, sSaved), tf.neg(tf.mul(sSaved, sumDy)), tf.mul(dScale, tf.mul(-0.5, tf.pow(sSaved, 3))), sumDy];
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
