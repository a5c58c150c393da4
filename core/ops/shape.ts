/**
 * Output-size and padding math for convolutions and pools, as TensorFlow computes it.
 * Pure number functions, used by every ops implementation, the model and the tests.
 */
import type { Padding } from './ops.ts';

/** Output length of one axis. SAME: ceil(n / s); VALID: ceil((n - k + 1) / s). */
export function outputSize(inSize: number, kernel: number, stride: number, padding: Padding): number {
  if (padding === 'SAME') return Math.ceil(inSize / stride);
  return Math.ceil((inSize - kernel + 1) / stride);
}

/**
 * Padding [before, after] TF adds on one axis. SAME pads total = max((out-1)*s + k - n, 0),
 * with the odd cell at the end; VALID pads nothing.
 */
export function axisPadding(inSize: number, kernel: number, stride: number, padding: Padding): [number, number] {
  if (padding === 'VALID') return [0, 0];
  const out = outputSize(inSize, kernel, stride, padding);
  const total = Math.max((out - 1) * stride + kernel - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * [before, after] padding of one axis of a stride-1 conv's output gradient dy that lines each
 * kernel tap up with the input cells it read: a correlation of the padded dy with the flipped
 * kernel, or the col2im of per-tap blocks, then yields the input gradient, `inSize` long.
 */
export function inputGradPadding(inSize: number, kernel: number, padding: Padding): [number, number] {
  const [before] = axisPadding(inSize, kernel, 1, padding);
  return [kernel - 1 - before, inSize - outputSize(inSize, kernel, 1, padding) + before];
}

/** Output shape of a 3-D conv or pool on [B,T,H,W,C] producing `channels` channels. */
export function outputShape3d(inShape: number[], ksize: number[], strides: number[], padding: Padding, channels: number): number[] {
  if (inShape.length !== 5) throw new Error(`expected a 5-D [B,T,H,W,C] shape, got [${inShape.join(',')}]`);
  const [b, t, h, w] = inShape;
  return [
    b,
    outputSize(t, ksize[0], strides[0], padding),
    outputSize(h, ksize[1], strides[1], padding),
    outputSize(w, ksize[2], strides[2], padding),
    channels,
  ];
}

/** Kernel shrunk to fit the input where the input is smaller (TF-slim's reduced_kernel_size_3d). */
export function reducedKernel(inShape: number[], kernel: number[]): [number, number, number] {
  return [Math.min(inShape[1], kernel[0]), Math.min(inShape[2], kernel[1]), Math.min(inShape[3], kernel[2])];
}

/**
 * Broadcast shape of two operands, as TF/NumPy; -1 (unknown, in traced graphs) is compatible
 * with anything.
 */
export function broadcastShape(a: number[], b: number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1 && da !== -1 && db !== -1) throw new Error(`cannot broadcast [${a}] with [${b}]`);
    out.push(da === 1 ? db : da);
  }
  return out;
}
