import * as tf from '@tensorflow/tfjs-core';
import type { Padding, Triple } from '../../ops/ops.ts';
import type { BackendDefects, Formulation } from './formulation.ts';
import { conv2dWithOwnGrads, type Conv2dView } from './conv2d_filter_grad.ts';
import { conv2dWithSeparateGrads } from './conv2d_separate_grads.ts';
import { axisPadding, outputSize } from '../../ops/shape.ts';

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

/** A conv2d's view of conv3d's 5-D tensors (its output is 5-D again). */
type View5D = Conv2dView & { out: [number, number, number, number, number] };

/** Which conv2d: tf's own, or ours with our own gradients, separate for input and filter. */
type Conv2dKind = 'tf' | 'separateGrads';

function conv2d(x: tf.Tensor4D, w: tf.Tensor4D, strides: [number, number], padding: Padding, kind: Conv2dKind): tf.Tensor4D {
  if (kind === 'separateGrads') return conv2dWithSeparateGrads(x, w, strides, padding);
  return tf.conv2d(x, w, strides, padding === 'SAME' ? 'same' : 'valid');
}

/** conv2d over x and filter seen through `view`: ours (gradients included) or tf's own. */
function viewedConv2d(
  x: tf.Tensor,
  filter: tf.Tensor,
  strides: [number, number],
  padding: Padding,
  view: View5D,
  ownGrads: boolean,
): tf.Tensor5D {
  if (ownGrads) return conv2dWithOwnGrads<tf.Tensor5D>(x, filter, strides, padding, view);
  const y = conv2d(tf.reshape(x, view.x) as tf.Tensor4D, tf.reshape(filter, view.filter) as tf.Tensor4D, strides, padding, 'tf');
  return tf.reshape(y, view.out);
}

/**
 * Frames t·stride + offset (t < count) of x [B,T,H,W,C], zero beyond the end: a strided
 * temporal slice written with slice and reshape, which have gradients on every backend.
 */
function framesEvery(x: tf.Tensor5D, offset: number, stride: number, count: number): tf.Tensor5D {
  const [b, t, h, w, c] = x.shape;
  const needed = offset + stride * count;
  const padded =
    needed > t
      ? tf.pad(x, [
          [0, 0],
          [0, needed - t],
          [0, 0],
          [0, 0],
          [0, 0],
        ])
      : x;
  // 3-D slices throughout: wasm copies a 5-D window element by element but a 3-D one a whole
  // frame at a time (core/tfjs/README.md).
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
    const view: View5D = { x: [b, t, h * w, c], filter: [kt, 1, ci, co], out: [b, to, h, w, co] };
    return viewedConv2d(x, filter, [st, 1], padding, view, ownGrads);
  }

  // Pick the kt temporal taps of every output frame and stack them as channels: tap i of output
  // frame f reads input frame f·st + i - padBefore (zero outside the clip).
  const [padBefore, padAfter] = axisPadding(t, kt, st, padding);
  const xp =
    padBefore + padAfter > 0
      ? tf.pad(x, [
          [0, 0],
          [padBefore, padAfter],
          [0, 0],
          [0, 0],
          [0, 0],
        ])
      : x;
  const view: View5D = {
    x: [b * to, h, w, kt * c],
    filter: [kh, kw, kt * ci, co],
    out: [b, to, outputSize(h, kh, sh, padding), outputSize(w, kw, sw, padding), co],
  };
  if (kt === 1) {
    return viewedConv2d(st === 1 ? xp : framesEvery(xp, 0, st, to), filter, [sh, sw], padding, view, ownGrads);
  }
  // The taps side by side per output frame ([B·To, kt·H·W·C]: whole frames at a time), then
  // each pixel's kt·C values brought together by one transpose: concatenating the taps along
  // channels copies only C = 3 values at a time on wasm (core/tfjs/README.md).
  const taps: tf.Tensor2D[] = [];
  for (let i = 0; i < kt; i++) taps.push(tf.reshape(framesEvery(xp, i, st, to), [b * to, h * w * c]));
  const sideBySide = tf.reshape(tf.concat(taps, 1), [b * to, kt, h * w, c]);
  const folded = tf.reshape(tf.transpose(sideBySide, [0, 2, 1, 3]), view.x) as tf.Tensor4D;
  // [kt,kh,kw,ci,co] → [kh,kw,kt·ci,co], channel index i·ci + c as in the fold above.
  const w4 = tf.reshape(tf.transpose(filter, [1, 2, 0, 3, 4]), view.filter) as tf.Tensor4D;
  // A full kt×kh×kw conv is the stem, which reads the clip: keep its input gradient separate so
  // it is skipped when the clip needs none.
  const y = conv2d(folded, w4, [sh, sw], padding, ownGrads ? 'separateGrads' : 'tf');
  return tf.reshape(y, view.out);
}
