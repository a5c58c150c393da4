/**
 * Crop and bilinear resize of a stack of frames on typed arrays, for predict-time input that
 * does not already have the model's frame size.
 *
 * Two sampling grids, as TF has them:
 * - `halfPixelCenters: true` (default) matches TF2's `tf.image.resize(method='bilinear')`
 *   (= `tf.compat.v1.image.resize_bilinear(half_pixel_centers=True)`): source coordinate
 *   (o + 0.5)·in/out − 0.5, clamped at the edges.
 * - `halfPixelCenters: false` matches TF1's `tf.image.resize_bilinear` defaults
 *   (align_corners=False), which the original s3dg preprocessing used: o·in/out.
 * Interpolation order is TF's: across columns first (top, bottom), then between rows.
 *
 * Layout: input [T, H, W, C] (uint8 or float), output Float32Array [T, outH, outW, C].
 */

/** A crop window in source pixels: left column, top row, width, height. */
export interface CropBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Size of the frames in a stack. */
export interface FrameShape {
  height: number;
  width: number;
  channels: number;
}

export interface ResizeOptions {
  /** Region of each source frame to resize; the whole frame when omitted. */
  crop?: CropBox;
  /** See the module comment; default true (TF2). */
  halfPixelCenters?: boolean;
  /** Every output value is multiplied by this (e.g. 1/255 to go from bytes to [0, 1]); default 1. */
  scale?: number;
}

interface AxisWeights {
  lower: Int32Array;
  upper: Int32Array;
  lerp: Float32Array;
}

function axisWeights(inSize: number, outSize: number, offset: number, halfPixelCenters: boolean): AxisWeights {
  const ratio = inSize / outSize;
  const lower = new Int32Array(outSize);
  const upper = new Int32Array(outSize);
  const lerp = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const pos = halfPixelCenters ? (o + 0.5) * ratio - 0.5 : o * ratio;
    const floor = Math.floor(pos);
    lower[o] = offset + Math.max(floor, 0);
    upper[o] = offset + Math.min(halfPixelCenters ? Math.ceil(pos) : floor + 1, inSize - 1);
    lerp[o] = pos - floor;
  }
  return { lower, upper, lerp };
}

/** Throws a RangeError when `crop` is not a non-empty integer window inside a `shape` frame. */
export function checkCrop(crop: CropBox, shape: FrameShape): void {
  const { x, y, width, height } = crop;
  const ints = [x, y, width, height].every(Number.isInteger);
  if (!ints || x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > shape.width || y + height > shape.height) {
    throw new RangeError(
      `crop x=${x} y=${y} width=${width} height=${height} does not fit in a ${shape.width}×${shape.height} frame`,
    );
  }
}

/**
 * Resizes every frame of `src` ([T, H, W, C] with H, W, C from `shape`) to outHeight×outWidth.
 * Returns Float32Array [T, outHeight, outWidth, C].
 */
export function resizeBilinear(
  src: Uint8Array | Float32Array,
  shape: FrameShape,
  outHeight: number,
  outWidth: number,
  options: ResizeOptions = {},
): Float32Array {
  const { height, width, channels } = shape;
  const frameSize = height * width * channels;
  if (src.length % frameSize !== 0) {
    throw new RangeError(`resizeBilinear: ${src.length} values is not a whole number of ${width}×${height}×${channels} frames`);
  }
  const crop = options.crop ?? { x: 0, y: 0, width, height };
  checkCrop(crop, shape);
  const half = options.halfPixelCenters ?? true;
  const scale = options.scale ?? 1;
  const ys = axisWeights(crop.height, outHeight, crop.y, half);
  const xs = axisWeights(crop.width, outWidth, crop.x, half);
  const frames = src.length / frameSize;
  const out = new Float32Array(frames * outHeight * outWidth * channels);
  const rowStride = width * channels;
  let o = 0;
  for (let f = 0; f < frames; f++) {
    const base = f * frameSize;
    for (let oy = 0; oy < outHeight; oy++) {
      const top = base + ys.lower[oy] * rowStride;
      const bottom = base + ys.upper[oy] * rowStride;
      const dy = ys.lerp[oy];
      for (let ox = 0; ox < outWidth; ox++) {
        const left = xs.lower[ox] * channels;
        const right = xs.upper[ox] * channels;
        const dx = xs.lerp[ox];
        for (let c = 0; c < channels; c++) {
          const tl = src[top + left + c];
          const tr = src[top + right + c];
          const bl = src[bottom + left + c];
          const br = src[bottom + right + c];
          const t = tl + (tr - tl) * dx;
          const b = bl + (br - bl) * dx;
          out[o++] = (t + (b - t) * dy) * scale;
        }
      }
    }
  }
  return out;
}
