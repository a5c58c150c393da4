import * as tf from '@tensorflow/tfjs-core';
import { channelSumsFor } from './formulation.ts';
import { channelMeans } from '../kernels/channel_means.ts';

/**
 * Per-channel sums and means, as matmuls with a row of ones or, on wasm, as one average pool
 * (the ChannelMeans kernel; see formulation.ts). tfjs backends reduce along the innermost axis
 * only: summing a [B,T,H,W,C] tensor over everything but C makes them transpose the whole tensor
 * first (costly on wasm: core/tfjs/README.md), while a [1,N]×[N,C] matmul or a pool reads it once.
 */

/** Σ over all axes but the last: x [..., C] → [C]. */
export function sumOverRows(x: tf.Tensor): tf.Tensor1D {
  const c = x.shape[x.rank - 1];
  const n = x.size / c;
  if (channelSumsFor(tf.getBackend()) === 'avgPool') return tf.mul(channelMeans(x, false), n);
  return tf.reshape(tf.matMul(tf.ones([1, n]), tf.reshape(x, [n, c])), [c]);
}

/** Σ over the middle axes: x [B, ..., C] → [B, C]. */
export function sumOverMiddle(x: tf.Tensor): tf.Tensor2D {
  const b = x.shape[0];
  const c = x.shape[x.rank - 1];
  const n = x.size / (b * c);
  if (channelSumsFor(tf.getBackend()) === 'avgPool') return tf.mul(channelMeans(x, true), n);
  return tf.reshape(tf.matMul(tf.ones([b, 1, n]), tf.reshape(x, [b, n, c])), [b, c]);
}

/** Mean over all axes but the last: x [..., C] → [C]. */
export function meanOverRows(x: tf.Tensor): tf.Tensor1D {
  if (channelSumsFor(tf.getBackend()) === 'avgPool') return channelMeans(x, false) as tf.Tensor1D;
  return tf.div(sumOverRows(x), x.size / x.shape[x.rank - 1]);
}

/** Mean over the middle axes: x [B, ..., C] → [B, C]. */
export function meanOverMiddle(x: tf.Tensor): tf.Tensor2D {
  if (channelSumsFor(tf.getBackend()) === 'avgPool') return channelMeans(x, true) as tf.Tensor2D;
  return tf.div(sumOverMiddle(x), x.size / (x.shape[0] * x.shape[x.rank - 1]));
}

/**
 * Mean over `axes` when they are every axis but the last ([0..r-2]) or every axis but the first
 * and the last ([1..r-2]) — batch-norm moments and self-gating's pooling — as the sums above;
 * null for any other axes (the caller uses tf.mean).
 */
export function channelMean(x: tf.Tensor, axes: number[], keepDims: boolean): tf.Tensor | null {
  const r = x.rank;
  const sorted = [...axes].sort((a, b) => a - b);
  const run = (from: number) => sorted.length === r - 1 - from && sorted.every((a, i) => a === from + i);
  let out: tf.Tensor;
  if (r >= 2 && run(0)) out = meanOverRows(x);
  else if (r >= 3 && run(1)) out = meanOverMiddle(x);
  else return null;
  if (!keepDims) return out;
  return tf.reshape(
    out,
    x.shape.map((d, i) => (sorted.includes(i) ? 1 : d)),
  );
}

/**
 * x [B, ..., C] · g [B, 1, ..., 1, C] (self-gating), with g's gradient Σ_middle(dy·x) as a
 * batched matmul instead of tfjs's broadcast-reduction.
 */
export function scaleChannels(x: tf.Tensor, g: tf.Tensor): tf.Tensor {
  const run = tf.customGrad((xIn, gIn, save) => {
    const [xs, gs] = [xIn, gIn] as tf.Tensor[];
    (save as tf.GradSaveFunc)([xs, gs]);
    return {
      value: tf.mul(xs, gs),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xSaved, gSaved] = saved;
        return [tf.mul(dy, gSaved), tf.reshape(sumOverMiddle(tf.mul(dy, xSaved)), gSaved.shape)];
      },
    };
  });
  return run(x, g);
}

/** Whether b is a per-clip, per-channel factor of a: same rank, b [B, 1, ..., 1, C]. */
export function isChannelScale(a: tf.Tensor, b: tf.Tensor): boolean {
  const r = a.rank;
  if (r < 3 || b.rank !== r || b.shape[0] !== a.shape[0] || b.shape[r - 1] !== a.shape[r - 1]) return false;
  return b.shape.slice(1, -1).every((d) => d === 1) && a.shape.slice(1, -1).some((d) => d !== 1);
}
