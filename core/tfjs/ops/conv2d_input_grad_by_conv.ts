import * as tf from '@tensorflow/tfjs-core';
import type { Padding } from '../../ops/ops.ts';
import { inputGradPadding } from '../../ops/shape.ts';

/**
 * Gradient of a stride-1 conv2d with respect to its input, as a conv2d: dy, padded by
 * (k-1-before) in front and (size-out+before) behind, correlated with the filter flipped in
 * space and with its channel axes swapped. That runs on the backend's optimised Conv2D (XNNPACK
 * on wasm), faster there than Conv2DBackpropInput (core/tfjs/README.md).
 * dy: [N,Ho,Wo,Co]; filter: [kh,kw,Ci,Co]; returns [N,H,W,Ci] for xShape [N,H,W,Ci].
 */
export function conv2dInputGradByConv(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  xShape: [number, number, number, number],
  padding: Padding,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = xShape;
    const [kh, kw] = filter.shape;
    const pads: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      inputGradPadding(h, kh, padding),
      inputGradPadding(w, kw, padding),
      [0, 0],
    ];
    return tf.conv2d(dy, flippedSwapped(filter), 1, pads);
  });
}

/**
 * filter [kh,kw,Ci,Co] flipped in space with its channel axes swapped: [kh,kw,Co,Ci], tap t
 * taken from tap kh·kw−1−t. The taps are reversed by a matmul with the reversal permutation
 * ([Co·Ci, taps] × [taps, taps]: exact, each output is one input times 1 plus zeros) between two
 * transposes: faster on wasm than Reverse, Gather or unstacking the taps (core/tfjs/README.md).
 */
function flippedSwapped(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, ci, co] = filter.shape;
  const taps = kh * kw;
  if (taps === 1) return tf.reshape(tf.transpose(tf.reshape(filter, [ci, co])), [1, 1, co, ci]);
  const byTap = tf.reshape(tf.transpose(tf.reshape(filter, [taps, ci, co]), [2, 1, 0]), [co * ci, taps]);
  const reversal = tf.reverse(tf.eye(taps), 0);
  const reversed = tf.reshape(tf.matMul(byTap, reversal), [co, ci, taps]);
  return tf.reshape(tf.transpose(reversed, [2, 0, 1]), [kh, kw, co, ci]);
}
