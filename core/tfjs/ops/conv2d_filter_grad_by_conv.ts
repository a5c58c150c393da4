import * as tf from '@tensorflow/tfjs-core';
import type { Padding } from '../../ops/ops.ts';
import { axisPadding } from '../../ops/shape.ts';

/**
 * Gradient of conv2d with respect to its filter, as ONE conv2d: the filter gradient
 * dW[i,j,c,o] = Σ_{n,y,x} xpad[n, y·sh+i, x·sw+j, c] · dy[n, y, x, o]
 * is a VALID correlation of x, channels first and batch last ([Ci,H,W,N]: input channels are the
 * batch, the batch the channels), with dy as the filter ([Ho,Wo,N,Co]) dilated by the forward
 * stride; its output [Ci,kh,kw,Co] is transposed to [kh,kw,Ci,Co]. Where the kernel is one
 * column wide and the width unpadded (the temporal [k,1] convs), the width joins the batch in
 * the contracted channels: a conv with few, deep taps instead of many shallow ones.
 * x: [N,H,W,Ci]; dy: [N,Ho,Wo,Co]; returns [kh,kw,Ci,Co].
 */
export function conv2dFilterGradByConv(
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
    const [top] = axisPadding(h, kh, sh, padding);
    const [left] = axisPadding(w, kw, sw, padding);
    // Rows and columns the correlation reads, from -top and -left: padding where positive,
    // cells no tap reaches where negative (VALID with uneven strides), which are cropped.
    const bottom = (ho - 1) * sh + kh - top - h;
    const right = (wo - 1) * sw + kw - left - w;
    const xc = bottom < 0 || right < 0 ? tf.slice(x, [0, 0, 0, 0], [n, h + Math.min(bottom, 0), w + Math.min(right, 0), ci]) : x;
    const [, hc, wc] = xc.shape;
    const input = tf.transpose(xc, [3, 1, 2, 0]); // [ci, hc, wc, n]
    const filter = tf.transpose(dy, [1, 2, 0, 3]); // [ho, wo, n, co]
    const pads: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [top, Math.max(bottom, 0)],
      [left, Math.max(right, 0)],
      [0, 0],
    ];
    let grad: tf.Tensor4D;
    if (kw === 1 && sw === 1 && left === 0 && right === 0) {
      pads[2] = [0, 0];
      grad = tf.conv2d(tf.reshape(input, [ci, hc, 1, wc * n]), tf.reshape(filter, [ho, 1, wo * n, co]), 1, pads, 'NHWC', [sh, 1]);
    } else {
      grad = tf.conv2d(input, filter, 1, pads, 'NHWC', [sh, sw]);
    }
    return tf.transpose(grad, [1, 2, 0, 3]);
  });
}
