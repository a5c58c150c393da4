/**
 * One decoded RGBA frame → the model's frame: crop, then resize to the model's size as the
 * CLI's decoder (ffmpeg's bilinear scaler) does (resample.ts), as bytes.
 */
import { checkCrop } from '../../core/data/resize_bilinear.ts';
import { resizeLikeFfmpeg } from './resample.ts';
import type { WebPreprocessing } from '../../core/export/web_model_format.ts';

/** RGBA [H, W, 4] → RGB (or grey, for 1-channel models) bytes [H, W, C]. */
function dropAlpha(rgba: Uint8ClampedArray | Uint8Array, channels: number): Uint8Array {
  const n = rgba.length / 4;
  const out = new Uint8Array(n * channels);
  if (channels === 3) {
    for (let i = 0; i < n; i++) {
      out[i * 3] = rgba[i * 4];
      out[i * 3 + 1] = rgba[i * 4 + 1];
      out[i * 3 + 2] = rgba[i * 4 + 2];
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = Math.round(0.299 * rgba[i * 4] + 0.587 * rgba[i * 4 + 1] + 0.114 * rgba[i * 4 + 2]);
  }
  return out;
}

/** Model-size bytes [frameHeight, frameWidth, channels] of one source frame. */
export function prepareFrame(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number, p: WebPreprocessing): Uint8Array {
  const rgb = dropAlpha(rgba, p.channels);
  const shape = { height, width, channels: p.channels };
  if (!p.crop && width === p.frameWidth && height === p.frameHeight) return rgb;
  const crop = p.crop ?? { x: 0, y: 0, width, height };
  checkCrop(crop, shape);
  return resizeLikeFfmpeg(rgb, shape, crop, p.frameHeight, p.frameWidth);
}
