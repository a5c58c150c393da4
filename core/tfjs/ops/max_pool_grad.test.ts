import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { NODE_TEST_BACKENDS, expectClose, randomTensor, useBackend } from '../../../test/harness.ts';
import { maxPool2dFirstMaxGrad } from './max_pool_grad.ts';
import type { Padding } from '../../ops/ops.ts';

const CASES: [[number, number, number, number], number, number, Padding][] = [
  [[1, 4, 4, 1], 2, 2, 'VALID'], // wasm's own MaxPoolGrad is wrong here
  [[2, 4, 4, 1], 2, 2, 'SAME'],
  [[1, 9, 7, 3], 3, 2, 'SAME'],
  [[2, 5, 5, 2], 3, 1, 'SAME'],
  [[1, 8, 9, 2], 3, 2, 'VALID'],
  [[1, 6, 12, 4], 2, 2, 'SAME'], // even window, padding only below/right
  // Channel counts for each path of wasm's SIMD kernel: 16 at a time, then 4, then single.
  [[1, 7, 9, 23], 3, 2, 'SAME'],
  [[2, 6, 5, 36], 3, 1, 'SAME'],
  [[1, 8, 8, 20], 2, 2, 'VALID'],
];

/**
 * Cases whose values repeat (as ReLU zeros do), so windows have tied maxima: the first one wins,
 * on wasm (its SIMD kernel). The JS route (cpu) gives a tie to any one of the tied cells.
 */
const TIED: typeof CASES = [
  [[1, 7, 9, 23], 3, 2, 'SAME'],
  [[2, 6, 5, 36], 3, 1, 'SAME'],
];

describe('maxPool2dFirstMaxGrad', () => {
  for (const backend of NODE_TEST_BACKENDS) {
    for (const [[shape, k, s, p], tied] of [
      ...CASES.map((c) => [c, false] as const),
      ...(backend === 'wasm' ? TIED : []).map((c) => [c, true] as const),
    ]) {
      it(`${backend}: x [${shape}] ksize ${k} stride ${s} ${p}${tied ? ', tied maxima' : ''} — gradient equals cpu MaxPoolGrad`, async () => {
        await useBackend('cpu');
        // Mostly negative, so that windows with only negative values occur (wasm's own kernel fails there).
        const random = randomTensor(shape, 7, -1, 0.3);
        const x = (tied ? tf.round(tf.mul(random, 2)) : random) as tf.Tensor4D;
        const pad = p === 'SAME' ? 'same' : 'valid';
        const g = randomTensor(tf.maxPool(x, k, s, pad).shape, 8);
        const expected = tf.grad((a: tf.Tensor) => tf.mul(tf.maxPool(a as tf.Tensor4D, k, s, pad), g).sum())(x);
        const values = { x: x.dataSync().slice(), g: g.dataSync().slice(), e: expected.dataSync().slice() };
        tf.dispose([x, g, expected]);
        await useBackend(backend);
        tf.tidy(() => {
          const xb = tf.tensor(values.x, shape) as tf.Tensor4D;
          const gb = tf.tensor(values.g, g.shape);
          const dx = tf.grad((a: tf.Tensor) => tf.mul(maxPool2dFirstMaxGrad(a as tf.Tensor4D, [k, k], [s, s], p), gb).sum())(xb);
          expectClose(dx, tf.tensor(values.e, shape), 1e-6, 'dx');
        });
      });
    }
  }
});
