/**
 * Builds a data set in the original project's format from a folder of videos and their
 * labels: each video is decoded (node/video/decode.ts: ffmpeg's frame rate, core's crop and
 * resize, as the web app does), cut into clips, each clip labelled from the video's labels,
 * and written as tf.Example {feature, label} records to `<out>/train/` or `<out>/eval/` — the
 * split is by video, so no video has clips in both.
 *
 * Videos run `jobs` at a time (one ffmpeg each). A video that cannot be read is reported and
 * skipped; the run ends with a summary. `manifest.json` is rewritten (atomically) after every
 * video, so a re-run skips videos already done; shards are renamed into place only when their
 * video is complete, and stale partial shards are removed at start.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  clipLabel,
  frameTimes,
  encodeClipExample,
  clipWindows,
  settingsDifferences,
  summarizeSplits,
  type ClipSettings,
  type DatasetManifest,
  type SplitName,
  type VideoEntry,
  type VideoLabels,
  checkCrop,
  Rng,
} from '../../core/index.ts';
import { readManifest } from './manifest_file.ts';
import { nodePlatform } from '../platform.ts';
import { decodeFrames } from '../video/decode.ts';
import { FfmpegNotFoundError } from '../video/ffmpeg_process.ts';
import { probeVideo } from '../video/probe.ts';
import { PARTIAL_SUFFIX, ShardWriter } from './shard_writer.ts';
import { toFlagVocabulary } from '../flag_names.ts';
import type { VideoLabelSource } from './video_labels_source.ts';

/** File extensions taken as videos. */
export const VIDEO_EXTENSIONS = ['.mp4', '.m4v', '.mov', '.webm', '.mkv', '.avi', '.mpg', '.mpeg', '.ts', '.wmv', '.flv'];

export interface DatasetBuildOptions {
  videosDir: string;
  outDir: string;
  classNames: string[];
  labels: VideoLabelSource;
  clip: ClipSettings;
  /** Fraction of videos (by count) for eval, 0–1; ignored when evalVideos is given. */
  evalFraction: number;
  /** Exact video file names for eval. */
  evalVideos?: string[];
  /** Seeds the train/eval split. */
  seed: number;
  clipsPerShard: number;
  /** Videos decoded at once (one ffmpeg process each). */
  jobs: number;
  onEvent?: (event: BuildEvent) => void;
  /**
   * Stops the build early (Ctrl-C, SIGTERM): no new video starts, the videos in progress are
   * abandoned (their partial shards removed) and the manifest keeps every video finished, so the
   * same command continues where this one stopped.
   */
  signal?: AbortSignal;
}

/** Progress reports, in the order things happen. */
export type BuildEvent =
  | { type: 'plan'; total: number; pending: number; done: number }
  | { type: 'frames'; video: string; frames: number; expected: number }
  | { type: 'video-done'; video: string; entry: VideoEntry; seconds: number }
  | { type: 'video-skipped'; video: string; reason: string };

export interface BuildResult {
  manifest: DatasetManifest;
  /** Videos built in this run. */
  built: string[];
  /** Videos skipped in this run, with reasons. */
  skipped: Array<{ video: string; reason: string }>;
  /** Videos left as they were because an earlier run built them. */
  alreadyDone: string[];
  /** Videos not built because `signal` stopped the run; empty when it ran to the end. */
  interrupted: string[];
}

/** Thrown inside a video's build when the run is stopped; never reported as the video's fault. */
class BuildStopped extends Error {}

/** Video files directly in `dir`, sorted. */
export async function listVideos(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'no such directory'
        : code === 'ENOTDIR'
          ? 'not a directory'
          : `cannot list videos: ${code ?? (e as Error).message}`;
    throw new Error(`${dir}: ${problem}`);
  }
  const videos = names.filter((n) => VIDEO_EXTENSIONS.some((ext) => n.toLowerCase().endsWith(ext))).sort();
  if (videos.length === 0) throw new Error(`${dir}: no video files (${VIDEO_EXTENSIONS.join(' ')})`);
  return videos;
}

/** Shard file prefix for a video: unique per file name, short, and safe on any file system. */
export function shardPrefix(video: string): string {
  // Sanitising alone maps x.y.mp4 and x_y.mp4 to one name (their shards overwrote each other);
  // a hash of the name keeps every video's apart, and the stem is cut so names stay short.
  const stem = video.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 48);
  return `${stem}-${createHash('sha256').update(video).digest('hex').slice(0, 10)}`;
}

/**
 * Train/eval for videos not yet assigned: with `evalVideos`, exactly those; otherwise a seeded
 * shuffle puts new videos in eval until the eval share reaches round(evalFraction · all)
 * (at least one when evalFraction > 0 and there are two or more videos).
 */
