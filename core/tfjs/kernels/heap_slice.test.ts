import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { onWasmAndCpu, ramp } from '../../../test/harness.ts';
import { installKernels } from '../install_kernels.ts';

// [shape, begin, size]: contiguous, strided, whole trailing axes, single elements, ranks 1–5.
const CASES: [number[], number[], number[]][] = [
  [[10], [3], [4]],
  [
    [4, 6],
    [1, 0],
    [2, 6],
  ],
  [
    [4, 6],
    [1, 2],
    [3, 3],
  ],
  [
    [3, 4, 5],
    [0, 1, 0],
    [3, 2, 5],
  ],
  [
    [3, 4, 5],
    [1, 1, 2],
    [2, 3, 1],
  ],
  [
    [2, 3, 4, 5],
    [1, 0, 0, 0],
    [1, 3, 4, 5],
  ],
  [
    [2, 3, 4, 5],
    [0, 1, 1, 1],
    [2, 2, 3, 4],
  ],
  [
    [2, 2, 3, 4, 5],
    [1, 0, 1, 0, 2],
    [1, 2, 2, 4, 3],
  ],
  [
    [3, 4],
    [1, 1],
    [0, 2],
  ],
];

describe('Slice on wasm (heap_slice.ts)', () => {
  for (const [shape, begin, size] of CASES) {
    for (const dtype of ['float32', 'int32'] as const) {
      it(`${dtype} [${shape}] from [${begin}] size [${size}] equals cpu's`, async () => {
        const [wasm, cpu] = await onWasmAndCpu(() => [tf.slice(ramp(shape, dtype), begin, size)]);
        assert.deepEqual((wasm as { shape: number[] }[])[0].shape, size);
        assert.deepEqual(wasm, cpu);
      });
    }
  }

  it('is among the overrides the harness registered', () => {
    assert.ok(installKernels('wasm').includes('Slice/wasm'));
  });
});
