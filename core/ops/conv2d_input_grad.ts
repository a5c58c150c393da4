import * as tf from '@tensorflow/tfjs-core';
import type { Padding } from './ops.ts';
import { axisPadding, outputSize } from './shape.ts';

/**
 * Gradient of conv2d with respect to its input. At stride 1 it is itself a conv2d: dy, padded
 * by (k-1-before) in front and (size-out+before) behind, correlated with the filter flipped in
 * space and with its channel axes swapped. That runs on the backend's optimised Conv2D (XNNPACK
 * on wasm), ~10× faster there than Conv2DBackpropInput. Strided convs use tf.conv2dTranspose.
 * dy: [N,Ho,Wo,Co]; filter: [kh,kw,Ci,Co]; returns [N,H,W,Ci] for xShape [N,H,W,Ci].
 */
export function conv2dInputGrad(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  xShape: [number, number, number, number],
  strides: [number, number],
  padding: Padding,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = xShape;
    const [kh, kw] = filter.shape;
    const [sh, sw] = strides;
    if (sh !== 1 || sw !== 1) return tf.conv2dTranspose(dy, filter, xShape, strides, padding === 'SAME' ? 'same' : 'valid');
    const [top] = axisPadding(h, kh, 1, padding);
    const [left] = axisPadding(w, kw, 1, padding);
    const ho = outputSize(h, kh, 1, padding);
    const wo = outputSize(w, kw, 1, padding);
    const [, , ci, co] = filter.shape;
    // Spatial flip: the taps restacked in reverse order. Each tap is one contiguous block, which
    // wasm copies at memory speed (its Reverse and Gather kernels are ~10× slower).
    const taps = tf.unstack(tf.reshape(filter, [kh * kw, ci, co]));
    const flippedTaps = tf.stack(taps.reverse());
    const flipped = tf.reshape(tf.transpose(flippedTaps, [0, 2, 1]), [kh, kw, co, ci]) as tf.Tensor4D;
    const pads: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [kh - 1 - top, h - ho + top],
      [kw - 1 - left, w - wo + left],
      [0, 0],
    ];
    return tf.conv2d(dy, flipped, 1, pads);
  });
}
