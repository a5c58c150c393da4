import * as tf from '@tensorflow/tfjs-core';
import type { Padding } from './ops.ts';

/**
 * tf.maxPool (TF padding) with a gradient that is right on wasm. tfjs 4.22's wasm MaxPoolGrad
 * finds each window's maximum starting from 0, so windows whose values are all negative send
 * their gradient to the wrong cell (found by our parity tests). Its answer is right for
 * positive inputs and the arg-max does not move when every value is shifted by the same amount,
 * so the backward pass shifts the saved input to ≥ 1 and asks the kernel there (its
 * MaxPoolWithArgmax, which searches the same way). Tied maxima go to the window's last cell where
 * TF picks the first; in S3D-G ties only occur among ReLU zeros, whose gradient is cut anyway.
 */
export function maxPool2dShiftedGrad(x: tf.Tensor4D, ksize: [number, number], strides: [number, number], padding: Padding): tf.Tensor4D {
  const pad = padding === 'SAME' ? 'same' : 'valid';
  const run = tf.customGrad((xIn, save) => {
    const xs = xIn as tf.Tensor4D;
    (save as tf.GradSaveFunc)([xs]);
    return {
      value: tf.maxPool(xs, ksize, strides, pad),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xSaved] = saved as [tf.Tensor4D];
        const shifted = tf.add(xSaved, tf.sub(1, tf.min(xSaved))) as tf.Tensor4D;
        // Each window's arg-max (flat index into x, batch included), then dy scattered there
        // and summed where windows share their maximum: 2–5× faster on wasm than its
        // MaxPoolGrad kernel, which rescans every window for every input cell.
        const { indexes } = tf.maxPoolWithArgmax(shifted, ksize, strides, pad, true);
        const dx = tf.scatterND(tf.reshape(indexes, [-1, 1]), tf.reshape(dy, [-1]), [xSaved.size]);
        return [tf.reshape(dx, xSaved.shape)];
      },
    };
  });
  return run(x) as tf.Tensor4D;
}
