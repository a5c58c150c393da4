/**
 * Clip preprocessing on typed arrays, so it can run in a worker beside the model. Mirrors the
 * original `preprocess_video`: bytes → float in [0, 1] → (training) colour distortion →
 * scaled to [-1, 1] as (x − 0.5)·2. Eval uses no distortion. Predict may crop and resize first.
 *
 * Layout: clips are [T, H, W, C]; uint8 in, Float32Array out.
 */
import { distortColor } from './color_distortion.ts';
import type { ColorDistortion } from './color_distortion.ts';
import { resizeBilinear } from './resize_bilinear.ts';
import type { CropBox, FrameShape } from './resize_bilinear.ts';

// Byte → float tables: a lookup is cheaper than a multiply per value and gives TF's exact x/255.
const UNIT = Float32Array.from({ length: 256 }, (_, b) => b / 255);
const SYMMETRIC = Float32Array.from({ length: 256 }, (_, b) => (b / 255) * 2 - 1);

function mapBytes(bytes: Uint8Array, table: Float32Array, out: Float32Array): Float32Array {
  if (out.length !== bytes.length) throw new RangeError(`preprocess: output holds ${out.length} values, input ${bytes.length}`);
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i]];
  return out;
}

/** Bytes 0–255 → floats in [0, 1] (tf.image.convert_image_dtype). Writes into `out` when given. */
export function bytesToUnit(bytes: Uint8Array, out: Float32Array = new Float32Array(bytes.length)): Float32Array {
  return mapBytes(bytes, UNIT, out);
}

/** [0, 1] → [-1, 1] in place, as x·2 − 1 (the network's input range). */
export function unitToSymmetric(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = x[i] * 2 - 1;
  return x;
}

/**
 * One stored clip ([T, H, W, C] bytes with H, W, C from `shape`) to network input in [-1, 1].
 * With `distortion` (training) the colours are distorted and clipped to [0, 1] first; pass
 * null for eval. Writes into `out` when given (e.g. a slot of a batch buffer).
 */
export function preprocessClip(clip: Uint8Array, shape: FrameShape, distortion: ColorDistortion | null, out?: Float32Array): Float32Array {
  const x = out ?? new Float32Array(clip.length);
  if (!distortion) return mapBytes(clip, SYMMETRIC, x); // eval: one pass
  bytesToUnit(clip, x);
  distortColor(x, shape.height * shape.width, shape.channels, distortion, 'symmetric');
  return x;
}

/** Options for preparing arbitrary frames for prediction. */
export interface PredictFrameOptions {
  /** Model frame height and width in pixels. */
  height: number;
  width: number;
  /** Region of the source frames to keep, in source pixels. */
  crop?: CropBox;
}

/**
 * Frames of any size ([T, H, W, C] bytes, H, W, C from `shape`) to network input
 * [T, options.height, options.width, C] in [-1, 1]: optional crop, the project's antialiased
 * bilinear resize (the one data sets and the web app use), scaling. When no crop is given and
 * the size already matches, no resampling is done.
 */
export function preprocessFramesForPredict(frames: Uint8Array, shape: FrameShape, options: PredictFrameOptions): Float32Array {
  const same = !options.crop && shape.height === options.height && shape.width === options.width;
  const x = same
    ? bytesToUnit(frames)
    : resizeBilinear(frames, shape, options.height, options.width, { crop: options.crop, scale: 1 / 255 });
  return unitToSymmetric(x);
}
