import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { onWasmAndCpu as onBoth, ramp as x } from '../../../test/harness.ts';
import { installKernels } from '../install_kernels.ts';

describe('SplitV and Unpack on wasm (heap_split.ts)', () => {
  it('are among the overrides the harness registered', () => {
    const names = installKernels('wasm');
    assert.ok(names.includes('SplitV/wasm') && names.includes('Unpack/wasm'));
  });

  for (const [shape, sizes, axis] of [
    [[2, 3, 4, 10], [1, 4, 2, 3], 3],
    [[2, 6, 5], [2, 4], 1],
    [[6, 4], 3, 0],
    [[6, 4], [1, -1], -1],
  ] as [number[], number | number[], number][]) {
    it(`split [${shape}] into ${JSON.stringify(sizes)} along ${axis} equals cpu's`, async () => {
      const [wasm, cpu] = await onBoth(() => tf.split(x(shape), sizes, axis));
      assert.deepEqual(wasm, cpu);
    });
  }

  for (const [shape, axis, dtype] of [
    [[3, 4, 5], 0, 'float32'],
    [[3, 4, 5], 1, 'int32'],
    [[3, 4, 5], -1, 'float32'],
    [[2, 1, 3, 2, 2], 3, 'float32'],
  ] as [number[], number, 'float32' | 'int32'][]) {
    it(`unstack ${dtype} [${shape}] along ${axis} equals cpu's`, async () => {
      const [wasm, cpu] = await onBoth(() => tf.unstack(x(shape, dtype), axis));
      assert.deepEqual(wasm, cpu);
    });
  }
});
