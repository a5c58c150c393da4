/**
 * Tensor memory for JS kernels on the backends that keep tensors in CPU memory: wasm (its heap,
 * read and written in place) and cpu (plain typed arrays).
 */
import type { backend_util, DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

/** The backends whose tensors a JS kernel can read and write directly. */
export const CPU_MEMORY_BACKENDS = ['wasm', 'cpu'] as const;

/** The wasm backend's heap access (BackendWasm). */
export interface WasmHeap {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  /** A view of the tensor's bytes, typed by its dtype; detached when the heap grows. */
  typedArrayFromHeap(t: TensorInfo): backend_util.TypedArray;
}

export const isWasmHeap = (b: KernelBackend): b is KernelBackend & WasmHeap => 'typedArrayFromHeap' in b && 'makeOutput' in b;

/**
 * A new wasm tensor of `shape`, written by `fill` with its own values (any dtype but string).
 * The view is taken after the allocation: growing the heap detaches views taken before, so
 * `fill` must also take its views of other tensors then.
 */
export function allocOnHeap(heap: WasmHeap, shape: number[], dtype: DataType, fill: (values: backend_util.TypedArray) => void): TensorInfo {
  const out = heap.makeOutput(shape, dtype);
  fill(heap.typedArrayFromHeap(out));
  return out;
}

/** Float32 tensor memory a JS kernel reads, allocates and frees. */
export interface Memory {
  /** The tensor's values, not a copy: read only. */
  read(t: TensorInfo): Float32Array;
  /** A new tensor of `shape`, written by `fill` (which may read other tensors). */
  alloc(shape: number[], fill: (values: Float32Array) => void): TensorInfo;
  free(t: TensorInfo): void;
}

export function memoryOf(backend: KernelBackend): Memory {
  const free = (t: TensorInfo) => void backend.disposeData(t.dataId);
  if (isWasmHeap(backend)) {
    const heap = backend;
    return {
      read: (t) => heap.typedArrayFromHeap(t) as Float32Array,
      alloc: (shape, fill) => allocOnHeap(heap, shape, 'float32', (values) => fill(values as Float32Array)),
      free,
    };
  }
  return {
    read: (t) => backend.readSync(t.dataId) as Float32Array,
    alloc: (shape, fill) => {
      const values = new Float32Array(shape.reduce((a, d) => a * d, 1));
      fill(values);
      return { dataId: backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
    },
    free,
  };
}
