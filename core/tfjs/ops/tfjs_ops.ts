import * as tf from '@tensorflow/tfjs-core';
import type { Ops } from '../../ops/ops.ts';
import { defectsOf, formulationFor, type Formulation } from './formulation.ts';
import { conv3d } from './conv3d.ts';
import { pool3d } from './pool3d.ts';
import { batchNorm, batchNormReluTraining, biasAdd } from './batch_norm.ts';
import { tfjsSeed } from './tfjs_seed.ts';
import { channelMean, isChannelScale, scaleChannels } from './channel_sums.ts';
import { concat } from './concat.ts';
import { requireKernels } from '../install_kernels.ts';

export interface TfjsOpsOptions {
  /** Force a formulation; by default the fastest correct one for the active backend. */
  formulation?: Formulation;
}

/**
 * The ops layer on tfjs, for whichever backend is active when an op runs. Known kernel defects
 * of that backend are always routed around (formulation.ts), whatever formulation is forced.
 */
export function tfjsOps(options: TfjsOpsOptions = {}): Ops<tf.Tensor> {
  const routing = () => {
    const backend = tf.getBackend();
    return { formulation: options.formulation ?? formulationFor(backend), defects: defectsOf(backend) };
  };
  // Each op runs in its own tidy so intermediates (pads, taps, reshuffles) are freed as soon as
  // the op returns; gradients keep what they saved.
  const t = <R extends tf.TensorContainer>(f: () => R): R => {
    requireKernels(tf.getBackend());
    return tf.tidy(f);
  };
  return {
    shape: (x) => x.shape,
    conv3d: (x, filter, strides, padding) => t(() => conv3d(x as tf.Tensor5D, filter as tf.Tensor5D, strides, padding, routing())),
    biasAdd: (x, bias) => biasAdd(x, bias),
    maxPool3d: (x, ksize, strides, padding) => {
      const r = routing();
      return t(() => pool3d('max', x as tf.Tensor5D, ksize, strides, padding, r.formulation, r.defects));
    },
    avgPool3d: (x, ksize, strides, padding) => {
      const r = routing();
      return t(() => pool3d('avg', x as tf.Tensor5D, ksize, strides, padding, r.formulation, r.defects));
    },
    batchNorm: (x, mean, variance, offset, epsilon) => t(() => batchNorm(x, mean, variance, offset, epsilon)),
    batchNormReluTraining: (x, offset, epsilon, onMoments) => t(() => batchNormReluTraining(x, offset, epsilon, onMoments)),
    relu: (x) => tf.relu(x),
    sigmoid: (x) => tf.sigmoid(x),
    softmax: (x) => tf.softmax(x),
    mul: (a, b) => (isChannelScale(a, b) ? t(() => scaleChannels(a, b)) : tf.mul(a, b)),
    add: (a, b) => tf.add(a, b),
    mean: (x, axes, keepDims) => t(() => channelMean(x, axes, keepDims) ?? tf.mean(x, axes, keepDims)),
    concat: (xs, axis) => t(() => concat(xs, axis)),
    squeeze: (x, axes) => tf.squeeze(x, axes),
    dropout: (x, rate, seed) => tf.dropout(x, rate, undefined, tfjsSeed(seed)),
  };
}
