/**
 * Encoding raw RGB24 frames to a video file with the system ffmpeg: H.264 in mp4 (yuv420p,
 * so browsers and players accept it) or VP9 in webm. The file is written under a temporary
 * name and renamed at the end, so an interrupted run never leaves half a video.
 */
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { startTool } from './ffmpeg_process.ts';

/** Codecs the encoder offers. */
export type VideoCodec = 'h264' | 'vp9';

export interface EncodeOptions {
  /** Frame size in pixels. H.264 with yuv420p needs both even. */
  width: number;
  height: number;
  /** Frames per second. */
  fps: number;
  /** Default 'h264'. */
  codec?: VideoCodec;
  /** Constant-quality setting (lower = better): default 18 for H.264, 24 for VP9. */
  crf?: number;
}

/**
 * ffmpeg output arguments for a codec. One encoder thread: threaded x264 wrote different bytes
 * for the same frames from run to run (1 of 40 demo videos), so the demo's data, and with it
 * its training, were not reproducible. The videos written here are small.
 */
function codecArgs(codec: VideoCodec, crf: number | undefined): string[] {
  if (codec === 'h264') {
    return [
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      String(crf ?? 18),
      '-threads',
      '1',
      '-pix_fmt',
      'yuv420p',
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
    ];
  }
  return [
    '-c:v',
    'libvpx-vp9',
    '-b:v',
    '0',
    '-crf',
    String(crf ?? 24),
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-threads',
    '1',
    '-pix_fmt',
    'yuv420p',
    '-f',
    'webm',
  ];
}

/** The usual file extension for a codec's container. */
export function videoExtension(codec: VideoCodec): string {
  return codec === 'h264' ? '.mp4' : '.webm';
}

/**
 * Writes `frames` (each Uint8Array [height, width, 3] RGB24, or several frames concatenated)
 * to `file`. Resolves with the number of frames written.
 */
export async function encodeVideo(
  file: string,
  frames: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options: EncodeOptions,
): Promise<number> {
  const codec = options.codec ?? 'h264';
  const { width, height, fps } = options;
  if (codec === 'h264' && (width % 2 !== 0 || height % 2 !== 0)) {
    throw new RangeError(`${file}: H.264 with yuv420p needs an even width and height, got ${width}×${height} (use vp9 for odd sizes)`);
  }
  const frameBytes = width * height * 3;
  const tmp = `${file}.partial-${process.pid}`;
  const args = [
    '-v',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    `${width}x${height}`,
    '-framerate',
    String(fps),
    '-i',
    'pipe:0',
  ];
  args.push(...codecArgs(codec, options.crf), tmp);
  const proc = startTool('ffmpeg', args, file);
  let bytes = 0;
  try {
    // Writing stops early if ffmpeg dies; its exit error then explains why.
    const write = (async () => {
      for await (const f of frames) {
        bytes += f.length;
        if (!proc.child.stdin.write(f)) await Promise.race([once(proc.child.stdin, 'drain'), proc.done]);
      }
      proc.child.stdin.end();
    })();
    await Promise.all([write, proc.done]);
    if (bytes % frameBytes !== 0) throw new RangeError(`${file}: ${bytes} bytes is not a whole number of ${width}×${height} RGB frames`);
    await rename(tmp, file);
  } catch (e) {
    proc.child.kill('SIGKILL');
    await proc.done.catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  return bytes / frameBytes;
}
