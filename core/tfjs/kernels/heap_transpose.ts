/**
 * Transpose for the wasm backend, for permutations that leave the trailing axes in place (moving
 * whole blocks, such as conv3d's filter taps [kt,kh,kw,Ci,Co] → [kh,kw,kt,Ci,Co]): the blocks
 * are copied as runs. tfjs 4.22's wasm Transpose moves 5-D tensors one element at a time
 * through index arithmetic (slow: core/tfjs/README.md). Other permutations go to the backend's
 * own kernel.
 */
import { Transpose, util, type KernelBackend, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { allocOnHeap, isWasmHeap } from './cpu_memory.ts';

/** Runs shorter than this stay with the backend's kernel: a subarray copy has a fixed cost. */
const MIN_RUN = 32;

/** Values per contiguous run that `perm` moves whole: the trailing axes it keeps in place. */
export function keptRun(shape: number[], perm: number[]): { axes: number; run: number } {
  let axes = 0;
  let run = 1;
  for (let a = shape.length - 1; a >= 0 && perm[a] === a; a--) {
    axes++;
    run *= shape[a];
  }
  return { axes, run };
}

/** Copies x (shape `shape`) permuted by `perm` into out, `run` values at a time. */
export function copyTransposed(
  src: Float32Array | Int32Array,
  dst: Float32Array | Int32Array,
  shape: number[],
  perm: number[],
  keptAxes: number,
  run: number,
): void {
  const lead = shape.length - keptAxes;
  const strides = [...util.computeStrides(shape), 1];
  // For each output axis before the kept ones: its size and how far it moves in x.
  const sizes = perm.slice(0, lead).map((p) => shape[p]);
  const steps = perm.slice(0, lead).map((p) => strides[p]);
  const count = sizes.reduce((a, d) => a * d, 1);
  const index = new Array<number>(lead).fill(0);
  let from = 0;
  for (let r = 0, out = 0; r < count; r++, out += run) {
    dst.set(src.subarray(from, from + run), out);
    for (let d = lead - 1; d >= 0; d--) {
      from += steps[d];
      if (++index[d] < sizes[d]) break;
      from -= steps[d] * sizes[d];
      index[d] = 0;
    }
  }
}

export const heapTransposeWasm = (original: KernelConfig): KernelConfig => ({
  kernelName: Transpose,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { perm } = args.attrs as unknown as { perm: number[] };
    const { axes, run } = keptRun(x.shape, perm);
    const backend = args.backend as KernelBackend;
    if (run < MIN_RUN || axes === x.shape.length || (x.dtype !== 'float32' && x.dtype !== 'int32') || !isWasmHeap(backend))
      return original.kernelFunc(args);
    return allocOnHeap(
      backend,
      perm.map((p) => x.shape[p]),
      x.dtype,
      (out) =>
        copyTransposed(
          backend.typedArrayFromHeap(x) as Float32Array | Int32Array,
          out as Float32Array | Int32Array,
          x.shape,
          perm,
          axes,
          run,
        ),
    );
  },
});
