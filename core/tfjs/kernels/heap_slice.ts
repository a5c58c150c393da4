/**
 * Slice for the wasm backend that copies only the slice. tfjs 4.22's wasm Slice first copies
 * its whole input out of the heap (readSync), then the slice from that copy: slicing a tap's
 * window, a concat's branch or one filter tap costs the whole tensor every time.
 */
import { Slice, slice_util, util, type KernelBackend, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { allocOnHeap, isWasmHeap } from './cpu_memory.ts';

/** Typed arrays of any dtype, as copySlice reads and writes them. */
interface Values {
  length: number;
  [i: number]: number;
  subarray(a: number, b: number): ArrayLike<number>;
  set(a: ArrayLike<number>, offset: number): void;
}

/** Runs shorter than this are copied element by element: a subarray view has a fixed cost. */
const SHORT_RUN = 64;

/** Copies x[begin … begin+size) of x (shape `shape`) into out, one contiguous run at a time. */
export function copySlice(src: Values, dst: Values, shape: number[], begin: number[], size: number[]): void {
  const rank = shape.length;
  if (rank === 0) {
    dst.set(src.subarray(0, 1), 0);
    return;
  }
  // The trailing axes the slice spans whole, plus the one before, make one contiguous run.
  let k = rank - 1;
  while (k > 0 && begin[k] === 0 && size[k] === shape[k]) k--;
  const strides = util.computeStrides(shape);
  const run = size.slice(k).reduce((a, d) => a * d, 1);
  const outer = size.slice(0, k);
  const count = outer.reduce((a, d) => a * d, 1);
  const index = new Array<number>(k).fill(0);
  for (let r = 0, out = 0; r < count; r++, out += run) {
    let from = begin[k] * (k < rank - 1 ? strides[k] : 1);
    for (let d = 0; d < k; d++) from += (begin[d] + index[d]) * strides[d];
    if (run < SHORT_RUN) {
      for (let i = 0; i < run; i++) dst[out + i] = src[from + i];
    } else {
      dst.set(src.subarray(from, from + run), out);
    }
    for (let d = k - 1; d >= 0 && ++index[d] === outer[d]; d--) index[d] = 0;
  }
}

/** x[begin … begin+size) as a new wasm tensor, copied straight from the heap. */
export function copySliceKernel(backend: unknown, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const wasm = backend as KernelBackend;
  if (!isWasmHeap(wasm)) throw new Error('copySliceKernel: not the wasm backend');
  return allocOnHeap(wasm, size, x.dtype, (out) => {
    if (size.every((d) => d > 0)) copySlice(wasm.typedArrayFromHeap(x), out, x.shape, begin, size);
  });
}

/** wasm's Slice with this copy; string tensors still go to `original`. */
export const heapSliceWasm = (original: KernelConfig): KernelConfig => ({
  kernelName: Slice,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return original.kernelFunc(args);
    const { begin, size } = args.attrs as unknown as { begin: number[]; size: number[] };
    const [b, s] = slice_util.parseSliceParams(x, begin, size);
    return copySliceKernel(args.backend, x, b, s);
  },
});
