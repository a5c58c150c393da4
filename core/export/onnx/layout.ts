/**
 * Axis bookkeeping between the model's layout and ONNX's. The model computes on logical
 * [batch, time, height, width, channels] (NDHWC) tensors; ONNX's Conv, pools and
 * BatchNormalization want channels second (NCDHW). A value records which logical axis each of
 * its physical axes holds, so a value is transposed only where an op needs another layout.
 * Pure number functions.
 */

/** Physical order of a 5-D value in ONNX's channels-first layout: [N, C, D, H, W] ← logical [0, 4, 1, 2, 3]. */
export const NCDHW = [0, 4, 1, 2, 3];

/** The identity order of rank `rank` (the logical layout itself). */
export function identityOrder(rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => i);
}

export function sameOrder(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Physical dims of a value whose logical shape is `shape`, laid out in `order`. */
export function physicalDims(shape: number[], order: number[]): number[] {
  return order.map((a) => shape[a]);
}

/** Transpose `perm` that takes a value laid out in `from` to `to` (ONNX's Transpose: out axis i ← in axis perm[i]). */
export function transposePerm(from: number[], to: number[]): number[] {
  return to.map((a) => from.indexOf(a));
}

/** The order left when the logical `axes` are removed (reduced without keepdims, squeezed). */
export function dropAxes(order: number[], axes: number[]): number[] {
  return order.filter((a) => !axes.includes(a)).map((a) => a - axes.filter((r) => r < a).length);
}

/** Order of a value like one in `order` but with the last logical axis (channels) second. */
export function channelsSecond(rank: number): number[] {
  return [0, rank - 1, ...identityOrder(rank).slice(1, rank - 1)];
}

/** `values` of logical `shape` (row-major) rearranged into physical `order`. */
export function permuteValues(values: Float32Array, shape: number[], order: number[]): Float32Array {
  if (sameOrder(order, identityOrder(shape.length))) return values;
  const rank = shape.length;
  const strides = new Array<number>(rank);
  for (let a = rank - 1, s = 1; a >= 0; a--) {
    strides[a] = s;
    s *= shape[a];
  }
  const dims = physicalDims(shape, order);
  const srcStride = order.map((a) => strides[a]);
  const out = new Float32Array(values.length);
  const index = new Array<number>(rank).fill(0);
  for (let i = 0, src = 0; i < out.length; i++) {
    out[i] = values[src];
    // Odometer over the physical dims, moving `src` along the matching logical strides.
    for (let p = rank - 1; p >= 0; p--) {
      index[p]++;
      src += srcStride[p];
      if (index[p] < dims[p]) break;
      src -= srcStride[p] * dims[p];
      index[p] = 0;
    }
  }
  return out;
}
