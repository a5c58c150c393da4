/**
 * The raw pixel format the CLI asks ffmpeg for, and how its frames become RGB. 8-bit 4:2:0
 * video (nearly all H.264/VP8/VP9) comes out as its decoded planes, untouched, and is
 * converted with core's yuv420ToRgba, the code the web app converts WebCodecs' frames with, so
 * both sides start from the same RGB. (ffmpeg's own rgb24 output differs from it where swscale
 * interpolates chroma, e.g. for odd frame heights, by up to a few hundred levels at colour
 * edges.) Other formats, which the browser converts with its canvas anyway, come as ffmpeg's rgb24.
 */
import { colorOf, yuv420ToRgba, type Plane } from '../../core/index.ts';
import type { VideoInfo } from './probe.ts';

/** Frames of one video as they come through the pipe, and their conversion to RGB(A). */
export interface RawFormat {
  /** ffmpeg's -pix_fmt. */
  pixFmt: string;
  frameBytes: number;
  /** Bytes per pixel of what {@link toRgb} returns: 3 (RGB) or 4 (RGBA). */
  pixelStride: 3 | 4;
  /** RGB(A) [height, width, pixelStride] of one raw frame; may reuse one buffer from call to call. */
  toRgb(raw: Uint8Array): Uint8Array;
}

/** 4:2:0 formats whose raw frames are three 8-bit planes, Y then U then V (no padding). */
const PLANAR_420 = new Set(['yuv420p', 'yuvj420p']);

/** The raw format to decode `info`'s video with. */
export function rawFormatOf(info: Pick<VideoInfo, 'width' | 'height' | 'pixelFormat' | 'colorMatrix' | 'colorRange'>): RawFormat {
  const { width, height } = info;
  if (!PLANAR_420.has(info.pixelFormat)) return { pixFmt: 'rgb24', frameBytes: width * height * 3, pixelStride: 3, toRgb: (raw) => raw };
  const lumaBytes = width * height;
  const chromaWidth = Math.ceil(width / 2);
  const chromaBytes = chromaWidth * Math.ceil(height / 2);
  const planes: Plane[] = [
    { offset: 0, stride: width },
    { offset: lumaBytes, stride: chromaWidth },
    { offset: lumaBytes + chromaBytes, stride: chromaWidth },
  ];
  // yuvj420p is the old name of full-range 4:2:0; the decoder tags its frames full range.
  const color = colorOf({ matrix: info.colorMatrix, fullRange: info.colorRange === 'pc' || info.pixelFormat === 'yuvj420p' });
  const rgba = new Uint8ClampedArray(width * height * 4);
  const bytes = new Uint8Array(rgba.buffer);
  return {
    pixFmt: info.pixelFormat, // the decoder's own format: ffmpeg passes the planes through unconverted
    frameBytes: lumaBytes + 2 * chromaBytes,
    pixelStride: 4,
    toRgb: (raw) => {
      yuv420ToRgba(raw, planes, 'I420', width, height, color, rgba);
      return bytes;
    },
  };
}
