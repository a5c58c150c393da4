import * as tf from '@tensorflow/tfjs-core';
import type { Padding } from './ops.ts';
import { axisPadding } from './shape.ts';

/**
 * Spreads v [N,Ho,Wo,C] onto a [N,rows,cols,C] grid at (ho·sh + i, wo·sw + j), zero elsewhere:
 * zero-interleave by the stride, shift by the tap, crop or pad to the grid. Uses only pad, slice
 * and reshape (≤ 5-D), which every backend has.
 */
function spread(v: tf.Tensor4D, i: number, j: number, sh: number, sw: number, rows: number, cols: number): tf.Tensor4D {
  const [n, ho, wo, c] = v.shape;
  let g: tf.Tensor4D = v;
  if (sh > 1 || sw > 1) {
    const cells = tf.reshape(v, [n * ho, 1, wo, 1, c]);
    const interleaved = tf.pad(cells, [[0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
    g = tf.reshape(interleaved, [n, ho * sh, wo * sw, c]);
  }
  const h = Math.min(g.shape[1], rows - i);
  const w = Math.min(g.shape[2], cols - j);
  if (h < g.shape[1] || w < g.shape[2]) g = tf.slice(g, [0, 0, 0, 0], [n, h, w, c]);
  return tf.pad(g, [[0, 0], [i, rows - i - h], [j, cols - j - w], [0, 0]]);
}

/**
 * Gradient of a 2-D max pool, computed tap by tap: each output's gradient goes to the first
 * window cell (in row-major order, as TF) that holds the maximum. Replaces wasm's MaxPoolGrad,
 * which returns wrong values for some shapes in tfjs 4.22.
 * x: [N,H,W,C]; y = maxPool(x); dy like y; returns dx like x.
 */
export function maxPool2dGrad(
  x: tf.Tensor4D,
  y: tf.Tensor4D,
  dy: tf.Tensor4D,
  ksize: [number, number],
  strides: [number, number],
  padding: Padding,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const [, ho, wo] = y.shape;
    const [kh, kw] = ksize;
    const [sh, sw] = strides;
    const [top, bottom] = axisPadding(h, kh, sh, padding);
    const [left, right] = axisPadding(w, kw, sw, padding);
    const rows = Math.max((ho - 1) * sh + kh, top + h + bottom);
    const cols = Math.max((wo - 1) * sw + kw, left + w + right);
    const xp = tf.pad(x, [[0, 0], [top, rows - top - h], [left, cols - left - w], [0, 0]], -Infinity);
    let unclaimed: tf.Tensor = tf.onesLike(y);
    let dxp: tf.Tensor4D = tf.zeros([n, rows, cols, c]);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const end = [n, i + (ho - 1) * sh + 1, j + (wo - 1) * sw + 1, c];
        const tap = tf.stridedSlice(xp, [0, i, j, 0], end, [1, sh, sw, 1]);
        const hit = tf.mul(tf.cast(tf.equal(tap, y), 'float32'), unclaimed);
        unclaimed = tf.sub(unclaimed, hit);
        dxp = tf.add(dxp, spread(tf.mul(hit, dy) as tf.Tensor4D, i, j, sh, sw, rows, cols));
      }
    }
    return tf.slice(dxp, [0, top, left, 0], [n, h, w, c]);
  });
}

/** tf.maxPool (TF padding) whose gradient is `maxPool2dGrad`. */
export function maxPool2dWithTapGrad(x: tf.Tensor4D, ksize: [number, number], strides: [number, number], padding: Padding): tf.Tensor4D {
  const pad = padding === 'SAME' ? 'same' : 'valid';
  const run = tf.customGrad((xIn, save) => {
    const xs = xIn as tf.Tensor4D;
    const y = tf.maxPool(xs, ksize, strides, pad);
    (save as tf.GradSaveFunc)([xs, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xSaved, ySaved] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [maxPool2dGrad(xSaved, ySaved, dy, ksize, strides, padding)];
      },
    };
  });
  return run(x) as tf.Tensor4D;
}
