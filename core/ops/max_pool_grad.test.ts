import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { NODE_TEST_BACKENDS, expectClose, randomTensor, useBackend } from '../../test/harness.ts';
import { maxPool2dFirstMaxGrad } from './max_pool_grad.ts';
import type { Padding } from './ops.ts';

const CASES: [[number, number, number, number], number, number, Padding][] = [
  [[1, 4, 4, 1], 2, 2, 'VALID'], // wasm's own MaxPoolGrad is wrong here
  [[2, 4, 4, 1], 2, 2, 'SAME'],
  [[1, 9, 7, 3], 3, 2, 'SAME'],
  [[2, 5, 5, 2], 3, 1, 'SAME'],
  [[1, 8, 9, 2], 3, 2, 'VALID'],
  [[1, 6, 12, 4], 2, 2, 'SAME'], // even window, padding only below/right
];

describe('maxPool2dFirstMaxGrad', () => {
  for (const backend of NODE_TEST_BACKENDS) {
    for (const [shape, k, s, p] of CASES) {
      it(`${backend}: x [${shape}] ksize ${k} stride ${s} ${p} — gradient equals cpu MaxPoolGrad`, async () => {
        await useBackend('cpu');
        // Mostly negative, so that windows with only negative values occur (wasm's own kernel fails there).
        const x = randomTensor(shape, 7, -1, 0.3) as tf.Tensor4D;
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
