import * as tf from '@tensorflow/tfjs-core';
import type { Padding, Triple } from './ops.ts';
import type { BackendDefects, Formulation } from './formulation.ts';
import { conv2dWithOwnGrads } from './conv2d_filter_grad.ts';
import { conv2dWithSeparateGrads } from './conv2d_separate_grads.ts';
import { axisPadding, outputSize } from './shape.ts';

/** How conv3d runs: the formulation, and the backend defects to route around. */
export interface ConvRouting {
  formulation: Formulation;
  defects: BackendDefects;
}

/**
 * 3-D convolution with TF semantics. x: [B,T,H,W,Cin]; filter: [kt,kh,kw,Cin,Cout];
 * returns [B,To,Ho,Wo,Cout]. Runs natively or as 2-D kernels (see formulation.ts); both give
 * the same numbers up to float rounding.
 */
export function conv3d(x: tf.Tensor5D, filter: tf.Tensor5D, strides: Triple, padding: Padding, routing: ConvRouting): tf.Tensor5D {
  const cin = x.shape[4];
  if (filter.shape[3] !== cin) {
    throw new Error(`conv3d: filter [${filter.shape}] expects ${filter.shape[3]} input channels, input [${x.shape}] has ${cin}`);
  }
  const native = routing.formulation === 'native3d' && !routing.defects.conv3dGradient;
  if (native) return tf.conv3d(x, filter, strides, padding === 'SAME' ? 'same' : 'valid');
  return conv3dAs2d(x, filter, strides, padding, routing.defects.conv2dFilterGrad);
}

/** Which conv2d: tf's own, or ours with our own filter gradient (joint or separate gradients). */
type Conv2dKind = 'tf' | 'ownGrads' | 'separateGrads';

function conv2d(x: tf.Tensor4D, w: tf.Tensor4D, strides: [number, number], padding: Padding, kind: Conv2dKind): tf.Tensor4D {
  if (kind === 'ownGrads') return conv2dWithOwnGrads(x, w, strides, padding);
  if (kind === 'separateGrads') return conv2dWithSeparateGrads(x, w, strides, padding);
  return tf.conv2d(x, w, strides, padding === 'SAME' ? 'same' : 'valid');
}

/**
 * Frames t·stride + offset (t < count) of x [B,T,H,W,C], zero beyond the end: a strided
 * temporal slice written with slice and reshape, which have gradients on every backend.
 */
function framesEvery(x: tf.Tensor5D, offset: number, stride: number, count: number): tf.Tensor5D {
  const [b, t, h, w, c] = x.shape;
  const needed = offset + stride * count;
  const padded = needed > t ? tf.pad(x, [[0, 0], [0, needed - t], [0, 0], [0, 0], [0, 0]]) : x;
  // 3-D slices throughout: wasm copies a 5-D window element by element (~100× slower) but a
  // 3-D one a whole frame at a time.
  const frames = tf.reshape(padded, [b, padded.shape[1], h * w * c]);
  const window = tf.slice(frames, [0, offset, 0], [b, stride * count, h * w * c]);
  if (stride === 1) return tf.reshape(window, [b, count, h, w, c]);
  const grouped = tf.reshape(window, [b * count, stride, h * w * c]);
  const firsts = tf.slice(grouped, [0, 0, 0], [b * count, 1, h * w * c]);
  return tf.reshape(firsts, [b, count, h, w, c]);
}

function conv3dAs2d(x: tf.Tensor5D, filter: tf.Tensor5D, strides: Triple, padding: Padding, ownGrads: boolean): tf.Tensor5D {
  const [b, t, h, w, c] = x.shape;
  const [kt, kh, kw, ci, co] = filter.shape;
  const [st, sh, sw] = strides;
  const to = outputSize(t, kt, st, padding);

  if (kh === 1 && kw === 1 && sh === 1 && sw === 1 && kt > 1) {
    // Temporal k×1×1: every pixel is a column of length T; conv2d with a [k,1] kernel.
    const kind = ownGrads ? 'ownGrads' : 'tf';
    const y = conv2d(tf.reshape(x, [b, t, h * w, c]), tf.reshape(filter, [kt, 1, ci, co]), [st, 1], padding, kind);
    return tf.reshape(y, [b, to, h, w, co]);
  }

  // Pick the kt temporal taps of every output frame and stack them as channels: tap i of output
  // frame f reads input frame f·st + i - padBefore (zero outside the clip).
  const [padBefore, padAfter] = axisPadding(t, kt, st, padding);
  const xp = padBefore + padAfter > 0 ? tf.pad(x, [[0, 0], [padBefore, padAfter], [0, 0], [0, 0], [0, 0]]) : x;
  let folded: tf.Tensor5D;
  let w4: tf.Tensor4D;
  if (kt === 1) {
    folded = st === 1 ? xp : framesEvery(xp, 0, st, to);
    w4 = tf.reshape(filter, [kh, kw, ci, co]);
  } else {
    // The taps side by side per output frame ([B·To, kt·H·W·C]: whole frames at a time), then
    // each pixel's kt·C values brought together by one transpose. Concatenating the taps along
    // channels instead copies C = 3 values at a time on wasm: 71 ms vs 8 for the transpose at
    // 16×224².
    const taps: tf.Tensor2D[] = [];
    for (let i = 0; i < kt; i++) taps.push(tf.reshape(framesEvery(xp, i, st, to), [b * to, h * w * c]));
    const sideBySide = tf.reshape(tf.concat(taps, 1), [b * to, kt, h * w, c]);
    folded = tf.reshape(tf.transpose(sideBySide, [0, 2, 1, 3]), [b, to, h, w, kt * c]);
    // [kt,kh,kw,ci,co] → [kh,kw,kt·ci,co], channel index i·ci + c as in the fold above.
    w4 = tf.reshape(tf.transpose(filter, [1, 2, 0, 3, 4]), [kh, kw, kt * ci, co]);
  }
  // A full kt×kh×kw conv is the stem, which reads the clip: keep its input gradient separate so
  // it is skipped when the clip needs none.
  const kind: Conv2dKind = !ownGrads ? 'tf' : kt > 1 ? 'separateGrads' : 'ownGrads';
  const y = conv2d(tf.reshape(folded, [b * to, h, w, kt * c]), w4, [sh, sw], padding, kind);
  return tf.reshape(y, [b, to, y.shape[1], y.shape[2], co]);
}
