/**
 * Decoding a video to raw RGB24 (or grey) frames with the system ffmpeg: optional frame-rate
 * conversion, crop and resize are done by ffmpeg's filters (swscale bilinear), and frames are
 * streamed through a pipe one at a time, so long videos never sit in memory whole.
 */
import type { CropBox } from '../../core/data/resize_bilinear.ts';
import { startTool, VideoToolError } from './ffmpeg_process.ts';
import { probeVideo } from './probe.ts';

/** How to decode. Omitted fields keep the source's value. */
export interface DecodeOptions {
  /** Output frames per second (ffmpeg's fps filter: frames are dropped or repeated). */
  fps?: number;
  /** Region of the source frame to keep, in source pixels, applied before resizing. */
  crop?: CropBox;
  /** Output frame size in pixels; both or neither. */
  width?: number;
  height?: number;
  /** 3 = RGB (default), 1 = grey. */
  channels?: 1 | 3;
}

/** A decoded video: frames [N, height, width, channels] as uint8. */
export interface DecodedVideo {
  frames: Uint8Array;
  frameCount: number;
  width: number;
  height: number;
  channels: number;
}

/** The output size decoding with `options` gives, probing the file only when needed. */
export async function decodedSize(file: string, options: DecodeOptions): Promise<{ width: number; height: number }> {
  if (options.width !== undefined && options.height !== undefined) return { width: options.width, height: options.height };
  if (options.width !== undefined || options.height !== undefined) throw new RangeError('decode: give both width and height, or neither');
  if (options.crop) return { width: options.crop.width, height: options.crop.height };
  const info = await probeVideo(file);
  return { width: info.width, height: info.height };
}

/** The ffmpeg command line for decoding `file` to raw frames of `size` on stdout. */
export function decodeArgs(file: string, options: DecodeOptions, size: { width: number; height: number }): string[] {
  const filters: string[] = [];
  if (options.fps !== undefined) filters.push(`fps=${options.fps}`);
  if (options.crop) {
    const { x, y, width, height } = options.crop;
    filters.push(`crop=${width}:${height}:${x}:${y}`);
  }
  filters.push(`scale=${size.width}:${size.height}:flags=bilinear`);
  const args = ['-v', 'error', '-nostdin', '-i', file, '-map', '0:v:0', '-an', '-sn', '-vf', filters.join(',')];
  if (options.fps === undefined) args.push('-fps_mode', 'passthrough');
  args.push('-f', 'rawvideo', '-pix_fmt', options.channels === 1 ? 'gray' : 'rgb24', 'pipe:1');
  return args;
}

/**
 * Streams the frames of `file` as separate Uint8Arrays [height, width, channels]. Stopping
 * early (break) kills ffmpeg. Throws VideoToolError naming the file when ffmpeg fails, when
 * the output ends inside a frame, or when no frame at all could be decoded.
 */
export async function* decodeFrames(file: string, options: DecodeOptions = {}): AsyncGenerator<Uint8Array> {
  const size = await decodedSize(file, options);
  const frameBytes = size.width * size.height * (options.channels ?? 3);
  const proc = startTool('ffmpeg', decodeArgs(file, options, size), file);
  proc.child.stdin.end();
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  let count = 0;
  let finished = false;
  try {
    for await (const chunk of proc.child.stdout as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - offset);
        frame.set(chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === frameBytes) {
          count++;
          yield frame;
          frame = new Uint8Array(frameBytes);
          filled = 0;
        }
      }
    }
    await proc.done;
    finished = true;
  } finally {
    if (!finished) {
      proc.child.kill('SIGKILL');
      await proc.done.catch(() => undefined);
    }
  }
  if (filled !== 0) throw new VideoToolError(file, `decoded output ended inside a frame (${filled} of ${frameBytes} bytes)`);
  if (count === 0) throw new VideoToolError(file, 'no frames could be decoded');
}

/** Decodes the whole video into one buffer [N, height, width, channels]. For short videos and tests. */
export async function decodeVideo(file: string, options: DecodeOptions = {}): Promise<DecodedVideo> {
  const size = await decodedSize(file, options);
  const channels = options.channels ?? 3;
  const frames: Uint8Array[] = [];
  for await (const f of decodeFrames(file, { ...options, ...size })) frames.push(f);
  const all = new Uint8Array(frames.length * size.width * size.height * channels);
  frames.forEach((f, i) => all.set(f, i * f.length));
  return { frames: all, frameCount: frames.length, width: size.width, height: size.height, channels };
}
