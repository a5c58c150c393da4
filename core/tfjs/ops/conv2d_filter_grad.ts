import * as tf from '@tensorflow/tfjs-core';
import type { Padding } from '../../ops/ops.ts';
import { conv2dFilterGradByConv } from './conv2d_filter_grad_by_conv.ts';
import { conv2dFilterGradByTaps } from './conv2d_filter_grad_by_taps.ts';
import { conv2dInputGrad } from './conv2d_input_grad.ts';

/**
 * Whether a filter gradient is faster as one dilated conv2d than by taps: yes for strided kernels
 * with ≤ 16 filters (the taps' 16-column matmul leaves XNNPACK's tiles part-empty) and for 3×3
 * under 8e7 FLOPs (the taps' fixed costs dominate). Measured on wasm: core/tfjs/README.md.
 */
function prefersConv(
  x: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: [number, number],
): boolean {
  const [kh, kw, ci, co] = filterShape;
  if (kh * kw === 1) return false;
  if (strides[0] > 1 || strides[1] > 1) return co <= 16;
  const [n, h, w] = x;
  return kw > 1 && 2 * n * h * w * kh * kw * ci * co < 8e7;
}

/**
 * Gradient of conv2d (TF padding, no dilation) with respect to its filter, by whichever of our
 * two formulations is faster for the shape. Used where the backend's Conv2DBackpropFilter is
 * missing (wasm) or very slow (cpu).
 * x: [N,H,W,Ci]; dy: [N,Ho,Wo,Co]; returns [kh,kw,Ci,Co].
 */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: [number, number],
  padding: Padding,
): tf.Tensor4D {
  const grad = prefersConv(x.shape, filterShape, strides) ? conv2dFilterGradByConv : conv2dFilterGradByTaps;
  return grad(x, dy, filterShape, strides, padding);
}

/**
 * How a conv2d sees tensors of other shapes: x as [N,H,W,Ci], the filter as [kh,kw,Ci,Co], and
 * its output reshaped to `out` (conv3d's 2-D rewrites view 5-D tensors this way).
 */
export interface Conv2dView {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  out: number[];
}

/**
 * conv2d (TF padding, no dilation) whose filter gradient comes from `conv2dFilterGrad` and
 * whose input gradient from `conv2dInputGrad`. With a `view`, x and filter may have any shapes
 * of the view's sizes: the reshapes happen inside the custom gradient, where the tape is off,
 * so they add no tape nodes or saved copies.
 */
export function conv2dWithOwnGrads<R extends tf.Tensor = tf.Tensor4D>(
  x: tf.Tensor,
  filter: tf.Tensor,
  strides: [number, number],
  padding: Padding,
  view?: Conv2dView,
): R {
  const pad = padding === 'SAME' ? 'same' : 'valid';
  const run = tf.customGrad((xIn, wIn, save) => {
    const xs = (view ? tf.reshape(xIn as tf.Tensor, view.x) : xIn) as tf.Tensor4D;
    const ws = (view ? tf.reshape(wIn as tf.Tensor, view.filter) : wIn) as tf.Tensor4D;
    (save as tf.GradSaveFunc)([xs, ws]);
    const y = tf.conv2d(xs, ws, strides, pad);
    return {
      value: view ? tf.reshape(y, view.out) : y,
      gradFunc: (dyIn: tf.Tensor, saved: tf.Tensor[]) => {
        const [xSaved, wSaved] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dy = (view ? tf.reshape(dyIn, y.shape) : dyIn) as tf.Tensor4D;
        const dx = conv2dInputGrad(dy, wSaved, xSaved.shape, strides, padding);
        const dw = conv2dFilterGrad(xSaved, dy, wSaved.shape, strides, padding);
        return view ? [tf.reshape(dx, x.shape), tf.reshape(dw, filter.shape)] : [dx, dw];
      },
    };
  });
  return run(x, filter) as R;
}
