import * as tf from '@tensorflow/tfjs-core';
import { channelAffineFor } from './formulation.ts';

/**
 * Below this many elements the depthwise conv's fixed set-up costs about what it saves over a
 * multiply and an add (measured on wasm: core/tfjs/README.md).
 */
const DEPTHWISE_MIN_SIZE = 1 << 16;

/**
 * x·scale + shift along the last axis (each [C]; null for 1 and 0), then ReLU when `relu`:
 * batch norm's affine maps, forward and backward. On wasm, for large x, one 1×1 depthwise conv
 * with bias over x viewed as [1,1,rows,C] (see formulation.ts); broadcasting ops otherwise. No
 * gradient of its own: the ops that use it run it inside their custom gradients, where the tape
 * is off.
 */
export function channelAffine(x: tf.Tensor, scale: tf.Tensor | null, shift: tf.Tensor | null, relu = false): tf.Tensor {
  const c = x.shape[x.rank - 1];
  if (channelAffineFor(tf.getBackend()) === 'depthwise' && x.size >= DEPTHWISE_MIN_SIZE) {
    // The kernel itself: tf.fused.depthwiseConv2d would save its inputs for a gradient, and
    // while any gradient is being taped it splits into a conv, an add and a ReLU.
    const inputs = {
      x: tf.reshape(x, [1, 1, x.size / c, c]),
      filter: tf.reshape(scale ?? tf.ones([c]), [1, 1, c, 1]),
      ...(shift ? { bias: shift } : {}),
    };
    const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], activation: relu ? 'relu' : 'linear' };
    const y = tf.engine().runKernel(tf.FusedDepthwiseConv2D, inputs, attrs) as tf.Tensor;
    return tf.reshape(y, x.shape);
  }
  const scaled = scale ? tf.mul(x, scale) : x;
  const shifted = shift ? tf.add(scaled, shift) : scaled;
  return relu ? tf.relu(shifted) : shifted;
}
