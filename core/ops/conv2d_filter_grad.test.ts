import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectClose, randomTensor, useBackend } from '../../test/harness.ts';
import { conv2dFilterGrad } from './conv2d_filter_grad.ts';
import type { Padding } from './ops.ts';

const CASES: [number[], number[], [number, number], Padding][] = [
  [[2, 6, 5, 3], [1, 1, 3, 4], [1, 1], 'SAME'],
  [[2, 6, 5, 3], [3, 3, 3, 4], [1, 1], 'SAME'],
  [[1, 11, 9, 2], [7, 7, 2, 3], [2, 2], 'SAME'],
  [[1, 8, 9, 2], [3, 1, 2, 2], [2, 1], 'VALID'],
  [[1, 10, 10, 2], [3, 3, 2, 2], [3, 3], 'VALID'],
];

describe('conv2dFilterGrad', () => {
  for (const [xs, ws, strides, p] of CASES) {
    it(`x [${xs}] filter [${ws}] strides [${strides}] ${p} equals cpu Conv2DBackpropFilter`, async () => {
      await useBackend('cpu');
      tf.tidy(() => {
        const x = randomTensor(xs, 1) as tf.Tensor4D;
        const w = randomTensor(ws, 2) as tf.Tensor4D;
        const pad = p === 'SAME' ? 'same' : 'valid';
        const dy = randomTensor(tf.conv2d(x, w, strides, pad).shape, 3) as tf.Tensor4D;
        const expected = tf.grad((f: tf.Tensor) => tf.mul(tf.conv2d(x, f as tf.Tensor4D, strides, pad), dy).sum())(w);
        expectClose(conv2dFilterGrad(x, dy, w.shape, strides, p), expected, 1e-5, 'dW');
      });
    });
  }
});