export function assignSplits(
  pending: string[],
  existing: Record<string, VideoEntry>,
  options: Pick<DatasetBuildOptions, 'evalFraction' | 'evalVideos' | 'seed'>,
): Map<string, SplitName> {
  const out = new Map<string, SplitName>();
  if (options.evalVideos) {
    const wanted = new Set(options.evalVideos);
    for (const v of pending) out.set(v, wanted.has(v) ? 'eval' : 'train');
    return out;
  }
  const total = pending.length + Object.keys(existing).length;
  let target = Math.round(options.evalFraction * total);
  if (options.evalFraction > 0 && total >= 2) target = Math.max(target, 1);
  let inEval = Object.values(existing).filter((e) => e.split === 'eval').length;
  const order = new Rng(options.seed).shuffle([...pending].sort());
  for (const v of order) {
    const split: SplitName = inEval < target ? 'eval' : 'train';
    if (split === 'eval') inEval++;
    out.set(v, split);
  }
  return out;
}

/**
 * Removes `*.partial` leftovers of an interrupted run, and shards of the videos about to be
 * (re)built: a run stopped between renaming a video's shards and recording it leaves those.
 * Other files are never touched.
 */
async function removeStaleShards(dir: string, pending: readonly string[]): Promise<void> {
  const prefixes = new Set(pending.map(shardPrefix));
  for (const name of await readdir(dir)) {
    const shard = /^(.*)-\d{5}\.tfrecord$/.exec(name);
    if (name.endsWith(PARTIAL_SUFFIX) || (shard && prefixes.has(shard[1]))) await rm(join(dir, name), { force: true });
  }
}

/**
 * Per-frame labels must cover every decoded frame: a shorter array would label the rest of the
 * video with its last row. `decoded` frames at `fps` reach source frame ⌊(decoded − ½)/fps · rate⌋.
 */
function checkLabelRows(labels: VideoLabels, decoded: number, fps: number, labelsPath: string, video: string): void {
  if (labels.kind !== 'frames' || decoded === 0) return;
  const needed = Math.floor(((decoded - 0.5) / fps) * labels.fps) + 1;
  if (labels.frameCount < needed) {
    throw new Error(
      `${labelsPath}: the per-frame labels of ${video} have ${labels.frameCount} rows, but the video has ${needed} frames ` +
        `at ${labels.fps} fps (${(needed / labels.fps).toFixed(2)} s): give one row per frame`,
    );
  }
}

/** Decodes, cuts, labels and writes one video; throws on any failure (after removing its shards). */
async function buildVideo(video: string, split: SplitName, options: DatasetBuildOptions): Promise<VideoEntry> {
  const file = join(options.videosDir, video);
  const info = await probeVideo(file, { countFrames: false }); // the duration is enough for progress
  const labels = await options.labels.get(video, info.fps);
  if (!labels) throw new Error(`no labels for this video in ${options.labels.path}`);
  const { clip } = options;
  if (clip.crop) checkCrop(clip.crop, { width: info.width, height: info.height }); // --crop must fit this video
  const fps = clip.fps ?? info.fps;
  const k = options.classNames.length;
  const expected = Math.round(info.durationSeconds * fps);
  const writer = new ShardWriter(join(options.outDir, split), shardPrefix(video), options.clipsPerShard);
  const classCounts = new Array<number>(k).fill(0);
  let decoded = 0;
  let clips = 0;
  let padded = false;
  async function* counted(): AsyncGenerator<Uint8Array> {
    const decodeOptions = {
      fps: clip.fps ?? undefined,
      crop: clip.crop ?? undefined,
      width: clip.frameWidth,
      height: clip.frameHeight,
      channels: clip.channels as 1 | 3,
    };
    for await (const frame of decodeFrames(file, decodeOptions)) {
      decoded++;
      if (decoded % 16 === 0) options.onEvent?.({ type: 'frames', video, frames: decoded, expected });
      yield frame;
    }
  }
  try {
    for await (const window of clipWindows(counted(), clip.clipLength, clip.stride)) {
      if (options.signal?.aborted) throw new BuildStopped();
      const label = clipLabel(labels, frameTimes(window.start, clip.clipLength, fps), k, clip.minLabelFraction);
      label.forEach((v, i) => (classCounts[i] += v));
      await writer.add(encodeClipExample(window.frames, label));
      clips++;
      padded ||= window.padded;
    }
    checkLabelRows(labels, decoded, fps, options.labels.path, video);
    const shards = await writer.commit();
    // A cut-off file decodes fewer frames than its header's duration promises (a frame or two of
    // rounding aside): its clips are kept, and the shortfall is said.
    const short = expected - decoded > Math.max(2, 0.02 * expected);
    const warning = short
      ? `decoded ${decoded} of the ${expected} frames its header promises (cut off or damaged); clips cover the decoded part`
      : undefined;
    return {
      ...(warning ? { warning } : {}),
      split,
      clips,
      shards: shards.map((s) => relative(options.outDir, s)),
      classCounts,
      frames: decoded,
      padded,
      source: { width: info.width, height: info.height, fps: info.fps, codec: info.codec, durationSeconds: info.durationSeconds },
    };
  } catch (e) {
    await writer.discard();
    throw e;
  }
}

