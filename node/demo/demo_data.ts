/**
 * The demo's data in one call: renders the synthetic motion task (stand-in for Kinetics
 * pretraining) and the level-crossing task as video files, then builds a train/eval data set
 * of each with the same code `s3dg dataset` runs. Re-running reuses what is already there.
 *
 *   <dir>/motion/{videos/, labels.csv, class_names.txt, dataset/{train,eval,manifest.json}}
 *   <dir>/crossing/{…same…}
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildDataset } from '../data/dataset_builder.ts';
import type { BuildEvent } from '../data/dataset_builder.ts';
import { labelTableSource } from '../data/video_labels_source.ts';
import type { ClipSpec } from '../../core/data/clip_spec.ts';
import { writeCrossingScenes, writeMotionScenes } from './scenes.ts';
import type { SceneSet, SceneSetOptions } from './scenes.ts';

export interface DemoDataOptions {
  dir: string;
  seed?: number;
  /** Square frame size in pixels (default 64). */
  frameSize?: number;
  /** Frames per clip (default 16); videos are rendered at 8 fps. */
  clipLength?: number;
  /** Number of crossing videos (default 24, 8 s each) and motion videos (default 48, 3 s each). */
  crossingVideos?: number;
  motionVideos?: number;
  onEvent?: (task: 'motion' | 'crossing', event: BuildEvent) => void;
}

/** One task's data set, ready for the trainer. */
export interface DemoTask {
  trainDir: string;
  evalDir: string;
  classNames: string[];
  spec: ClipSpec;
  clips: { train: number; eval: number };
}

export interface DemoData {
  motion: DemoTask;
  crossing: DemoTask;
  /** Seconds spent rendering + encoding videos, and building data sets (0 when reused). */
  seconds: { generate: number; dataset: number };
}

async function task(
  name: 'motion' | 'crossing',
  scenes: (o: SceneSetOptions) => Promise<SceneSet>,
  options: DemoDataOptions,
  sceneOptions: Omit<SceneSetOptions, 'outDir'>,
  timing: DemoData['seconds'],
): Promise<DemoTask> {
  const dir = join(options.dir, name);
  const clipLength = options.clipLength ?? 16;
  const size = options.frameSize ?? 64;
  let set: Pick<SceneSet, 'videosDir' | 'labelsFile' | 'classNamesFile' | 'classNames'>;
  if (existsSync(join(dir, 'class_names.txt')) && existsSync(join(dir, 'labels.csv'))) {
    const { readFile } = await import('node:fs/promises');
    const classNames = (await readFile(join(dir, 'class_names.txt'), 'utf8')).trim().split('\n');
    set = { videosDir: join(dir, 'videos'), labelsFile: join(dir, 'labels.csv'), classNamesFile: join(dir, 'class_names.txt'), classNames };
  } else {
    const made = await scenes({ ...sceneOptions, outDir: dir });
    timing.generate += made.seconds;
    set = made;
  }
  const started = Date.now();
  const out = join(dir, 'dataset');
  const result = await buildDataset({
    videosDir: set.videosDir,
    outDir: out,
    classNames: set.classNames,
    labels: await labelTableSource(set.labelsFile, set.classNames),
    clip: { clipLength, frameHeight: size, frameWidth: size, channels: 3, stride: clipLength / 2, fps: null, crop: null, minLabelFraction: 0.5 },
    evalFraction: 0.2,
    seed: options.seed ?? 0,
    clipsPerShard: 16,
    jobs: 2,
    onEvent: options.onEvent && ((e) => options.onEvent!(name, e)),
  });
  if (result.built.length > 0) timing.dataset += (Date.now() - started) / 1000;
  if (result.skipped.length > 0) throw new Error(`demo data: ${result.skipped.map((s) => `${s.video}: ${s.reason}`).join('; ')}`);
  return {
    trainDir: join(out, 'train'),
    evalDir: join(out, 'eval'),
    classNames: set.classNames,
    spec: { clipLength, frameHeight: size, frameWidth: size, channels: 3, numClasses: set.classNames.length },
    clips: { train: result.manifest.splits.train.clips, eval: result.manifest.splits.eval.clips },
  };
}

/** Makes (or reuses) both demo data sets under `options.dir`. */
export async function prepareDemoData(options: DemoDataOptions): Promise<DemoData> {
  const seed = options.seed ?? 0;
  const size = options.frameSize ?? 64;
  const seconds = { generate: 0, dataset: 0 };
  const common = { width: size, height: size, fps: 8 };
  const motion = await task('motion', writeMotionScenes, options, { ...common, durationSeconds: 3, videos: options.motionVideos ?? 48, seed: seed + 1 }, seconds);
  const crossing = await task('crossing', writeCrossingScenes, options, { ...common, durationSeconds: 8, videos: options.crossingVideos ?? 24, seed: seed + 2 }, seconds);
  return { motion, crossing, seconds };
}
