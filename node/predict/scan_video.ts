/**
 * One video through the model: frames are decoded and cut into windows (videoClips: the same
 * ffmpeg decode, core frame maker and windows as `s3dg dataset` and the web app) on the main
 * thread while the engine runs earlier windows; at most `inFlight` windows wait for the
 * engine, so memory stays flat however long the video is.
 */
import { windowSpan, type Timeline, type TimelineWindow } from '../../core/index.ts';
import { probeVideo, type VideoInfo } from '../video/probe.ts';
import { videoClips } from '../video/video_clips.ts';
import type { PredictEngine } from './engine.ts';
import type { ClipGeometry } from './model_source.ts';
import type { VideoInput } from './video_inputs.ts';

export interface ScanOptions {
  engine: PredictEngine;
  clip: ClipGeometry;
  classNames: string[];
  /** Frames between window starts. */
  stride: number;
  /** Windows sent to the engine and not yet answered, at most. */
  inFlight: number;
  /** Checked before each window: true abandons the video. */
  stopRequested: () => boolean;
  /** After each answered window: how many new frames it covered. */
  onWindow?: (frames: number) => void;
}

/** What the probe says before decoding: the frame rate windows are timed at, and an estimate of their number. */
export interface VideoPlan {
  fps: number;
  durationSeconds: number;
  /** The probe itself, handed on to decoding so each video is probed once. */
  probed: VideoInfo;
}

/** Probes `input` (throws a VideoToolError naming it when it has no readable video stream). */
export async function planVideo(input: VideoInput, clip: ClipGeometry): Promise<VideoPlan> {
  const info = await probeVideo(input.path, { countFrames: false });
  return { fps: clip.fps ?? info.fps, durationSeconds: Number.isFinite(info.durationSeconds) ? info.durationSeconds : 0, probed: info };
}

interface Pending {
  start: number;
  padded: boolean;
  probabilities: Promise<Float32Array>;
}

/**
 * The timeline of `input`, or null when a stop was requested before it was done (nothing of it
 * is kept). Decoding and engine errors propagate (ffmpeg is stopped first).
 */
export async function scanVideo(input: VideoInput, plan: VideoPlan, o: ScanOptions): Promise<Timeline | null> {
  const { clipLength, frameHeight, frameWidth, channels } = o.clip;
  const shape = [1, clipLength, frameHeight, frameWidth, channels];
  const windows: TimelineWindow[] = [];
  const pending: Pending[] = [];
  let covered = 0;
  const settleOldest = async () => {
    const p = pending.shift()!;
    const probabilities = await p.probabilities;
    windows.push({ ...windowSpan(p.start, clipLength, plan.fps), probabilities, padded: p.padded });
    const end = p.padded ? clipLength : p.start + clipLength;
    o.onWindow?.(Math.max(0, end - covered));
    covered = Math.max(covered, end);
  };
  const clips = videoClips(input.path, {
    clipLength,
    stride: o.stride,
    fps: o.clip.fps ?? undefined,
    crop: o.clip.crop ?? undefined,
    height: frameHeight,
    width: frameWidth,
    channels,
    probed: plan.probed,
  });
  for await (const c of clips) {
    if (o.stopRequested()) break;
    const probabilities = o.engine.predict(c.clip, shape);
    // An abandoned window's rejection (the engine closing) is nobody's error.
    probabilities.catch(() => undefined);
    pending.push({ start: c.start, padded: c.padded, probabilities });
    if (pending.length >= o.inFlight) await settleOldest();
  }
  if (o.stopRequested()) return null;
  while (pending.length > 0) await settleOldest();
  return { video: input.name, fps: plan.fps, clipLength, stride: o.stride, classNames: o.classNames, windows };
}
