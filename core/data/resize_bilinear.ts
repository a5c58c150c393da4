/**
 * The project's one resampler: crop, then antialiased bilinear resize, on typed arrays.
 *
 * It is TF2's `tf.image.resize(method='bilinear', antialias=True)` (and PIL's BILINEAR): a
 * separable triangle filter centred on source coordinate (o + 0.5)·in/out − 0.5 whose half-width
 * is max(1, in/out) source pixels, weights renormalised where the filter leaves the frame.
 * - Upscaling (and 1:1) it is exactly plain bilinear with half-pixel centres (TF2's default).
 * - Downscaling, every output pixel averages all source pixels under its footprint. Plain 4-tap
 *   bilinear would sample 4 of the ~40 source pixels a 1080p → 224² output pixel covers and
 *   alias (moiré, detail flickering from frame to frame). A box (area) filter would be cheaper
 *   but lets more through (its response falls off like sinc, the triangle's like sinc²) and is
 *   not bilinear when upscaling; the triangle's cost is affordable (core/tfjs/README.md).
 *
 * Both the CLI (ffmpeg only decodes, node/video/decode.ts) and the browser (WebCodecs or
 * <video>, web/worker) decode to RGB at the native size and resize with this, so a model sees
 * the same pixels whichever side prepared them (model_frame.ts).
 *
 * Two passes: vertical first (contiguous rows, only the crop's columns), then horizontal.
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

/** Throws a RangeError when `crop` is not a non-empty integer window inside a `shape` frame. */
export function checkCrop(crop: CropBox, shape: { width: number; height: number }): void {
  const { x, y, width, height } = crop;
  const ints = [x, y, width, height].every(Number.isInteger);
  if (!ints || x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > shape.width || y + height > shape.height) {
    throw new RangeError(`crop x=${x} y=${y} width=${width} height=${height} does not fit in a ${shape.width}×${shape.height} frame`);
  }
}

/**
 * One axis's filter: for output o, source indices first[o] … first[o] + taps − 1 with
 * weights[o·taps + k].
 */
interface AxisFilter {
  taps: number;
  first: Int32Array;
  weights: Float64Array;
}

function axisFilter(inSize: number, outSize: number): AxisFilter {
  const scale = inSize / outSize;
  const radius = Math.max(1, scale);
  const taps = Math.min(inSize, Math.ceil(2 * radius) + 1);
  const first = new Int32Array(outSize);
  const weights = new Float64Array(outSize * taps);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale - 0.5;
    // The window is shifted (not cut) at the frame's edges so that it keeps `taps` slots.
    const start = Math.min(Math.max(0, Math.ceil(centre - radius)), inSize - taps);
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const w = Math.max(0, 1 - Math.abs(start + k - centre) / radius);
      weights[o * taps + k] = w;
      sum += w;
    }
    // The nearest source pixel is at most ½ away and radius ≥ 1, so sum > 0.
    for (let k = 0; k < taps; k++) weights[o * taps + k] /= sum;
    first[o] = start;
  }
  return { taps, first, weights };
}

/**
 * Fixed-point row weights: 2^22 in all, so that byte × weight sums stay exact int32 (255·2^22 <
 * 2^31) and the vertical pass, which reads every source byte about twice, runs on integers.
 * Rounding moves the weights by at most taps·2^-22 in all, so a value by at most 255·taps·2^-22
 * (6·10^-5 of a level per tap). The remainder goes to the largest weight so that a flat region
 * stays exactly flat.
 */
const ONE = 1 << 22;
function fixedPoint(filter: AxisFilter): Int32Array {
  const { taps, weights } = filter;
  const fixed = new Int32Array(weights.length);
  for (let o = 0; o < weights.length / taps; o++) {
    let sum = 0;
    let largest = o * taps;
    for (let k = o * taps; k < (o + 1) * taps; k++) {
      fixed[k] = Math.round(weights[k] * ONE);
      sum += fixed[k];
      if (weights[k] > weights[largest]) largest = k;
    }
    fixed[largest] += ONE - sum;
  }
  return fixed;
}

/** Where a frame's pixels are: its size and bytes per pixel (e.g. 4 for RGBA). */
export interface SourceLayout {
  width: number;
  height: number;
  pixelStride: number;
}

/**
 * Resizes byte frames of one layout, crop and output size: the filters and scratch memory are
 * made once and reused for every frame of a video. Output: Float32Array [outHeight, outWidth,
 * channels] of the first `channels` bytes of each source pixel, unrounded.
 */
export class BilinearResizer {
  readonly outHeight: number;
  readonly outWidth: number;
  readonly channels: number;
  private readonly source: SourceLayout;
  private readonly crop: CropBox;
  private readonly rows: AxisFilter;
  private readonly rowWeights: Int32Array;
  private readonly cols: AxisFilter;
  /** The vertical pass's output, [outHeight, crop.width, channels], in units of 2^-22. */
  private readonly mid: Int32Array;
  /** Scratch: one output row's source row starts and weights, zero weights left out. */
  private readonly rowStarts: Int32Array;
  private readonly rowTapWeights: Int32Array;

