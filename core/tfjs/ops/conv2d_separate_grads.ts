import * as tf from '@tensorflow/tfjs-core';
import type { Padding } from '../../ops/ops.ts';
import { conv2dFilterGrad } from './conv2d_filter_grad.ts';
import { conv2dInputGrad } from './conv2d_input_grad.ts';
import { outputSize } from '../../ops/shape.ts';

/**
 * conv2d with the same gradients as `conv2dWithOwnGrads`, but each hangs off its own
 * single-input op: y = conv(x; w) [gradient to w only] + zeros(x) [gradient to x only]. A
 * custom gradient computes all its inputs' gradients at once, while the tape skips an op none
 * of whose inputs lead to what is differentiated, so the input gradient is only computed when
 * something upstream needs it. For S3D-G's stem, whose input is the clip, that saves a strided
 * Conv2DBackpropInput (slow on wasm) per step, for one zero-fill and add of the output.
 * x: [N,H,W,Ci]; filter: [kh,kw,Ci,Co]; returns [N,Ho,Wo,Co].
 */
export function conv2dWithSeparateGrads(x: tf.Tensor4D, filter: tf.Tensor4D, strides: [number, number], padding: Padding): tf.Tensor4D {
  const pad = padding === 'SAME' ? 'same' : 'valid';
  const [n, h, w] = x.shape;
  const [kh, kw, , co] = filter.shape;
  const outShape: [number, number, number, number] = [
    n,
    outputSize(h, kh, strides[0], padding),
    outputSize(w, kw, strides[1], padding),
    co,
  ];
  const byFilter = tf.customGrad((wIn, save) => {
    const ws = wIn as tf.Tensor4D;
    (save as tf.GradSaveFunc)([x]);
    return {
      value: tf.conv2d(x, ws, strides, pad),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => conv2dFilterGrad(saved[0] as tf.Tensor4D, dy, ws.shape, strides, padding),
    };
  });
  const byInput = tf.customGrad((xIn, save) => {
    const xs = xIn as tf.Tensor4D;
    (save as tf.GradSaveFunc)([filter]);
    return {
      value: tf.zeros(outShape) as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => conv2dInputGrad(dy, saved[0] as tf.Tensor4D, xs.shape, strides, padding),
    };
  });
  return tf.add(byFilter(filter), byInput(x)) as tf.Tensor4D;
}
