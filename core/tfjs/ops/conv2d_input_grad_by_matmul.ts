import * as tf from '@tensorflow/tfjs-core';
import type { Padding } from '../../ops/ops.ts';
import { inputGradPadding } from '../../ops/shape.ts';

/**
 * Gradient of a stride-1 conv2d with respect to its input, as one matmul with the filter as it
 * is, then col2im: Y = W [taps·Ci, Co] · dyᵀ [Co, P] holds every tap's contribution at the
 * output positions; each tap's [Ci, P] block, shifted back to where its inputs lay, is summed.
 * Why: XNNPACK packs a matmul's right operand and a conv's filter afresh for every new tensor,
 * and a training step's filters are new. Here the packed operand is dyᵀ (P·Co values), not the
 * flipped filter (taps·Ci·Co): faster on maps of P ≤ Ci positions (S3D-G's last blocks), slower
 * on larger ones for its taps·Ci·P intermediate. Measured on wasm: core/tfjs/README.md.
 * dy: [N,Ho,Wo,Co]; filter: [kh,kw,Ci,Co]; returns [N,H,W,Ci] for xShape [N,H,W,Ci].
 */
export function conv2dInputGradByMatmul(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  xShape: [number, number, number, number],
  padding: Padding,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, ci] = xShape;
    const [kh, kw, , co] = filter.shape;
    const [, ho, wo] = dy.shape;
    const taps = kh * kw;
    const dyT = tf.transpose(tf.reshape(dy, [n * ho * wo, co]));
    const y = tf.matMul(tf.reshape(filter, [taps * ci, co]), dyT);
    if (taps === 1 && ho === h && wo === w) return tf.reshape(tf.transpose(y), xShape);
    // Tap (i, j) read x at output position + (i − top, j − left): its block, padded so that every
    // shift stays in range, is read back at offset (kh−1−i, kw−1−j).
    const blocks = tf.pad(tf.reshape(y, [taps, ci * n, ho, wo]), [
      [0, 0],
      [0, 0],
      inputGradPadding(h, kh, padding),
      inputGradPadding(w, kw, padding),
    ]);
    const shifted: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) shifted.push(tf.slice(blocks, [i * kw + j, 0, kh - 1 - i, kw - 1 - j], [1, ci * n, h, w]));
    }
    const dxT = tf.reshape(taps === 1 ? shifted[0] : tf.addN(shifted), [ci, n * h * w]);
    return tf.reshape(tf.transpose(dxT), xShape);
  });
}
