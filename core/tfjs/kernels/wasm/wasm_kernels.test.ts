import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../../test/harness.ts';
import { COMPILED_MODULES_FILE, compiledModulesSource } from '../../../../node/build/wasm_modules.ts';
import { heapOffset, wasmKernelsOf, wasmKernelsOn } from './wasm_kernels.ts';

describe('wasm kernels', () => {
  it('compiled_modules.ts matches the .wat sources (else run `npm run build:wasm`)', async () => {
    assert.equal(await readFile(COMPILED_MODULES_FILE, 'utf8'), await compiledModulesSource());
  });

  it("instantiate on Node's wasm backend, on its own memory, once per memory", async () => {
    await useBackend('wasm');
    const kernels = wasmKernelsOf(tf.backend());
    assert.ok(kernels, 'the SIMD kernels did not load on wasm');
    assert.equal(wasmKernelsOf(tf.backend()), kernels);
    // A kernel writes where the backend reads: dx of a 1×2 window at stride 2 over [3, 7 | 5, 1].
    const x = tf.tensor4d([3, 7, 5, 1], [1, 1, 4, 1]);
    const dy = tf.tensor4d([10, 20], [1, 1, 2, 1]);
    const dx = tf.zeros([1, 1, 4, 1]);
    const at = (t: tf.Tensor) => heapOffset(tf.backend(), t);
    kernels.maxPoolGrad(at(x), at(dy), at(dx), 1, 1, 4, 1, 1, 2, 1, 2, 1, 2, 0, 0);
    assert.deepEqual(Array.from(dx.dataSync()), [0, 10, 20, 0]);
    tf.dispose([x, dy, dx]);
  });

  it("run on a shared memory too (tfjs's threaded build), as their shared-memory build", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    assert.ok(memory.buffer instanceof SharedArrayBuffer);
    const kernels = wasmKernelsOn(memory);
    assert.ok(kernels, 'the shared-memory build did not load');
    const heap = new Float32Array(memory.buffer);
    heap.set([3, 7, 5, 1], 0); // x at byte 0
    heap.set([10, 20], 16); // dy at byte 64
    heap.fill(-1, 32, 36); // dx at byte 128: the kernel must clear it
    kernels.maxPoolGrad(0, 64, 128, 1, 1, 4, 1, 1, 2, 1, 2, 1, 2, 0, 0);
    assert.deepEqual(Array.from(heap.subarray(32, 36)), [0, 10, 20, 0]);
  });

  it('are not offered on the cpu backend', async () => {
    await useBackend('cpu');
    assert.equal(wasmKernelsOf(tf.backend()), undefined);
    const t = tf.scalar(1);
    assert.throws(() => heapOffset(tf.backend(), t), /not a tensor of the wasm backend/);
    t.dispose();
  });
});
