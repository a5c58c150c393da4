/**
 * `TapPatches` {x} → the left operand of a filter gradient taken as one matmul: for each kernel
 * tap t, x's window for that tap, all stacked as [taps·Ci, images·length] (row t·Ci + c), so
 * that one matmul with dy gives every tap's gradient at once, rows in [kh,kw,Ci,Co] order.
 *
 * x: [phases·Ci, N, L], channels first, each phase a block of Ci rows (one phase unless the conv
 * is strided; see ops/conv2d_filter_grad_by_taps.ts). Tap t reads phase `phases[t]` from
 * position `starts[t] + offset`, `length` positions of each of images `image` … `image+images-1`.
 *
 * Why a kernel: per-tap slices and matmuls cost several kernels a tap, and short matmuls run
 * slower than one tall one (core/tfjs/README.md). Here each run is one copy on the backends that
 * keep tensors in CPU memory (wasm, cpu); elsewhere `tapPatches` builds the same matrix from slices.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getKernel, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { CPU_MEMORY_BACKENDS, memoryOf } from './cpu_memory.ts';

export const TAP_PATCHES = 'TapPatches';

// A type, not an interface: tfjs's attribute map needs an implicit index signature.
export type TapPatchesAttrs = {
  channels: number;
  /** Per tap: the phase (block of `channels` rows of x) it reads. */
  phases: number[];
  /** Per tap: where its window starts in each image's L positions (before `offset`). */
  starts: number[];
  image: number;
  images: number;
  /** Added to every start: the chunk's first position. */
  offset: number;
  length: number;
};

/** Copies the patches (see the file's comment) from src [phases·Ci, N, L] into dst. */
export function copyTapPatches(src: Float32Array, dst: Float32Array, n: number, l: number, a: TapPatchesAttrs): void {
  const { channels: ci, phases, starts, image, images, offset, length } = a;
  for (let t = 0, out = 0; t < phases.length; t++) {
    const from0 = starts[t] + offset;
    for (let c = 0; c < ci; c++) {
      const row = (phases[t] * ci + c) * n + image;
      for (let m = 0; m < images; m++, out += length) {
        const from = (row + m) * l + from0;
        dst.set(src.subarray(from, from + length), out);
      }
    }
  }
}

function tapPatchesOn(): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: TensorInfo };
    const a = attrs as unknown as TapPatchesAttrs;
    const [, n, l] = x.shape;
    const mem = memoryOf(backend as KernelBackend);
    return mem.alloc([a.phases.length * a.channels, a.images * a.length], (out) => copyTapPatches(mem.read(x), out, n, l, a));
  };
}

/** TapPatches on the CPU-memory backends (wasm, cpu); elsewhere `tapPatches` uses slices. */
export const tapPatchesKernels = (): KernelConfig[] =>
  CPU_MEMORY_BACKENDS.map((backendName) => ({ kernelName: TAP_PATCHES, backendName, kernelFunc: tapPatchesOn() }));

/** The patches as [taps·Ci, images·length]: the kernel where registered, else slices. */
export function tapPatches(x: tf.Tensor3D, attrs: TapPatchesAttrs): tf.Tensor2D {
  if (getKernel(TAP_PATCHES, tf.getBackend())) return tf.engine().runKernel(TAP_PATCHES, { x }, attrs) as tf.Tensor2D;
  return tapPatchesBySlices(x, attrs);
}

/** The same matrix from tfjs slices, for any backend. */
export function tapPatchesBySlices(x: tf.Tensor3D, attrs: TapPatchesAttrs): tf.Tensor2D {
  const { channels: ci, phases, starts, image, images, offset, length } = attrs;
  const windows = phases.map((p, t) =>
    tf.reshape(tf.slice(x, [p * ci, image, starts[t] + offset], [ci, images, length]), [ci, images * length]),
  );
  return (windows.length === 1 ? windows[0] : tf.concat(windows, 0)) as tf.Tensor2D;
}