/** Runs the build; see the module comment. Throws only for problems that stop the whole run. */
export async function buildDataset(options: DatasetBuildOptions): Promise<BuildResult> {
  const manifestPath = join(options.outDir, 'manifest.json');
  const old = await readManifest(manifestPath);
  if (old) {
    const diffs = settingsDifferences(old, options.clip, options.classNames, options.labels.path);
    if (diffs.length > 0) {
      throw new Error(
        `${manifestPath}: this data set was built with other settings (${toFlagVocabulary(diffs.join('; '))}); ` +
          'use the same flags to add videos, or a new --out',
      );
    }
  }
  const videos = await listVideos(options.videosDir);
  // Videos built before stay in the data set (their shards are there) even if moved away since.
  const done: Record<string, VideoEntry> = { ...(old?.videos ?? {}) };
  const pending = videos.filter((v) => !(v in done));
  const alreadyDone = Object.keys(done);
  for (const split of ['train', 'eval'] as const) {
    const dir = join(options.outDir, split);
    await mkdir(dir, { recursive: true });
    await removeStaleShards(dir, pending);
  }
  const splits = assignSplits(pending, done, options);
  options.onEvent?.({ type: 'plan', total: videos.length, pending: pending.length, done: videos.length - pending.length });

  const manifest: DatasetManifest = {
    format: 's3dg-dataset',
    version: 1,
    classNames: options.classNames,
    numClasses: options.classNames.length,
    clip: options.clip,
    videosDir: options.videosDir,
    labels: options.labels.path,
    splits: summarizeSplits(done, options.classNames.length),
    videos: done,
    skipped: [],
    updated: new Date().toISOString(),
  };
  const built: string[] = [];
  let saving = Promise.resolve();
  const save = () => {
    manifest.splits = summarizeSplits(manifest.videos, options.classNames.length);
    manifest.updated = new Date().toISOString();
    const snapshot = JSON.parse(JSON.stringify(manifest)) as DatasetManifest;
    saving = saving.then(() =>
      nodePlatform.writeFileAtomic(manifestPath, new TextEncoder().encode(JSON.stringify(snapshot, null, 2) + '\n')),
    );
    return saving;
  };
  const queue = [...pending];
  const interrupted: string[] = [];
  let fatal: Error | null = null;
  const worker = async () => {
    for (let video = queue.shift(); video !== undefined && !fatal; video = queue.shift()) {
      if (options.signal?.aborted) {
        interrupted.push(video, ...queue.splice(0));
        return;
      }
      const started = Date.now();
      try {
        const entry = await buildVideo(video, splits.get(video)!, options);
        manifest.videos[video] = entry;
        built.push(video);
        await save();
        options.onEvent?.({ type: 'video-done', video, entry, seconds: (Date.now() - started) / 1000 });
      } catch (e) {
        if (e instanceof BuildStopped) {
          interrupted.push(video);
          continue;
        }
        // A missing ffmpeg or a system error (disk full, no permission) stops the run; anything
        // about this one video (unreadable, no labels, bad label file) skips it.
        if (e instanceof FfmpegNotFoundError || (e as NodeJS.ErrnoException).code !== undefined) {
          fatal = e as Error;
          return;
        }
        const reason = (e as Error).message.replace(`${join(options.videosDir, video)}: `, '');
        manifest.skipped.push({ video, reason });
        options.onEvent?.({ type: 'video-skipped', video, reason });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.jobs) }, worker));
  if (fatal) throw fatal;
  // By name, not by which of the parallel jobs failed first: the same videos give the same manifest.
  manifest.skipped.sort((a, b) => (a.video < b.video ? -1 : a.video > b.video ? 1 : 0));
  await save();
  if (options.labels.listed) {
    for (const name of options.labels.listed) {
      if (!videos.includes(name))
        manifest.skipped.push({ video: name, reason: `listed in ${options.labels.path} but not found in ${options.videosDir}` });
    }
    await save();
  }
  return { manifest, built, skipped: manifest.skipped, alreadyDone, interrupted: interrupted.sort() };
}
