/**
 * Frames of a user's video file: WebCodecs (through the mediabunny demuxer) when it can take the
 * file, else the `<video>` + canvas fallback. Optionally resampled to a fixed frame rate, as the
 * CLI's ffmpeg `fps` filter does (each output instant takes the latest frame shown by then).
 */
import { decodeWithVideoElement } from './decode_element.ts';
import { decodeWithWebCodecs, WebCodecsUnavailable } from './decode_webcodecs.ts';
import type { RgbaFrame, VideoInfo } from './frames.ts';
import type { FileFacts } from './unplayable.ts';

export interface DecodeOptions {
  /** Output frame rate; null keeps every decoded frame (the stream's own rate). */
  fps: number | null;
  /** Frame rate for the <video> fallback when `fps` is null. */
  fallbackFps?: number;
  /** Skip WebCodecs (tests of the fallback). */
  forceFallback?: boolean;
  onInfo(info: VideoInfo): void;
  /** A problem that still leaves usable frames (e.g. a truncated file). */
  onWarning(message: string): void;
}

/** Resamples a timestamped frame stream to `fps` (frames repeated or dropped). */
async function* atRate(frames: AsyncIterable<RgbaFrame>, fps: number): AsyncGenerator<RgbaFrame> {
  let k = 0;
  let previous: RgbaFrame | null = null;
  for await (const frame of frames) {
    // Output instant k shows the last frame whose timestamp is at or before it (half-frame rounding).
    while (previous && (k + 0.5) / fps <= frame.timestamp) {
      yield { ...previous, rgba: previous.rgba.slice(), timestamp: k / fps };
      k++;
    }
    previous = frame;
  }
  if (previous) yield { ...previous, timestamp: k / fps };
}

/** Yields the frames of `file`; throws {@link VideoError} naming the file when it cannot be read. */
export async function* decodeVideo(file: File, options: DecodeOptions): AsyncGenerator<RgbaFrame> {
  let frames: AsyncGenerator<RgbaFrame> | null = null;
  let facts: FileFacts | null = null;
  if (!options.forceFallback) {
    const webcodecs = decodeWithWebCodecs(file, options.onInfo, options.onWarning);
    try {
      const first = await webcodecs.next();
      frames = (async function* () {
        if (!first.done) yield first.value;
        yield* webcodecs;
      })();
    } catch (e) {
      if (!(e instanceof WebCodecsUnavailable)) throw e;
      facts = e.facts;
    }
  }
  if (!frames) {
    // The element already samples at the requested rate; when it cannot play the file either, its
    // message says what the file is (with what the demuxer recognised), not why each decoder refused.
    yield* decodeWithVideoElement(file, options.fps ?? options.fallbackFps ?? 25, options.onInfo, facts);
    return;
  }
  yield* options.fps === null ? frames : atRate(frames, options.fps);
}
