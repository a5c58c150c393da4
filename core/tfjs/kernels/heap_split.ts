/**
 * SplitV and Unpack for the wasm backend as slices by our Slice (heap_slice.ts). tfjs 4.22's
 * copy the whole input out of the heap once per output: a concat's gradient split into four
 * branches copied its [B,T,H,W,C] gradient four times.
 */
import { backend_util, SplitV, Unpack, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { copySliceKernel } from './heap_slice.ts';

export const heapSplitVWasm = (original: KernelConfig): KernelConfig => ({
  kernelName: SplitV,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return original.kernelFunc(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
    const at = util.parseAxisParam(axis, x.shape)[0];
    const begin = new Array<number>(x.shape.length).fill(0);
    return backend_util.prepareSplitSize(x, numOrSizeSplits, at).map((part) => {
      const size = [...x.shape];
      size[at] = part;
      const out = copySliceKernel(args.backend, x, [...begin], size);
      begin[at] += part;
      return out;
    });
  },
});

export const heapUnpackWasm = (original: KernelConfig): KernelConfig => ({
  kernelName: Unpack,
  backendName: 'wasm',
  kernelFunc: ((args) => {
    const { value } = args.inputs as { value: TensorInfo };
    if (value.dtype === 'string') return original.kernelFunc(args);
    const rank = value.shape.length;
    const axis = ((args.attrs as unknown as { axis: number }).axis + rank) % rank;
    const outShape = value.shape.filter((_, i) => i !== axis);
    const size = value.shape.map((d, i) => (i === axis ? 1 : d));
    return Array.from({ length: value.shape[axis] }, (_, i) => {
      const begin = value.shape.map((_, d) => (d === axis ? i : 0));
      const { dataId, dtype } = copySliceKernel(args.backend, value, begin, size);
      return { dataId, dtype, shape: outShape };
    });
  }) as KernelFunc,
});
