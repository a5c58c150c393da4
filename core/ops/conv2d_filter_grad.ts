import * as tf from '@tensorflow/tfjs-core';
import type { Padding } from './ops.ts';
import { axisPadding } from './shape.ts';

/**
 * Gradient of conv2d with respect to its filter, as one matmul per kernel tap:
 * dW[i,j] = Σ_{n,y,x} xpad[n, y·sh+i, x·sw+j, :]ᵀ · dy[n, y, x, :].
 * Used where the backend's Conv2DBackpropFilter is missing (wasm) or very slow (cpu); matmul is
 * the best-optimised kernel everywhere. x: [N,H,W,Ci]; dy: [N,Ho,Wo,Co]; returns [kh,kw,Ci,Co].
 */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: [number, number],
  padding: Padding,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, ci] = x.shape;
    const [, ho, wo, co] = dy.shape;
    const [kh, kw] = filterShape;
    const [sh, sw] = strides;
    const dyFlat = tf.reshape(dy, [n * ho * wo, co]);
    if (kh === 1 && kw === 1 && sh === 1 && sw === 1 && ho === h && wo === w) {
      return tf.reshape(tf.matMul(tf.reshape(x, [n * h * w, ci]), dyFlat, true, false), filterShape);
    }
    const [top] = axisPadding(h, kh, sh, padding);
    const [left] = axisPadding(w, kw, sw, padding);
    // Rows/columns the taps read: (out-1)·stride + kernel, starting `top`/`left` cells before x.
    const needH = (ho - 1) * sh + kh;
    const needW = (wo - 1) * sw + kw;
    const xp = tf.pad(x, [
      [0, 0],
      [top, Math.max(needH - h - top, 0)],
      [left, Math.max(needW - w - left, 0)],
      [0, 0],
    ]);
    const taps: tf.Tensor2D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const patch =
          sh === 1 && sw === 1
            ? tf.slice(xp, [0, i, j, 0], [n, ho, wo, ci])
            : tf.stridedSlice(xp, [0, i, j, 0], [n, i + (ho - 1) * sh + 1, j + (wo - 1) * sw + 1, ci], [1, sh, sw, 1]);
        taps.push(tf.matMul(tf.reshape(patch, [n * ho * wo, ci]), dyFlat, true, false));
      }
    }
    return tf.reshape(tf.stack(taps), filterShape);
  });
}

/**
 * conv2d (TF padding, no dilation) whose filter gradient comes from `conv2dFilterGrad` and
 * whose input gradient is tf's transposed convolution.
 */
export function conv2dWithTapGrad(
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
          tf.conv2dTranspose(dy, wSaved, xSaved.shape, strides, pad),
          conv2dFilterGrad(xSaved, dy, wSaved.shape, strides, padding),
        ];
      },
    };
  });
  return run(x, filter) as tf.Tensor4D;
}
