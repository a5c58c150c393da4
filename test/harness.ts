/**
 * Shared helpers for the unit tests beside the code: backends, random tensors, closeness.
 * Importing it loads the full tfjs (gradients included) and wasm; `useBackend` starts a backend
 * with our kernels installed, as the CLI does.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import assert from 'node:assert/strict';
import { installKernels } from '../core/tfjs/install_kernels.ts';

/** Backends every op test runs on in Node (tensorflow joins when tfjs-node is installed). */
export const NODE_TEST_BACKENDS = ['cpu', 'wasm'] as const;

export async function useBackend(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to start`);
  await tf.ready();
  // As node/backend.ts does: the tests run the kernels the CLI runs.
  installKernels(name);
}

/** A reproducible random tensor in [lo, hi). */
export function randomTensor(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  return tf.randomUniform(shape, lo, hi, 'float32', seed);
}

/** Max absolute difference between two tensors (or arrays) of the same shape. */
export function maxAbsDiff(a: tf.Tensor | Float32Array, b: tf.Tensor | Float32Array): number {
  const x = a instanceof Float32Array ? a : (a.dataSync() as Float32Array);
  const y = b instanceof Float32Array ? b : (b.dataSync() as Float32Array);
  assert.equal(x.length, y.length, 'sizes differ');
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

/** Asserts same shape and max |a-b| ≤ tol·max(1, max|b|); `what` names the comparison. */
export function expectClose(a: tf.Tensor, b: tf.Tensor, tol: number, what: string): void {
  assert.deepEqual(a.shape, b.shape, `${what}: shapes differ`);
  const scale = Math.max(
    1,
    tf.tidy(() => tf.max(tf.abs(b)).dataSync()[0]),
  );
  const diff = maxAbsDiff(a, b);
  assert.ok(diff <= tol * scale, `${what}: max abs diff ${diff} > ${tol * scale}`);
}

/** The outputs of `f` on wasm and on cpu (the reference), as plain arrays with their shapes. */
export async function onWasmAndCpu(f: () => tf.Tensor[]): Promise<[unknown, unknown]> {
  const run = () => tf.tidy(() => f().map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) })));
  await useBackend('cpu');
  const cpu = run();
  await useBackend('wasm');
  return [run(), cpu];
}

/** A tensor of distinct, exactly representable values i·5 − 11, to compare data movement. */
export function ramp(shape: number[], dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  return tf.tensor(
    Array.from({ length: shape.reduce((a, d) => a * d, 1) }, (_, i) => i * 5 - 11),
    shape,
    dtype,
  );
}

/** Copies a tensor's values to the cpu-independent form so it survives a backend switch. */
export function snapshot(t: tf.Tensor): { shape: number[]; values: Float32Array } {
  return { shape: t.shape, values: Float32Array.from(t.dataSync() as Float32Array) };
}

export function fromSnapshot(s: { shape: number[]; values: Float32Array }): tf.Tensor {
  return tf.tensor(s.values, s.shape);
}
