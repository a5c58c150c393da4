/**
 * tfjs-backend-webgpu 4.22 bug: AddN binds every input as its own storage buffer in one shader,
 * whatever the device's `maxStorageBuffersPerShaderStage` (WebGPU's default, and SwiftShader's,
 * is 8). Training's weight decay sums one term per weight tensor (~100 for S3D-G): the pipeline
 * is invalid and the sum comes back as garbage (the loss read 64 on SwiftShader).
 *
 * Fix, as a kernel config wrapping webgpu's own: sum at most limit − 1 inputs per call (the
 * output takes one binding), then sum the partial sums the same way.
 */
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/** WebGPU's default, for a backend that does not say. */
const DEFAULT_STORAGE_BUFFERS = 8;

function storageBufferLimit(backend: KernelBackend): number {
  const device = (backend as { device?: { limits?: { maxStorageBuffersPerShaderStage?: number } } }).device;
  return device?.limits?.maxStorageBuffersPerShaderStage ?? DEFAULT_STORAGE_BUFFERS;
}

export function wrapChunkedAddN(original: KernelConfig): KernelConfig {
  const run: KernelFunc = (args) => {
    const backend = args.backend as KernelBackend;
    const perCall = Math.max(2, storageBufferLimit(backend) - 1);
    let terms = Object.values(args.inputs) as TensorInfo[];
    if (terms.length <= perCall) return original.kernelFunc(args);
    const given = new Set(terms.map((t) => t.dataId));
    while (terms.length > 1) {
      const sums: TensorInfo[] = [];
      for (let i = 0; i < terms.length; i += perCall) {
        const chunk = terms.slice(i, i + perCall);
        sums.push(
          chunk.length === 1 ? chunk[0] : (original.kernelFunc({ ...args, inputs: chunk as unknown as typeof args.inputs }) as TensorInfo),
        );
      }
      // Partial sums of the previous round are ours to free; the caller's inputs are not.
      for (const t of terms) if (!given.has(t.dataId) && !sums.includes(t)) backend.disposeData(t.dataId);
      terms = sums;
    }
    // More inputs than one call takes: the last round summed at least two, so this is a new tensor.
    return terms[0];
  };
  return { ...original, kernelFunc: run };
}
