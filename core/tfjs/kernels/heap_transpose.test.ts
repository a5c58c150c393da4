import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { onWasmAndCpu, ramp } from '../../../test/harness.ts';
import { keptRun } from './heap_transpose.ts';
import { installKernels } from '../install_kernels.ts';

describe('Transpose on wasm (heap_transpose.ts)', () => {
  it('is among the overrides the harness registered', () => {
    assert.ok(installKernels('wasm').includes('Transpose/wasm'));
  });

  it('keptRun: the trailing axes a permutation leaves in place, and their size', () => {
    assert.deepEqual(keptRun([3, 7, 7, 3, 64], [1, 2, 0, 3, 4]), { axes: 2, run: 192 });
    assert.deepEqual(keptRun([4, 5], [1, 0]), { axes: 0, run: 1 });
    assert.deepEqual(keptRun([4, 5], [0, 1]), { axes: 2, run: 20 });
  });

  // Runs of ≥ 32 values (ours), shorter ones and full reversals (the backend's own kernel).
  for (const [shape, perm, dtype] of [
    [[3, 7, 7, 3, 64], [1, 2, 0, 3, 4], 'float32'],
    [[7, 7, 3, 3, 64], [2, 0, 1, 3, 4], 'float32'],
    [[4, 5, 6, 40], [1, 2, 0, 3], 'int32'],
    [[2, 3, 4, 5, 40], [3, 1, 4, 0, 2], 'float32'],
    [[6, 2, 3, 64], [0, 2, 1, 3], 'float32'],
    [[4, 3, 10, 3], [0, 2, 1, 3], 'float32'],
    [[5, 33], [1, 0], 'float32'],
    [[1, 3, 32], [1, 0, 2], 'float32'],
  ] as [number[], number[], 'float32' | 'int32'][]) {
    it(`${dtype} [${shape}] by [${perm}] equals cpu's`, async () => {
      const [wasm, cpu] = await onWasmAndCpu(() => [tf.transpose(ramp(shape, dtype), perm)]);
      assert.deepEqual(wasm, cpu);
    });
  }
});
