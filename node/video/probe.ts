/**
 * Facts about a video's first video stream: size, frame rate, duration, frames. ffprobe answers
 * where there is one; without it (the bundled ffmpeg has none) ffmpeg itself does (probe_ffmpeg.ts).
 */
import { ffmpegBinary } from './ffmpeg_binary.ts';
import { runToolText, VideoToolError } from './ffmpeg_process.ts';
import { probeWithFfmpeg } from './probe_ffmpeg.ts';

/** Facts about a video file's first video stream. */
export interface VideoInfo {
  /** Frame width and height in pixels, as displayed (and decoded by ffmpeg): after any rotation. */
  width: number;
  height: number;
  /** Frames per second (the stream's average rate, else its base rate). */
  fps: number;
  /** Duration in seconds. */
  durationSeconds: number;
  /** Frames in the stream: the container's count, else counted from packets. */
  frameCount: number;
  /** Codec name as ffprobe spells it (h264, vp9, …). */
  codec: string;
  /** Decoded pixel format as ffprobe spells it (yuv420p, yuvj420p, yuv444p, …). */
  pixelFormat: string;
  /** The stream's colour tags: YUV matrix and range ('tv' = limited, 'pc' = full), null when untagged. */
  colorMatrix: string | null;
  colorRange: string | null;
}

interface ProbeStream {
  width?: number;
  height?: number;
  codec_name?: string;
  pix_fmt?: string;
  color_space?: string;
  color_range?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
  nb_read_packets?: string;
  side_data_list?: Array<{ rotation?: number }>;
  tags?: { rotate?: string };
}
interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { duration?: string };
}

function parseRate(rate: string | undefined): number {
  if (!rate) return NaN;
  const [num, den] = rate.split('/').map(Number);
  return den ? num / den : num;
}

function tag(value: string | undefined): string | null {
  return value && value !== 'unknown' ? value : null;
}

/**
 * Probes `file` with ffprobe where there is one, else with ffmpeg; throws a VideoToolError
 * naming the file when it has no readable video stream. Containers without a frame count (webm,
 * mkv) are counted packet by packet, which reads the whole file; with `countFrames: false` the
 * count is estimated from the duration instead.
 */
export async function probeVideo(file: string, options: { countFrames?: boolean } = {}): Promise<VideoInfo> {
  const { ffprobe } = ffmpegBinary();
  return ffprobe ? probeWithFfprobe(file, options, ffprobe) : probeWithFfmpeg(file, options);
}

/** Probes `file` with the ffprobe at `ffprobe` (the one in use when omitted). */
export async function probeWithFfprobe(file: string, options: { countFrames?: boolean } = {}, ffprobe?: string): Promise<VideoInfo> {
  const args = [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    ...(options.countFrames === false ? [] : ['-count_packets']),
    '-show_streams',
    '-show_format',
    '-of',
    'json',
    file,
  ];
  const text = (await runToolText('ffprobe', args, file, { binary: ffprobe })).stdout;
  let parsed: ProbeOutput;
  try {
    parsed = JSON.parse(text) as ProbeOutput;
  } catch {
    throw new VideoToolError(file, 'ffprobe printed something that is not JSON');
  }
  const stream = parsed.streams?.[0];
  if (!stream?.width || !stream.height) throw new VideoToolError(file, 'no video stream found');
  let fps = parseRate(stream.avg_frame_rate);
  if (!(fps > 0)) fps = parseRate(stream.r_frame_rate);
  if (!(fps > 0)) throw new VideoToolError(file, 'ffprobe reports no frame rate');
  // Phone videos store portrait frames as landscape plus a rotation, which ffmpeg applies when decoding.
  const rotation = Number(stream.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? stream.tags?.rotate ?? 0);
  const quarterTurn = Math.abs(rotation) % 180 === 90;
  const frameCount = Number(stream.nb_frames ?? stream.nb_read_packets ?? NaN);
  let durationSeconds = Number(stream.duration ?? parsed.format?.duration ?? NaN);
  if (!(durationSeconds > 0) && frameCount > 0) durationSeconds = frameCount / fps;
  return {
    width: quarterTurn ? stream.height : stream.width,
    height: quarterTurn ? stream.width : stream.height,
    fps,
    durationSeconds,
    frameCount: Number.isFinite(frameCount) ? frameCount : Math.round(durationSeconds * fps),
    codec: stream.codec_name ?? 'unknown',
    pixelFormat: stream.pix_fmt ?? 'unknown',
    colorMatrix: tag(stream.color_space),
    colorRange: tag(stream.color_range),
  };
}
