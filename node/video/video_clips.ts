/**
 * Clips straight from a video file, for prediction without building a data set: decoded
 * (decode.ts: frame rate, crop, resize to the model's frame size — the same path `s3dg dataset`
 * and the web app use, so clips match what the model was trained on), frames are cut into
 * windows and scaled to the network's input range.
 */
import { clipWindows, preprocessClip, type CropBox } from '../../core/index.ts';
import { decodeFrames } from './decode.ts';
import { probeVideo, type VideoInfo } from './probe.ts';

export interface VideoClipOptions {
  /** Frames per clip. */
  clipLength: number;
  /** Frames between clip starts (default clipLength). */
  stride?: number;
  /** Decoding frame rate (default: the video's own). */
  fps?: number;
  /** Source-pixel crop before resizing. */
  crop?: CropBox;
  /** Model frame size in pixels. */
  height: number;
  width: number;
  /** 3 = RGB (default), 1 = grey. */
  channels?: 1 | 3;
  /** The file's probe, when the caller already has it. */
  probed?: VideoInfo;
}

/** One clip of a video. */
export interface VideoClip {
  /** First frame's index in the decoded stream, and its time span in seconds. */
  start: number;
  startSeconds: number;
  endSeconds: number;
  /** Network input [T, height, width, C] in [-1, 1]. */
  clip: Float32Array;
  /** True when the video was shorter than one clip and its last frame was repeated. */
  padded: boolean;
}

/** Yields the clips of `file` in order. Throws VideoToolError naming the file when it cannot be read. */
export async function* videoClips(file: string, options: VideoClipOptions): AsyncGenerator<VideoClip> {
  const probed = options.probed ?? (await probeVideo(file, { countFrames: false }));
  const fps = options.fps ?? probed.fps;
  const channels = options.channels ?? 3;
  const { crop, width, height } = options;
  const frames = decodeFrames(file, { fps: options.fps, crop, width, height, channels, probed });
  const shape = { height: options.height, width: options.width, channels };
  for await (const w of clipWindows(frames, options.clipLength, options.stride ?? options.clipLength)) {
    yield {
      start: w.start,
      startSeconds: w.start / fps,
      endSeconds: (w.start + options.clipLength) / fps,
      clip: preprocessClip(w.frames, shape, null),
      padded: w.padded,
    };
  }
}
