import * as tf from '@tensorflow/tfjs-core';
import type { Padding } from './ops.ts';
import { axisPadding } from './shape.ts';
import { conv2dInputGrad } from './conv2d_input_grad.ts';

/**
 * [m, rows, cols] window of t [m, R, C] starting at (top, left). A 2-D slice when whole rows are
 * taken: wasm copies slices run by run, so the longer the contiguous runs, the faster.
 */
function window(t: tf.Tensor3D, top: number, left: number, rows: number, cols: number): tf.Tensor3D {
  const [m, r, c] = t.shape;
  if (left === 0 && cols === c) return tf.reshape(tf.slice(tf.reshape(t, [m, r * c]), [0, top * c], [m, rows * c]), [m, rows, cols]);
  return tf.slice(t, [0, top, left], [m, rows, cols]);
}

/**
 * Gradient of conv2d with respect to its filter, as one matmul per kernel tap:
 * dW[i,j] = Σ_{n,y,x} xpad[n, y·sh+i, x·sw+j, :]ᵀ · dy[n, y, x, :].
 * Used where the backend's Conv2DBackpropFilter is missing (wasm) or very slow (cpu).
 * Laid out for wasm's fast path, which XNNPACK only takes for matmuls without transposes: x is
 * transposed once to channels-first ([Ci, N·H·W], each tap a window of it) and dy [N·Ho·Wo, Co]
 * is the same right operand for every tap. A strided conv first splits x into its sh×sw
 * phases (a reshape and a transpose), so every tap is a plain window of one phase.
 * x: [N,H,W,Ci]; dy: [N,Ho,Wo,Co]; returns [kh,kw,Ci,Co].
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
      const xT = tf.transpose(tf.reshape(x, [n * h * w, ci]));
      return tf.reshape(tf.matMul(xT, dyFlat), filterShape);
    }
    // Rows/columns of padded x, per phase: tap i reads phase i mod sh, rows ⌊i/sh⌋ … ⌊i/sh⌋+ho-1.
    const hs = Math.floor((kh - 1) / sh) + ho;
    const ws = Math.floor((kw - 1) / sw) + wo;
    const [top] = axisPadding(h, kh, sh, padding);
    const [left] = axisPadding(w, kw, sw, padding);
    const rows = hs * sh;
    const cols = ws * sw;
    // Pad (or crop: VALID and uneven strides leave cells no tap reads) x to [n, rows, cols, ci].
    const padded = tf.pad(x, [[0, 0], [top, Math.max(rows - top - h, 0)], [left, Math.max(cols - left - w, 0)], [0, 0]]);
    const xp = padded.shape[1] === rows && padded.shape[2] === cols ? padded : tf.slice(padded, [0, 0, 0, 0], [n, rows, cols, ci]);
    const xT = tf.transpose(xp, [3, 0, 1, 2]); // [ci, n, rows, cols]
    const phases: tf.Tensor3D[] = [];
    if (sh === 1 && sw === 1) {
      phases.push(tf.reshape(xT, [ci * n, rows, cols]));
    } else {
      // [ci·n·hs, sh, ws, sw] → [sh, sw, ci·n·hs, ws]: phase (p, q) is one contiguous block.
      const split = tf.transpose(tf.reshape(xT, [ci * n * hs, sh, ws, sw]), [1, 3, 0, 2]);
      for (let p = 0; p < sh; p++) {
        for (let q = 0; q < sw; q++) {
          const block = tf.slice(split, [p, q, 0, 0], [1, 1, ci * n * hs, ws]);
          phases.push(tf.reshape(block, [ci * n, hs, ws]));
        }
      }
    }
    const taps: tf.Tensor2D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const phase = phases[(i % sh) * sw + (j % sw)];
        const patch = window(phase, Math.floor(i / sh), Math.floor(j / sw), ho, wo);
        taps.push(tf.matMul(tf.reshape(patch, [ci, n * ho * wo]), dyFlat));
      }
    }
    return tf.reshape(tf.stack(taps), filterShape);
  });
}

/**
 * conv2d (TF padding, no dilation) whose filter gradient comes from `conv2dFilterGrad` and
 * whose input gradient from `conv2dInputGrad`.
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
          conv2dInputGrad(dy, wSaved, xSaved.shape, strides, padding),
          conv2dFilterGrad(xSaved, dy, wSaved.shape, strides, padding),
        ];
      },
    };
  });
  return run(x, filter) as tf.Tensor4D;
}
