import * as tf from '@tensorflow/tfjs-core';

/**
 * tf.concat along `axis`, computed on 2-D views [outer, size·inner] of the inputs (the same
 * bytes, so the same result). Its gradient splits dy the same way: wasm's SplitV slices 5-D
 * tensors element by element but 2-D ones run by run (faster on wasm: see core/tfjs/README.md).
 */
export function concat(xs: tf.Tensor[], axis: number): tf.Tensor {
  const shape = xs[0].shape;
  const a = axis < 0 ? axis + shape.length : axis;
  if (xs.length === 1) return xs[0];
  const outer = shape.slice(0, a).reduce((p, d) => p * d, 1);
  const flat = xs.map((x) => tf.reshape(x, [outer, x.size / outer]));
  const joined = tf.concat(flat, 1);
  const out = [...shape];
  out[a] = xs.reduce((sum, x) => sum + x.shape[a], 0);
  return tf.reshape(joined, out);
}
