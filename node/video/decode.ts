/**
 * Decoding a video to RGB (or grey) frames with the system ffmpeg, streamed through a pipe one
 * frame at a time, so long videos never sit in memory whole. ffmpeg only decodes (and applies
 * the fps filter) at the video's own size; YUV → RGB (raw_format.ts), crop, resize and grey
 * (core/data/model_frame.ts) are core's, the very code the web app runs on its decoded frames,
 * so a model gets the same pixels from the CLI (data sets, predictions) and from the browser.
 */
import { ModelFrameMaker, type CropBox } from '../../core/index.ts';
import { type FfmpegBinary, ffmpegBinary } from './ffmpeg_binary.ts';
import { startTool, VideoToolError } from './ffmpeg_process.ts';
import { probeVideo, type VideoInfo } from './probe.ts';
import { rawFormatOf } from './raw_format.ts';

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
  /** The file's probe, when the caller already has it (saves running ffprobe again). */
  probed?: VideoInfo;
}

/** A decoded video: frames [N, height, width, channels] as uint8. */
export interface DecodedVideo {
  frames: Uint8Array;
  frameCount: number;
  width: number;
  height: number;
  channels: number;
}

/** The output frame size: width and height when given, else the crop's, else the video's own. */
function outputSize(native: { width: number; height: number }, options: DecodeOptions): { width: number; height: number } {
  if (options.width !== undefined && options.height !== undefined) return { width: options.width, height: options.height };
  if (options.width !== undefined || options.height !== undefined) throw new RangeError('decode: give both width and height, or neither');
  const { width, height } = options.crop ?? native;
  return { width, height };
}

/** The output size decoding with `options` gives, probing the file only when needed. */
export async function decodedSize(file: string, options: DecodeOptions): Promise<{ width: number; height: number }> {
  if ((options.width !== undefined && options.height !== undefined) || options.crop) return outputSize({ width: 0, height: 0 }, options);
  return outputSize(await probeVideo(file, { countFrames: false }), options);
}

/**
 * The ffmpeg command line for decoding `file` to raw `pixFmt` frames of its own `size` (as
 * displayed, i.e. after rotation) on stdout. The scale to that same size changes no pixel; it
 * only pins the frame size should the stream change size midway. ffmpeg before 5.1 spells the
 * frame-timing option `-vsync`.
 */
export function decodeArgs(
  file: string,
  options: Pick<DecodeOptions, 'fps'>,
  size: { width: number; height: number },
  pixFmt: string,
  fpsModeOption: FfmpegBinary['fpsModeOption'] = '-fps_mode',
): string[] {
  const filters: string[] = [];
  if (options.fps !== undefined) filters.push(`fps=${options.fps}`);
  filters.push(`scale=${size.width}:${size.height}`);
  const args = ['-v', 'error', '-nostdin', '-i', file, '-map', '0:v:0', '-an', '-sn', '-vf', filters.join(',')];
  if (options.fps === undefined) args.push(fpsModeOption, 'passthrough');
  args.push('-f', 'rawvideo', '-pix_fmt', pixFmt, 'pipe:1');
  return args;
}

/** Native RGB(A) frames → the frames asked for. */
function frameMaker(file: string, native: { width: number; height: number; pixelStride: number }, options: DecodeOptions): ModelFrameMaker {
  const size = outputSize(native, options);
  try {
    return new ModelFrameMaker(native, {
      frameHeight: size.height,
      frameWidth: size.width,
      channels: options.channels ?? 3,
      crop: options.crop,
    });
  } catch (e) {
    throw new VideoToolError(file, (e as Error).message);
  }
}

/**
 * Streams the frames of `file` as separate Uint8Arrays [height, width, channels]. Stopping
 * early (break) kills ffmpeg. Throws VideoToolError naming the file when it cannot be probed
 * or decoded, when the crop does not fit, when the output ends inside a frame, or when no frame
 * at all could be decoded.
 */
export async function* decodeFrames(file: string, options: DecodeOptions = {}): AsyncGenerator<Uint8Array> {
  outputSize({ width: 0, height: 0 }, options); // refuses a width without a height (or the reverse) before probing
  const info = options.probed ?? (await probeVideo(file, { countFrames: false }));
  const raw = rawFormatOf(info);
  const maker = frameMaker(file, { width: info.width, height: info.height, pixelStride: raw.pixelStride }, options);
  const frameBytes = raw.frameBytes;
  const proc = startTool('ffmpeg', decodeArgs(file, options, info, raw.pixFmt, ffmpegBinary().fpsModeOption), file);
  proc.child.stdin.end();
  // One raw buffer, reused: every frame handed out is the maker's own copy.
  const frame = new Uint8Array(frameBytes);
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
          filled = 0;
          yield maker.make(raw.toRgb(frame));
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
