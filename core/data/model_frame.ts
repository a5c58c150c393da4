/**
 * One decoded frame (RGB or RGBA bytes at the video's native size) → the model's frame: crop,
 * antialiased bilinear resize (resize_bilinear.ts), grey for 1-channel models, rounded to bytes.
 * The CLI's decoder (data sets, predictions on videos) and the web app's worker both make their
 * frames with this, so the model gets the same pixels from either.
 */
import { BilinearResizer, type CropBox, type SourceLayout } from './resize_bilinear.ts';

/** The model's frames: size, channels and the source crop taken before resizing. */
export interface ModelFrameSpec {
  frameHeight: number;
  frameWidth: number;
  /** 3 = RGB, 1 = grey (BT.601 luma of the RGB, as 0.299 R + 0.587 G + 0.114 B). */
  channels: number;
  crop?: CropBox | null;
}

/** Makes model frames from source frames of one layout (filters and buffers made once, reused). */
export class ModelFrameMaker {
  readonly frameBytes: number;
  readonly source: SourceLayout;
  private readonly channels: number;
  /** The resizer and its output buffer; null when the frame is already the model's size, uncropped. */
  private readonly resizing: { resizer: BilinearResizer; rgb: Float32Array } | null;

  constructor(source: SourceLayout, spec: ModelFrameSpec) {
    if (spec.channels !== 1 && spec.channels !== 3) throw new RangeError(`model frames have 1 or 3 channels, not ${spec.channels}`);
    if (source.pixelStride < 3) throw new RangeError(`source frames need RGB pixels (${source.pixelStride} values per pixel given)`);
    const crop = spec.crop ?? undefined;
    const whole = !crop || (crop.x === 0 && crop.y === 0 && crop.width === source.width && crop.height === source.height);
    const same = whole && source.width === spec.frameWidth && source.height === spec.frameHeight;
    this.source = source;
    this.channels = spec.channels;
    this.frameBytes = spec.frameHeight * spec.frameWidth * spec.channels;
    this.resizing = same
      ? null
      : {
          resizer: new BilinearResizer(source, 3, spec.frameHeight, spec.frameWidth, crop),
          rgb: new Float32Array(spec.frameHeight * spec.frameWidth * 3),
        };
  }

  /** The model frame [frameHeight, frameWidth, channels] of the source frame at `offset` in `src`. */
  make(src: Uint8Array, offset = 0): Uint8Array {
    const { width, height, pixelStride } = this.source;
    if (offset + width * height * pixelStride > src.length)
      throw new RangeError(
        `frame: ${src.length - offset} bytes where a ${width}×${height}×${pixelStride} frame needs ${width * height * pixelStride}`,
      );
    const out = new Uint8Array(this.frameBytes);
    const pixels = this.frameBytes / this.channels;
    // Either the resized RGB (floats, 3 per pixel) or the source itself (bytes, pixelStride per pixel).
    const r = this.resizing;
    const rgb = r ? r.resizer.resize(src, offset, r.rgb) : src;
    const start = r ? 0 : offset;
    const stride = r ? 3 : pixelStride;
    if (this.channels === 3) {
      for (let p = 0, i = start, o = 0; p < pixels; p++, i += stride, o += 3) {
        out[o] = Math.round(rgb[i]);
        out[o + 1] = Math.round(rgb[i + 1]);
        out[o + 2] = Math.round(rgb[i + 2]);
      }
    } else {
      for (let p = 0, i = start; p < pixels; p++, i += stride)
        out[p] = Math.round(0.299 * rgb[i] + 0.587 * rgb[i + 1] + 0.114 * rgb[i + 2]);
    }
    return out;
  }
}
