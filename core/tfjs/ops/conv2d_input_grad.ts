import * as tf from '@tensorflow/tfjs-core';
import type { Padding } from '../../ops/ops.ts';
import { conv2dInputGradByConv } from './conv2d_input_grad_by_conv.ts';
import { conv2dInputGradByMatmul } from './conv2d_input_grad_by_matmul.ts';

/**
 * Gradient of conv2d (TF padding, no dilation) with respect to its input, by whichever of our
 * two stride-1 formulations is faster for the shape; strided convs (only S3D-G's stem, whose
 * input is the clip) use tf.conv2dTranspose.
 * A map of P ≤ Ci positions goes by matmul. Measured on wasm (by conv → by matmul, ms with a
 * fresh filter, as in training): P = 16 [1,4,4,192]·[3,3,192,384] 5.6 → 0.1,
 * [1,4,4,832]·[1,1,832,384] 1.9 → 0.3; P = 98 [2,7,7,160]·[3,3,160,320] 7.3 → 4.9,
 * [1,2,49,320]·[3,1,320,320] 4.7 → 2.3, [2,7,7,96]·[3,3,96,208] 3.4 → 3.2; P = 784
 * [4,14,14,128]·[3,3,128,192] 12.6 → 17.7, [1,4,196,192]·[3,1,192,192] 6.7 → 6.7.
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
