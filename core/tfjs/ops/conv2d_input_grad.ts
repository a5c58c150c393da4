import * as tf from '@tensorflow/tfjs-core';
import type { Padding } from '../../ops/ops.ts';
import { conv2dInputGradByConv } from './conv2d_input_grad_by_conv.ts';
import { conv2dInputGradByMatmul } from './conv2d_input_grad_by_matmul.ts';

/**
 * Gradient of conv2d (TF padding, no dilation) with respect to its input, by whichever of our
 * two stride-1 formulations is faster for the shape; strided convs (only S3D-G's stem, whose
 * input is the clip) use tf.conv2dTranspose.
 * A map of P ≤ Ci positions goes by matmul, larger ones by conv: faster on wasm with a fresh
 * filter, as in training (core/tfjs/README.md).
 * dy: [N,Ho,Wo,Co]; filter: [kh,kw,Ci,Co]; returns [N,H,W,Ci] for xShape [N,H,W,Ci].
 */
export function conv2dInputGrad(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  xShape: [number, number, number, number],
  strides: [number, number],
  padding: Padding,
): tf.Tensor4D {
  if (strides[0] !== 1 || strides[1] !== 1) {
    return tf.conv2dTranspose(dy, filter, xShape, strides, padding === 'SAME' ? 'same' : 'valid');
  }
  const [n, h, w, ci] = xShape;
  const grad = n * h * w <= ci ? conv2dInputGradByMatmul : conv2dInputGradByConv;
  return grad(dy, filter, xShape, padding);
}
