/**
 * Training-mode batch norm + ReLU as two wasm kernels of our own (wasm/batch_norm_relu.wat),
 * for ops/batch_norm.ts's `batchNormReluTraining`:
 * - `BatchNormReluTraining` {x, offset} → [centered, value, mean, variance, scale];
 * - `BatchNormReluTrainingGrad` {dz, value, centered, scale} → [dx, Σdy].
 * x is [..., C] with C a multiple of 4. Each is a few passes over memory, where the same maths
 * in tfjs ops takes dozens of kernels per layer, each with its engine cost, and twice the memory
 * traffic (counts: core/tfjs/README.md).
 */
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { memoryOf } from './cpu_memory.ts';
import { heapOffsetsOn, wasmKernelsOf } from './wasm/wasm_kernels.ts';

export const BATCH_NORM_RELU_TRAINING = 'BatchNormReluTraining';
export const BATCH_NORM_RELU_TRAINING_GRAD = 'BatchNormReluTrainingGrad';

// A type, not an interface: tfjs's attribute map needs an implicit index signature.
export type BatchNormReluTrainingAttrs = { epsilon: number };

/**
 * Whether the kernels can run on `backend` for x of this shape (their loops need ≥ 1 row and
 * 4 channels).
 */
export function canFuseBatchNormRelu(backend: KernelBackend, shape: number[]): boolean {
  const c = shape[shape.length - 1];
  return c > 0 && c % 4 === 0 && shape.every((d) => d > 0) && wasmKernelsOf(backend) !== undefined;
}

const forward: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as KernelBackend;
  const { x, offset } = inputs as { x: TensorInfo; offset: TensorInfo };
  const { epsilon } = attrs as unknown as BatchNormReluTrainingAttrs;
  const kernels = wasmKernelsOf(backend);
  if (!kernels) throw new Error(`${BATCH_NORM_RELU_TRAINING}: our wasm kernels are not loaded`);
  const c = x.shape[x.shape.length - 1];
  const mem = memoryOf(backend);
  const none = () => {};
  // Allocate everything first: a later allocation may grow the heap, but offsets stay valid.
  const [centered, value] = [mem.alloc(x.shape, none), mem.alloc(x.shape, none)];
  const [mean, variance, scale, scratch] = [0, 1, 2, 3].map(() => mem.alloc([c], none));
  const at = heapOffsetsOn(backend);
  kernels.batchNormReluForward(
    at(x),
    at(offset),
    x.shape.reduce((a, d) => a * d, 1) / c,
    c,
    epsilon,
    at(centered),
    at(value),
    at(mean),
    at(variance),
    at(scale),
    at(scratch),
  );
  mem.free(scratch);
  return [centered, value, mean, variance, scale];
};

const backward: KernelFunc = ({ inputs, backend: anyBackend }) => {
  const backend = anyBackend as KernelBackend;
  const { dz, value, centered, scale } = inputs as { dz: TensorInfo; value: TensorInfo; centered: TensorInfo; scale: TensorInfo };
  const kernels = wasmKernelsOf(backend);
  if (!kernels) throw new Error(`${BATCH_NORM_RELU_TRAINING_GRAD}: our wasm kernels are not loaded`);
  const c = dz.shape[dz.shape.length - 1];
  const mem = memoryOf(backend);
  const none = () => {};
  const [dx, sumDy, scratch] = [mem.alloc(dz.shape, none), mem.alloc([c], none), mem.alloc([4 * c], none)];
  const at = heapOffsetsOn(backend);
  kernels.batchNormReluBackward(
    at(dz),
    at(value),
    at(centered),
    at(scale),
    dz.shape.reduce((a, d) => a * d, 1) / c,
    c,
    at(dx),
    at(sumDy),
    at(scratch),
  );
  mem.free(scratch);
  return [dx, sumDy];
};

/** Both kernels, for wasm (where `canFuseBatchNormRelu` says so, the ops call them). */
export const batchNormReluKernels = (): KernelConfig[] => [
  { kernelName: BATCH_NORM_RELU_TRAINING, backendName: 'wasm', kernelFunc: forward },
  { kernelName: BATCH_NORM_RELU_TRAINING_GRAD, backendName: 'wasm', kernelFunc: backward },
];
