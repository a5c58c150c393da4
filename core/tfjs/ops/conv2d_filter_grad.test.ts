import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { NODE_TEST_BACKENDS, expectClose, randomTensor, useBackend } from '../../../test/harness.ts';
import { conv2dFilterGrad } from './conv2d_filter_grad.ts';
import { conv2dFilterGradByConv } from './conv2d_filter_grad_by_conv.ts';
import { conv2dFilterGradByTaps } from './conv2d_filter_grad_by_taps.ts';
import type { Padding } from '../../ops/ops.ts';

type FilterGrad = typeof conv2dFilterGrad;
const FORMULATIONS: [string, FilterGrad][] = [
  ['per-tap matmuls', conv2dFilterGradByTaps],
  ['one dilated conv2d', conv2dFilterGradByConv],
  ['chosen by shape', conv2dFilterGrad],
];

// 1×1, 3×3, the stem's strided 7×7, temporal [3,1] (width folded into channels by the conv
// formulation), VALID with strides that leave cells unread, and ≥ 8 images (where the choice
// takes the conv).
const CASES: [number[], number[], [number, number], Padding][] = [
  [[2, 6, 5, 3], [1, 1, 3, 4], [1, 1], 'SAME'],
  [[2, 6, 5, 3], [3, 3, 3, 4], [1, 1], 'SAME'],
  [[1, 11, 9, 2], [7, 7, 2, 3], [2, 2], 'SAME'],
  [[3, 12, 12, 9], [7, 7, 9, 4], [2, 2], 'SAME'],
  [[2, 8, 12, 5], [3, 1, 5, 4], [1, 1], 'SAME'],
  [[2, 8, 12, 5], [3, 1, 5, 4], [2, 1], 'SAME'],
  [[1, 8, 9, 2], [3, 1, 2, 2], [2, 1], 'VALID'],
  [[1, 10, 10, 2], [3, 3, 2, 2], [3, 3], 'VALID'],
  [[8, 5, 4, 3], [3, 3, 3, 5], [1, 1], 'SAME'],
  // Contractions long enough for the taps to chunk them: by images, and by rows of one image.
  [[4, 48, 48, 2], [3, 3, 2, 3], [1, 1], 'SAME'],
  [[1, 100, 100, 2], [3, 3, 2, 2], [1, 1], 'SAME'],
  [[1, 6, 2000, 2], [3, 1, 2, 2], [1, 1], 'SAME'],
  [[2, 96, 90, 2], [7, 7, 2, 2], [2, 2], 'SAME'],
];

describe('conv2d filter gradient', () => {
  for (const backend of NODE_TEST_BACKENDS) {
    for (const [name, filterGrad] of FORMULATIONS) {
      for (const [xs, ws, strides, p] of CASES) {
        it(`${backend}, ${name}: x [${xs}] filter [${ws}] strides [${strides}] ${p} equals cpu Conv2DBackpropFilter`, async () => {
          await useBackend('cpu');
          const pad = p === 'SAME' ? 'same' : 'valid';
          const [x, dy, expected] = tf.tidy(() => {
            const xt = randomTensor(xs, 1) as tf.Tensor4D;
            const w = randomTensor(ws, 2) as tf.Tensor4D;
            const dyt = randomTensor(tf.conv2d(xt, w, strides, pad).shape, 3) as tf.Tensor4D;
            const dw = tf.grad((f: tf.Tensor) => tf.mul(tf.conv2d(xt, f as tf.Tensor4D, strides, pad), dyt).sum())(w);
            return [xt, dyt, dw].map((t) => t.arraySync() as number[][][][]);
          });
          await useBackend(backend);
          tf.tidy(() => {
            const before = tf.memory().numTensors;
            const xt = tf.tensor4d(x);
            const dyt = tf.tensor4d(dy);
            const shape = ws as [number, number, number, number];
            expectClose(filterGrad(xt, dyt, shape, strides, p), tf.tensor4d(expected), 1e-5, 'dW');
            // Only the inputs, the result and the reference remain: nothing leaks from the formulation.
            if (tf.memory().numTensors - before !== 4) throw new Error(`${tf.memory().numTensors - before - 4} tensors leaked`);
          });
        });
      }
    }
  }
});
