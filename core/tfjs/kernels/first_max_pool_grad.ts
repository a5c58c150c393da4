/**
 * The gradient of a 2-D max pool with TensorFlow's rule — each window's gradient goes to its
 * maximum — as a JS kernel, `FirstMaxPoolGrad` {dy, x, y: the pool's output}, for the backends
 * that keep tensors in CPU memory (wasm, cpu).
 *
 * Why our own: tfjs 4.22's wasm MaxPoolGrad starts each window's search from 0, so a window of
 * only negative values sends its gradient to the wrong cell, and it rescans every window for
 * every input cell; its MaxPoolWithArgmax and a plain JS search are far slower than the forward
 * max pool (XNNPACK, SIMD): core/tfjs/README.md.
 *
 * So the search runs in the fast forward kernel: each value's lowest mantissa bits are replaced
 * by its cell's position code (row mod kh, column mod kw), which is unique inside any kh×kw
 * window, and the max pool of those coded values says, in its own low bits, where each window's
 * maximum is. The coding moves a value by under 16 ulps, so it can only reorder values that
 * close: every routed cell is checked against the true maximum `y` and, where it differs, the
 * window is searched in JS. Exact ties (in S3D-G: ReLU zeros, whose gradient is cut anyway) go
 * to one of the tied cells; TensorFlow picks the first.
 *
 * On tfjs's wasm builds, which have SIMD, the whole gradient runs instead in our own wasm kernel
 * (wasm/max_pool_grad.wat): a SIMD search of every window, 16 channels at a time, that keeps the
 * first maximum exactly as TensorFlow does, faster than the route above (core/tfjs/README.md).
 * The route stays for the cpu backend and wasm without SIMD.
 */
import { backend_util, getKernel, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { CPU_MEMORY_BACKENDS, memoryOf } from './cpu_memory.ts';
import { heapOffsetsOn, wasmKernelsOf } from './wasm/wasm_kernels.ts';

export const FIRST_MAX_POOL_GRAD = 'FirstMaxPoolGrad';

// A type, not an interface: tfjs's attribute map needs an implicit index signature.
export type FirstMaxPoolGradAttrs = {
  filterSize: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
};

/** Low mantissa bits that carry the position code: up to 16 cells per window. */
const CODE_BITS = 4;
const CODE_MASK = (1 << CODE_BITS) - 1;

// Int32, not Uint32: negative floats have the sign bit set, which a Uint32 read turns into a double.
const bitsOf = (f: Float32Array) => new Int32Array(f.buffer, f.byteOffset, f.length);

/** out = x with each value's low bits set to its cell's code (row mod kh)·kw + (column mod kw). */
export function encodePositions(x: Float32Array, out: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, filterHeight: kh, filterWidth: kw } = info;
  const src = bitsOf(x);
  const dst = bitsOf(out);
  for (let b = 0, i = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      const rowCode = (y % kh) * kw;
      for (let xx = 0; xx < w; xx++) {
        const code = rowCode + (xx % kw);
        for (let k = 0; k < c; k++, i++) dst[i] = (src[i] & ~CODE_MASK) | code;
      }
    }
  }
}

/** Index into x of the first maximum of window (b, oh, ow) in channel ch; -1 if it has none. */
function searchFirstMax(x: Float32Array, info: backend_util.Conv2DInfo, b: number, oh: number, ow: number, ch: number): number {
  const { inHeight: h, inWidth: w, inChannels: c, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  let best = -Infinity;
  let at = -1;
  for (let y = Math.max(0, oh * sh - top); y < Math.min(h, oh * sh - top + kh); y++) {
    for (let xx = Math.max(0, ow * sw - left); xx < Math.min(w, ow * sw - left + kw); xx++) {
      const k = ((b * h + y) * w + xx) * c + ch;
      if (x[k] > best) {
        best = x[k];
        at = k;
      }
    }
  }
  return at;
}

/**
 * dx = dy routed to each window's maximum: where `yCoded` (the max pool of the coded x; omit it
 * to search every window) names it, checked against `y`, else found by search.
 */
export function routeToMax(
  x: Float32Array,
  y: Float32Array,
  yCoded: Float32Array | undefined,
  dy: Float32Array,
  dx: Float32Array,
  info: backend_util.Conv2DInfo,
): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  dx.fill(0);
  const codes = yCoded ? bitsOf(yCoded) : undefined;
  // Per window: where (channel 0) each code's cell starts in x, -1 for codes outside the image.
  const cellOf = new Int32Array(CODE_MASK + 1);
  for (let b = 0, o = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        cellOf.fill(-1);
        for (let y0 = i * sh - top, row = Math.max(0, y0); row < Math.min(h, y0 + kh); row++) {
          for (let x0 = j * sw - left, col = Math.max(0, x0); col < Math.min(w, x0 + kw); col++) {
            cellOf[(row % kh) * kw + (col % kw)] = ((b * h + row) * w + col) * c;
          }
        }
        for (let ch = 0; ch < c; ch++, o++) {
          let k = codes ? cellOf[codes[o] & CODE_MASK] : -1;
          if (k >= 0) k += ch;
          if (k < 0 || x[k] !== y[o]) k = searchFirstMax(x, info, b, i, j, ch);
          if (k >= 0) dx[k] += dy[o];
        }
      }
    }
  }
}

function firstMaxPoolGradOn(backendName: string): KernelFunc {
  return ({ inputs, backend: anyBackend, attrs }) => {
    const backend = anyBackend as KernelBackend;
    const { dy, x, y } = inputs as { dy: TensorInfo; x: TensorInfo; y: TensorInfo };
    const { filterSize, strides, pad } = attrs as unknown as FirstMaxPoolGradAttrs;
    const info = backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad);
    const mem = memoryOf(backend);
    const simd = wasmKernelsOf(backend);
    if (simd) {
      const dx = mem.alloc(x.shape, () => {}); // written by the kernel
      const at = heapOffsetsOn(backend);
      const {
        batchSize,
        inHeight,
        inWidth,
        inChannels,
        outHeight,
        outWidth,
        strideHeight,
        strideWidth,
        filterHeight,
        filterWidth,
        padInfo,
      } = info;
      simd.maxPoolGrad(
        at(x),
        at(dy),
        at(dx),
        batchSize,
        inHeight,
        inWidth,
        inChannels,
        outHeight,
        outWidth,
        strideHeight,
        strideWidth,
        filterHeight,
        filterWidth,
        padInfo.top,
        padInfo.left,
      );
      return dx;
    }
    const maxPool = getKernel('MaxPool', backendName);
    let yCoded: TensorInfo | undefined;
    if (maxPool && info.filterHeight * info.filterWidth <= 1 << CODE_BITS) {
      const coded = mem.alloc(x.shape, (values) => encodePositions(mem.read(x), values, info));
      yCoded = maxPool.kernelFunc({ inputs: { x: coded }, backend, attrs: { filterSize, strides, pad } }) as TensorInfo;
      mem.free(coded);
    }
    const dx = mem.alloc(x.shape, (values) => routeToMax(mem.read(x), mem.read(y), yCoded && mem.read(yCoded), mem.read(dy), values, info));
    if (yCoded) mem.free(yCoded);
    return dx;
  };
}

/** FirstMaxPoolGrad on the CPU-memory backends (wasm, cpu). */
export const firstMaxPoolGradKernels = (): KernelConfig[] =>
  CPU_MEMORY_BACKENDS.map((backendName) => ({ kernelName: FIRST_MAX_POOL_GRAD, backendName, kernelFunc: firstMaxPoolGradOn(backendName) }));
