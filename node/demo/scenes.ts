/**
 * Writes the synthetic demo data as real video files through ffmpeg, plus the labels and
 * class-names files `s3dg dataset` reads:
 *
 *   <out>/videos/crossing-000.mp4 …   the level-crossing task (core/data/synthetic_crossing.ts)
 *   <out>/labels.csv                   video,start,end,class time ranges
 *   <out>/class_names.txt              one class per line
 *
 * and the same layout for the motion task (core/data/synthetic_motion.ts) with a
 * `video,classes` labels file. Everything is deterministic from the seed.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CROSSING_CLASSES,
  SCENE_EVENT_CLASSES,
  renderCrossing,
  renderSceneEvents,
  type SceneSize,
  MOTION_CLASSES,
  renderMotion,
  Rng,
} from '../../core/index.ts';
import { encodeVideo, videoExtension } from '../video/encode.ts';
import type { VideoCodec } from '../video/encode.ts';

export interface SceneSetOptions extends SceneSize {
  /** Folder to write videos/, labels.csv and class_names.txt into. */
  outDir: string;
  /** Number of videos. */
  videos: number;
  seed: number;
  /** Default 'h264' (mp4). */
  codec?: VideoCodec;
  /** Videos encoded at once (default 2). */
  jobs?: number;
}

/** What was written. */
export interface SceneSet {
  videosDir: string;
  labelsFile: string;
  classNamesFile: string;
  classNames: string[];
  videos: string[];
  /** Wall-clock seconds the generation took. */
  seconds: number;
}

async function writeText(path: string, text: string): Promise<void> {
  await writeFile(`${path}.partial`, text);
  await rename(`${path}.partial`, path);
}

/** Runs `task(i)` for i in [0, count) with up to `jobs` at a time. */
async function forEachLimited(count: number, jobs: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) await task(i);
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
}

async function writeSet(
  options: SceneSetOptions,
  prefix: string,
  classNames: readonly string[],
  header: string,
  render: (seed: number, i: number) => { frames: Uint8Array[]; rows: string[] },
): Promise<SceneSet> {
  const started = Date.now();
  const codec = options.codec ?? 'h264';
  const videosDir = join(options.outDir, 'videos');
  await mkdir(videosDir, { recursive: true });
  const seeds = new Rng(options.seed);
  const videoSeeds = Array.from({ length: options.videos }, () => seeds.seed());
  const names = videoSeeds.map((_, i) => `${prefix}-${String(i).padStart(3, '0')}${videoExtension(codec)}`);
  const rows: string[][] = new Array<string[]>(options.videos);
  await forEachLimited(options.videos, options.jobs ?? 2, async (i) => {
    const video = render(videoSeeds[i], i);
    rows[i] = video.rows.map((r) => `${names[i]},${r}`);
    await encodeVideo(join(videosDir, names[i]), video.frames, { width: options.width, height: options.height, fps: options.fps, codec });
  });
  const labelsFile = join(options.outDir, 'labels.csv');
  const classNamesFile = join(options.outDir, 'class_names.txt');
  await writeText(labelsFile, [header, ...rows.flat()].join('\n') + '\n');
  await writeText(classNamesFile, classNames.join('\n') + '\n');
  return { videosDir, labelsFile, classNamesFile, classNames: [...classNames], videos: names, seconds: (Date.now() - started) / 1000 };
}

/**
 * Level-crossing videos with time-range labels. Classes: gates_lowering, gates_raising,
 * train_left_to_right, train_right_to_left, pedestrian_crossing_while_gates_down.
 * A video with no event gets one row with an empty class, so it is still listed.
 */
export function writeCrossingScenes(options: SceneSetOptions): Promise<SceneSet> {
  return writeSet(options, 'crossing', CROSSING_CLASSES, 'video,start,end,class', (seed) => {
    const video = renderCrossing(seed, options);
    const rows = video.ranges.map((r) => `${r.start.toFixed(4)},${r.end.toFixed(4)},${CROSSING_CLASSES[r.classIndex]}`);
    return { frames: video.frames, rows: rows.length > 0 ? rows : [',,'] };
  });
}

/**
 * Level-crossing videos (their own seeds) labelled with generic scene events
 * (SCENE_EVENT_CLASSES: motion directions, bar rotation, states): the demo's pretraining task.
 */
export function writeSceneEventScenes(options: SceneSetOptions): Promise<SceneSet> {
  return writeSet(options, 'scene', SCENE_EVENT_CLASSES, 'video,start,end,class', (seed) => {
    const video = renderSceneEvents(seed, options);
    const rows = video.ranges.map((r) => `${r.start.toFixed(4)},${r.end.toFixed(4)},${SCENE_EVENT_CLASSES[r.classIndex]}`);
    return { frames: video.frames, rows: rows.length > 0 ? rows : [',,'] };
  });
}

/** Motion videos, one class per video (direction × speed), with a `video,classes` labels file. Classes cycle so every class appears. */
export function writeMotionScenes(options: SceneSetOptions): Promise<SceneSet> {
  return writeSet(options, 'motion', MOTION_CLASSES, 'video,classes', (seed, i) => {
    const video = renderMotion(seed, options, i % MOTION_CLASSES.length);
    return { frames: video.frames, rows: [MOTION_CLASSES[video.classIndex]] };
  });
}