  constructor(source: SourceLayout, channels: number, outHeight: number, outWidth: number, crop?: CropBox) {
    if (!(channels >= 1 && channels <= source.pixelStride))
      throw new RangeError(`resize: ${channels} channels from ${source.pixelStride}-byte pixels`);
    if (!(Number.isInteger(outHeight) && Number.isInteger(outWidth) && outHeight > 0 && outWidth > 0))
      throw new RangeError(`resize: output size ${outWidth}×${outHeight}`);
    this.crop = crop ?? { x: 0, y: 0, width: source.width, height: source.height };
    checkCrop(this.crop, source);
    this.source = source;
    this.channels = channels;
    this.outHeight = outHeight;
    this.outWidth = outWidth;
    this.rows = axisFilter(this.crop.height, outHeight);
    this.rowWeights = fixedPoint(this.rows);
    this.cols = axisFilter(this.crop.width, outWidth);
    this.mid = new Int32Array(outHeight * this.crop.width * channels);
    this.rowStarts = new Int32Array(this.rows.taps);
    this.rowTapWeights = new Int32Array(this.rows.taps);
  }

  /**
   * Resizes the frame at `offset` in `src` ([height, width, pixelStride] bytes, from the layout)
   * into `out` at `outOffset`, every value multiplied by `scale`. Returns `out`.
   */
  resize(
    src: Uint8Array,
    offset = 0,
    out: Float32Array = new Float32Array(this.outHeight * this.outWidth * this.channels),
    outOffset = 0,
    scale = 1,
  ): Float32Array {
    const { source, crop, rows, rowWeights, cols, mid, channels: ch } = this;
    const stride = source.pixelStride;
    const rowBytes = source.width * stride;
    if (offset + source.height * rowBytes > src.length)
      throw new RangeError(`resize: a ${source.width}×${source.height}×${stride} frame at ${offset} overruns ${src.length} bytes`);
    const midRow = crop.width * ch;
    // Vertical: each output row is a weighted sum of the source rows under its filter (crop
    // columns only), added two rows at a time along contiguous memory.
    const starts = this.rowStarts;
    const weights = this.rowTapWeights;
    for (let oy = 0; oy < this.outHeight; oy++) {
      let n = 0;
      for (let k = 0; k < rows.taps; k++) {
        const w = rowWeights[oy * rows.taps + k];
        if (w === 0) continue;
        weights[n] = w;
        starts[n++] = offset + (crop.y + rows.first[oy] + k) * rowBytes + crop.x * stride;
      }
      const m = oy * midRow;
      mid.fill(0, m, m + midRow);
      for (let k = 0; k < n; k += 2) {
        const w0 = weights[k];
        const w1 = k + 1 < n ? weights[k + 1] : 0;
        const s0 = starts[k];
        const s1 = k + 1 < n ? starts[k + 1] : s0;
        if (ch === 3) {
          // RGB out of RGB or RGBA, unrolled: the common case, and the one that costs.
          for (let i = m, a = s0, b = s1, end = m + midRow; i < end; i += 3, a += stride, b += stride) {
            mid[i] += w0 * src[a] + w1 * src[b];
            mid[i + 1] += w0 * src[a + 1] + w1 * src[b + 1];
            mid[i + 2] += w0 * src[a + 2] + w1 * src[b + 2];
          }
        } else {
          for (let x = 0; x < crop.width; x++) {
            for (let c = 0; c < ch; c++) mid[m + x * ch + c] += w0 * src[s0 + x * stride + c] + w1 * src[s1 + x * stride + c];
          }
        }
      }
    }
    // Horizontal: each output value is a weighted sum of `cols.taps` neighbouring values of its row.
    const taps = cols.taps;
    const unit = scale / ONE;
    let o = outOffset;
    for (let oy = 0; oy < this.outHeight; oy++) {
      const m = oy * midRow;
      for (let ox = 0; ox < this.outWidth; ox++) {
        const base = m + cols.first[ox] * ch;
        const wBase = ox * taps;
        if (ch === 3) {
          // Three running sums share each weight and keep the adds independent.
          let r = 0;
          let g = 0;
          let b = 0;
          for (let k = 0, j = base; k < taps; k++, j += 3) {
            const w = cols.weights[wBase + k];
            r += w * mid[j];
            g += w * mid[j + 1];
            b += w * mid[j + 2];
          }
          out[o++] = r * unit;
          out[o++] = g * unit;
          out[o++] = b * unit;
        } else {
          for (let c = 0; c < ch; c++) {
            let acc = 0;
            for (let k = 0; k < taps; k++) acc += cols.weights[wBase + k] * mid[base + k * ch + c];
            out[o++] = acc * unit;
          }
        }
      }
    }
    return out;
  }
}

export interface ResizeOptions {
  /** Region of each source frame to resize; the whole frame when omitted. */
  crop?: CropBox;
  /** Every output value is multiplied by this (e.g. 1/255 to go from bytes to [0, 1]); default 1. */
  scale?: number;
}

/**
 * Resizes every frame of `src` ([T, H, W, C] with H, W, C from `shape`) to outHeight×outWidth.
 * Returns Float32Array [T, outHeight, outWidth, C].
 */
export function resizeBilinear(
  src: Uint8Array,
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
  const resizer = new BilinearResizer({ width, height, pixelStride: channels }, channels, outHeight, outWidth, options.crop);
  const frames = src.length / frameSize;
  const outSize = outHeight * outWidth * channels;
  const out = new Float32Array(frames * outSize);
  for (let f = 0; f < frames; f++) resizer.resize(src, f * frameSize, out, f * outSize, options.scale ?? 1);
  return out;
}
