import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../test/harness.ts';
import { registerCoreKernelOverrides } from './register.ts';

// [shape, begin, size]: contiguous, strided, whole trailing axes, single elements, ranks 1–5.
const CASES: [number[], number[], number[]][] = [
  [[10], [3], [4]],
  [[4, 6], [1, 0], [2, 6]],
  [[4, 6], [1, 2], [3, 3]],
  [[3, 4, 5], [0, 1, 0], [3, 2, 5]],
  [[3, 4, 5], [1, 1, 2], [2, 3, 1]],
  [[2, 3, 4, 5], [1, 0, 0, 0], [1, 3, 4, 5]],
  [[2, 3, 4, 5], [0, 1, 1, 1], [2, 2, 3, 4]],
  [[2, 2, 3, 4, 5], [1, 0, 1, 0, 2], [1, 2, 2, 4, 3]],
  [[3, 4], [1, 1], [0, 2]],
];

describe('Slice on wasm (heap_slice.ts)', () => {
  for (const [shape, begin, size] of CASES) {
    for (const dtype of ['float32', 'int32'] as const) {
      it(`${dtype} [${shape}] from [${begin}] size [${size}] equals cpu's`, async () => {
        const n = shape.reduce((a, d) => a * d, 1);
        const values = Array.from({ length: n }, (_, i) => i * 3 - 7);
        await useBackend('cpu');
        const expected = tf.tidy(() => Array.from(tf.slice(tf.tensor(values, shape, dtype), begin, size).dataSync()));
        await useBackend('wasm');
        const got = tf.tidy(() => {
          const y = tf.slice(tf.tensor(values, shape, dtype), begin, size);
          assert.deepEqual(y.shape, size);
          return Array.from(y.dataSync());
        });
        assert.deepEqual(got, expected);
      });
    }
  }

  it('is among the overrides the harness registered', () => {
    assert.ok(registerCoreKernelOverrides().includes('Slice/wasm'));
  });
});
