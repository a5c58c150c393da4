import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { NODE_TEST_BACKENDS, useBackend } from '../../../test/harness.ts';
import { maxPool2dFirstMaxGrad } from '../ops/max_pool_grad.ts';

const fromBits = (bits: number[]) => Array.from(new Float32Array(new Uint32Array(bits).buffer));
const ONE = 0x3f800000; // 1.0: its low mantissa bits are 0
const MINUS_ONE = 0xbf800000;

/** dx of sum(maxPool(x) · dy) for x [1,1,W,1], 1×k windows at stride k. */
function gradOf(values: number[], k: number, dy: number[]): number[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(values, [1, 1, values.length, 1]);
    const g = tf.tensor4d(dy, [1, 1, dy.length, 1]);
    const dx = tf.grad((a: tf.Tensor) => tf.mul(maxPool2dFirstMaxGrad(a as tf.Tensor4D, [1, k], [1, k], 'VALID'), g).sum())(x);
    return Array.from(dx.dataSync());
  });
}

describe('FirstMaxPoolGrad', () => {
  for (const backend of NODE_TEST_BACKENDS) {
    it(`${backend}: values 1 ulp apart, which the position code reorders, still route to the true maximum`, async () => {
      await useBackend(backend);
      // Window 1: 1+ulp (code 0) beats 1 (code 1), but coded they swap. Window 2: the same below 0.
      const x = fromBits([ONE + 1, ONE, MINUS_ONE, MINUS_ONE + 1]);
      assert.deepEqual(gradOf(x, 2, [3, 5]), [3, 0, 5, 0]);
    });

    it(`${backend}: infinities and all-negative windows`, async () => {
      await useBackend(backend);
      assert.deepEqual(gradOf([-5, Infinity, -Infinity, -3, -2, -7], 3, [2, 4]), [0, 2, 0, 0, 4, 0]);
    });
  }
});
