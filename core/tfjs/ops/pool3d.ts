import * as tf from '@tensorflow/tfjs-core';
import type { Padding, Triple } from '../../ops/ops.ts';
import type { BackendDefects, Formulation } from './formulation.ts';
import { maxPool2dFirstMaxGrad } from './max_pool_grad.ts';

export type PoolKind = 'max' | 'avg';

/**
 * 3-D max or average pool with TF semantics on x [B,T,H,W,C]. Max and average over a box are
 * separable (the box is a product of intervals, SAME counts are products of per-axis counts), so
 * the 2-D route pools each frame spatially, then every pixel's column temporally.
 */
export function pool3d(
  kind: PoolKind,
  x: tf.Tensor5D,
  ksize: Triple,
  strides: Triple,
  padding: Padding,
  formulation: Formulation,
  defects: BackendDefects,
): tf.Tensor5D {
  const pad = padding === 'SAME' ? 'same' : 'valid';
  const broken = kind === 'max' && defects.maxPool3d;
  if (formulation === 'native3d' && !broken) {
    return kind === 'max' ? tf.maxPool3d(x, ksize, strides, pad) : tf.avgPool3d(x, ksize, strides, pad);
  }
  const pool2d = (t: tf.Tensor4D, k: [number, number], s: [number, number]) => {
    if (kind === 'avg') return tf.avgPool(t, k, s, pad);
    return defects.maxPoolGrad ? maxPool2dFirstMaxGrad(t, k, s, padding) : tf.maxPool(t, k, s, pad);
  };
  const [b, t, h, w, c] = x.shape;
  const [kt, kh, kw] = ksize;
  const [st, sh, sw] = strides;
  let y: tf.Tensor5D = x;
  if (kh !== 1 || kw !== 1 || sh !== 1 || sw !== 1) {
    const s = pool2d(tf.reshape(y, [b * t, h, w, c]), [kh, kw], [sh, sw]);
    y = tf.reshape(s, [b, t, s.shape[1], s.shape[2], c]);
  }
  if (kt !== 1 || st !== 1) {
    const [, , ho, wo] = y.shape;
    const s = pool2d(tf.reshape(y, [b, t, ho * wo, c]), [kt, 1], [st, 1]);
    y = tf.reshape(s, [b, s.shape[1], ho, wo, c]);
  }
  return y;
}
