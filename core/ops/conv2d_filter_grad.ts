import * as tf from '@tensorflow/tfjs-core';
import type { Padding } from './ops.ts';
import { conv2dFilterGradByConv } from './conv2d_filter_grad_by_conv.ts';
import { conv2dFilterGradByTaps } from './conv2d_filter_grad_by_taps.ts';
import { conv2dInputGrad } from './conv2d_input_grad.ts';

/**
 * Whether a filter gradient is faster as one dilated conv2d than as per-tap matmuls, by shape.
 * CPU ms on wasm (test/bench/filter_grad.bench.ts, taps → conv), x as the 2-D rewrite hands it:
 * - strided k×k (the 7×7 stem): [32,64,64,9] 78 → 23, [4,112,112,9] 59 → 35, [8,224,224,9] 421 → 288;
 * - 3×3 under ~0.08 GFLOP, where the taps' 2·9+1 kernels outweigh the arithmetic: [32,8,8,32]
 *   3.9 → 3.5, [16,4,4,28] 0.9 → 0.4;
 * - larger 3×3: conv loses 9–35% ([8,56,56,64] 228 → 302, [8,28,28,128] 104 → 140,
 *   [2,7,7,160] 5.6 → 6.2): its contracted channels are the images, too few for XNNPACK's
 *   inner loop;
 * - temporal [3,1] (width folded into those channels): conv loses up to 55%.
 * A 1×1 kernel is one matmul either way.
 */
function prefersConv(x: [number, number, number, number], filterShape: [number, number, number, number], strides: [number, number]): boolean {
  const [kh, kw, ci, co] = filterShape;
  if (kh * kw === 1) return false;
  if (strides[0] > 1 || strides[1] > 1) return true;
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
 * conv2d (TF padding, no dilation) whose filter gradient comes from `conv2dFilterGrad` and
 * whose input gradient from `conv2dInputGrad`.
 */
export function conv2dWithOwnGrads(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: [number, number],
  padding: Padding,
): tf.Tensor4D {
  const pad = padding === 'SAME' ? 'same' : 'valid';
  const run = tf.customGrad((xIn, wIn, save) => {
    const xs = xIn as tf.Tensor4D;
    const ws = wIn as tf.Tensor4D;
    (save as tf.GradSaveFunc)([xs, ws]);
    return {
      value: tf.conv2d(xs, ws, strides, pad),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xSaved, wSaved] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [
          conv2dInputGrad(dy, wSaved, xSaved.shape, strides, padding),
          conv2dFilterGrad(xSaved, dy, wSaved.shape, strides, padding),
        ];
      },
    };
  });
  return run(x, filter) as tf.Tensor4D;
}
