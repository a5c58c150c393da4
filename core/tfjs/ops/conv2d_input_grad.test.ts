import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { NODE_TEST_BACKENDS, expectClose, fromSnapshot, randomTensor, snapshot, useBackend } from '../../../test/harness.ts';
import { conv2dInputGrad } from './conv2d_input_grad.ts';
import { conv2dInputGradByConv } from './conv2d_input_grad_by_conv.ts';
import { conv2dInputGradByMatmul } from './conv2d_input_grad_by_matmul.ts';
import type { Padding } from '../../ops/ops.ts';

type Shape4 = [number, number, number, number];
type InputGrad = (dy: tf.Tensor4D, filter: tf.Tensor4D, xShape: Shape4, strides: [number, number], padding: Padding) => tf.Tensor4D;

// The chooser, and each stride-1 formulation on its own.
const FORMULATIONS: [string, InputGrad, boolean][] = [
  ['conv2dInputGrad', conv2dInputGrad, true],
  ['byConv', (dy, f, xs, _s, p) => conv2dInputGradByConv(dy, f, xs, p), false],
  ['byMatmul', (dy, f, xs, _s, p) => conv2dInputGradByMatmul(dy, f, xs, p), false],
];

// Odd and even kernels (even ones pad unevenly under SAME), both paddings, and a strided case.
const CASES: [number[], number[], [number, number], Padding][] = [
  [[2, 6, 5, 3], [1, 1, 3, 4], [1, 1], 'SAME'],
  [[2, 6, 5, 3], [3, 3, 3, 4], [1, 1], 'SAME'],
  [[1, 7, 6, 2], [2, 4, 2, 3], [1, 1], 'SAME'],
  [[1, 8, 9, 2], [3, 1, 2, 2], [1, 1], 'VALID'],
  [[1, 9, 8, 2], [4, 3, 2, 2], [1, 1], 'VALID'],
  [[1, 11, 9, 2], [7, 7, 2, 3], [2, 2], 'SAME'],
  // Maps of no more positions than input channels (the chooser takes the matmul route).
  [[1, 3, 3, 12], [3, 3, 12, 5], [1, 1], 'SAME'],
  [[2, 2, 2, 20], [2, 3, 20, 6], [1, 1], 'SAME'],
  [[1, 1, 8, 9], [3, 1, 9, 4], [1, 1], 'SAME'],
  [[1, 4, 3, 16], [3, 2, 16, 3], [1, 1], 'VALID'],
  [[1, 2, 2, 6], [1, 1, 6, 7], [1, 1], 'SAME'],
];

describe('conv2dInputGrad', () => {
  for (const backend of NODE_TEST_BACKENDS) {
    for (const [name, grad, strided] of FORMULATIONS)
      for (const [xs, ws, strides, p] of CASES) {
        if (!strided && strides[0] !== 1) continue;
        it(`${name} on ${backend}: x [${xs}] filter [${ws}] strides [${strides}] ${p} equals cpu Conv2DBackpropInput`, async () => {
          await useBackend('cpu');
          const pad = p === 'SAME' ? 'same' : 'valid';
          const ref = tf.tidy(() => {
            const x = randomTensor(xs, 1) as tf.Tensor4D;
            const w = randomTensor(ws, 2) as tf.Tensor4D;
            const dy = randomTensor(tf.conv2d(x, w, strides, pad).shape, 3) as tf.Tensor4D;
            const dx = tf.grad((a: tf.Tensor) => tf.mul(tf.conv2d(a as tf.Tensor4D, w, strides, pad), dy).sum())(x);
            return { w: snapshot(w), dy: snapshot(dy), dx: snapshot(dx) };
          });
          await useBackend(backend);
          tf.tidy(() => {
            const dx = grad(fromSnapshot(ref.dy) as tf.Tensor4D, fromSnapshot(ref.w) as tf.Tensor4D, xs as Shape4, strides, p);
            expectClose(dx, fromSnapshot(ref.dx), 1e-5, 'dx');
          });
        });
      }
  }
});
