import * as tf from '@tensorflow/tfjs-core';
import type { Padding } from '../../ops/ops.ts';
import { FIRST_MAX_POOL_GRAD, type FirstMaxPoolGradAttrs } from '../kernels/first_max_pool_grad.ts';

/**
 * tf.maxPool (TF padding) whose gradient is our FirstMaxPoolGrad kernel (wasm, cpu), for
 * backends whose own MaxPoolGrad is wrong or slow (tfjs 4.22 wasm: see the kernel's file).
 * Gradients go to each window's maximum, as in TensorFlow.
 */
export function maxPool2dFirstMaxGrad(x: tf.Tensor4D, ksize: [number, number], strides: [number, number], padding: Padding): tf.Tensor4D {
  const pad = padding === 'SAME' ? 'same' : 'valid';
  const run = tf.customGrad((xIn, save) => {
    const xs = xIn as tf.Tensor4D;
    const value = tf.maxPool(xs, ksize, strides, pad);
    (save as tf.GradSaveFunc)([xs, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const attrs: FirstMaxPoolGradAttrs = { filterSize: ksize, strides, pad };
        const inputs = { dy, x: saved[0], y: saved[1] };
        return [tf.engine().runKernel(FIRST_MAX_POOL_GRAD, inputs, attrs) as tf.Tensor4D];
      },
    };
  });
  return run(x) as tf.Tensor4D;
}
