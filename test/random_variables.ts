import * as tf from '@tensorflow/tfjs';

/**
 * Sets every variable of a VariableStore-like map to reproducible random values, so parity means
 * something: weights with unit-variance fan-in scaling (activations stay O(1)), small offsets and
 * means, variances in [0.5, 1.5].
 */
export function randomizeVariables(
  store: { names: string[]; get(n: string): tf.Tensor; assign(n: string, v: tf.Tensor): void },
  seed: number,
): void {
  tf.tidy(() => {
    store.names.forEach((name, i) => {
      const shape = store.get(name).shape;
      let [lo, hi] = [-0.1, 0.1];
      if (name.endsWith('moving_variance')) [lo, hi] = [0.5, 1.5];
      if (name.endsWith('weights')) {
        const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
        hi = Math.sqrt(3 / fanIn);
        lo = -hi;
      }
      store.assign(name, tf.randomUniform(shape, lo, hi, 'float32', seed + i));
    });
  });
}
