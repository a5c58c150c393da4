/**
 * `s3dg dataset`: builds sharded TFRecords of tf.Example {feature, label} — the original
 * project's format — from a folder of videos and their labels. Flags map to
 * DatasetBuildOptions (node/data/dataset_builder.ts); this file only parses, reports progress
 * and prints the summary.
 */
import { statSync, unlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { parseClassNames } from '../../core/index.ts';
import { UsageError } from '../errors.ts';
import { toFlagVocabulary } from '../flag_names.ts';
import { parseCropBox, parseFraction, parseInteger, parsePositiveInteger, parsePositiveNumber } from '../flag_values.ts';
import { buildDataset } from '../data/dataset_builder.ts';
import type { BuildEvent, BuildResult, DatasetBuildOptions } from '../data/dataset_builder.ts';
import { openPartials } from '../data/shard_writer.ts';
import { checkFolder } from '../folders.ts';
import { lockFolder, removeStaleTemporaries } from '../folder_lock.ts';
import { labelTableSource, npyLabelSource, unlabelledSource } from '../data/video_labels_source.ts';

interface DatasetFlags {
  videos: string;
  labels?: string;
  class_names: string;
  out: string;
  clip_length: string;
  frame_height: string;
  frame_width: string;
  channels: string;
  stride?: string;
  fps?: string;
  crop?: string;
  eval_fraction: string;
  eval_videos?: string;
  seed: string;
  clips_per_shard: string;
  jobs: string;
  min_label_fraction: string;
  progress?: boolean;
}

/** Turns the flags into the builder's options (reads the class-names and labels files). */
export async function datasetOptions(flags: DatasetFlags): Promise<DatasetBuildOptions> {
  const clipLength = parsePositiveInteger('--clip_length', flags.clip_length);
  const channels = parsePositiveInteger('--channels', flags.channels);
  if (channels !== 1 && channels !== 3) throw new UsageError(`--channels must be 3 (RGB) or 1 (grey), got ${channels}`);
  const fps = flags.fps === undefined ? null : parsePositiveNumber('--fps', flags.fps);
  let namesText: string;
  try {
    namesText = await readFile(flags.class_names, 'utf8');
  } catch (e) {
    throw new UsageError(`--class_names ${flags.class_names}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const classNames = parseClassNames(namesText, flags.class_names);
  let labels = unlabelledSource(classNames.length);
  if (flags.labels !== undefined) {
    let labelsIsDir: boolean;
    try {
      labelsIsDir = statSync(flags.labels).isDirectory();
    } catch (e) {
      throw new UsageError(`--labels ${flags.labels}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    labels = labelsIsDir ? npyLabelSource(flags.labels, classNames.length) : await labelTableSource(flags.labels, classNames);
  }
  return {
    videosDir: flags.videos,
    outDir: flags.out,
    classNames,
    labels,
    clip: {
      clipLength,
      frameHeight: parsePositiveInteger('--frame_height', flags.frame_height),
      frameWidth: parsePositiveInteger('--frame_width', flags.frame_width),
      channels,
      stride: flags.stride === undefined ? clipLength : parsePositiveInteger('--stride', flags.stride),
      fps,
      crop: flags.crop === undefined ? null : parseCropBox('--crop', flags.crop),
      minLabelFraction: parseFraction('--min_label_fraction', flags.min_label_fraction, '(0, 1]'),
    },
    evalFraction: parseFraction('--eval_fraction', flags.eval_fraction, '[0, 1]'),
    evalVideos: flags.eval_videos
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
    seed: parseInteger('--seed', flags.seed),
    clipsPerShard: parsePositiveInteger('--clips_per_shard', flags.clips_per_shard),
    jobs: parsePositiveInteger('--jobs', flags.jobs),
  };
}

/** Progress on stderr: a bar on a terminal, one line per video otherwise. */
async function progressReporter(useBar: boolean): Promise<{ onEvent: (e: BuildEvent) => void; stop: () => void }> {
  const log = (s: string) => process.stderr.write(s + '\n');
  if (!useBar) {
    let finished = 0;
    let total = 0;
    return {
      onEvent(e) {
        if (e.type === 'plan') {
          total = e.pending;
          log(`dataset: ${e.total} videos, ${e.done} already done, ${e.pending} to build`);
        } else if (e.type === 'video-done') {
          log(
            `[${++finished}/${total}] ${e.entry.split} ${e.video}: ` +
              `${e.entry.clips} clips in ${e.entry.shards.length} shards (${e.seconds.toFixed(1)} s)` +
              (e.entry.warning ? `; warning: ${e.entry.warning}` : ''),
          );
        } else if (e.type === 'video-skipped') {
          log(`[${++finished}/${total}] skipped ${e.video}: ${toFlagVocabulary(e.reason)}`);
        }
      },
      stop: () => undefined,
    };
  }

  const bar = new SingleBar(
    { format: 'dataset {bar} {value}/{total} videos | {clips} clips | {current}', hideCursor: true },
    Presets.shades_classic,
  );
  let clips = 0;
  return {
    onEvent(e) {
      if (e.type === 'plan') bar.start(e.pending, 0, { clips, current: '' });
      else if (e.type === 'frames') bar.update({ current: `${e.video} ${e.frames}/${e.expected} frames` });
      else if (e.type === 'video-done') {
        clips += e.entry.clips;
        bar.increment({ clips, current: e.video });
      } else {
        bar.increment({ current: `skipped ${e.video}` });
      }
    },
    stop: () => bar.stop(),
  };
}

/** The end-of-run summary, printed on stdout. */
export function formatSummary(result: BuildResult, outDir: string): string {
  const m = result.manifest;
  const lines = [
    `data set: ${outDir} (${m.numClasses} classes, clips of ${m.clip.clipLength}×${m.clip.frameHeight}×${m.clip.frameWidth}×${m.clip.channels})`,
  ];
  lines.push(`this run: ${result.built.length} videos built, ${result.alreadyDone.length} already done, ${result.skipped.length} skipped`);
  for (const split of ['train', 'eval'] as const) {
    const s = m.splits[split];
    const counts = m.classNames.map((n, k) => `${n} ${s.classCounts[k]}`).join(', ');
    lines.push(
      `${split}: ${s.videos} videos, ${s.clips} clips, ${s.shards} shards in ${outDir}/${split}/ — positives per class: ${counts}`,
    );
  }
  for (const s of result.skipped) lines.push(`skipped ${s.video}: ${toFlagVocabulary(s.reason)}`);
  if (result.interrupted.length > 0) {
    lines.push(`interrupted before ${result.interrupted.length} videos were built: run the same command again to build them`);
  }
  for (const video of result.built) {
    const warning = m.videos[video]?.warning;
    if (warning) lines.push(`warning: ${video}: ${warning}`);
  }
  return lines.join('\n');
}

/** Registers `s3dg dataset` on the program. */
export function defineDataset(program: Command): void {
  program
    .command('dataset')
    .description('build train/eval TFRecord shards of {feature, label} clips from a folder of videos and labels')
    .requiredOption('--videos <dir>', 'folder of video files (mp4, webm, avi, mkv, mov, …)')
    .option(
      '--labels <file|dir>',
      'labels: a CSV/JSON table (video,start,end,class or video,classes) or a folder of <video>.npy; omit for unlabelled clips to predict on',
    )
    .requiredOption('--class_names <file>', 'class names, one per line; line k = label byte k')
    .requiredOption('--out <dir>', 'data set folder: train/, eval/ and manifest.json go here')
    .option('--clip_length <frames>', 'frames per clip', '64')
    .option('--frame_height <pixels>', 'clip frame height', '224')
    .option('--frame_width <pixels>', 'clip frame width', '224')
    .option('--channels <n>', '3 = RGB, 1 = grey', '3')
    .option('--stride <frames>', 'frames between clip starts (default: clip_length, no overlap)')
    .option('--fps <n>', "decode at this frame rate (default: each video's own)")
    .option('--crop <x,y,width,height>', 'crop each source frame (source pixels) before resizing')
    .option('--eval_fraction <f>', 'share of videos for eval (split by video)', '0.2')
    .option('--eval_videos <names>', 'comma-separated video file names for eval (instead of --eval_fraction)')
    .option('--seed <n>', 'seed of the train/eval split', '0')
    .option('--clips_per_shard <n>', 'records per TFRecord shard', '16')
    .option('--jobs <n>', 'videos decoded in parallel (one ffmpeg each)', '2')
    .option('--min_label_fraction <f>', "a class is on for a clip when it covers at least this share of the clip's frames", '0.5')
    .option('--no-progress', 'plain progress lines even on a terminal')
    .addHelpText(
      'after',
      `
Labels (--labels), keyed by video file name; a class by name or 0-based index:
  CSV time ranges    video,start,end,class          cam1.mp4,12.5,20.0,gates_descending
                     (an empty class lists a video with no events: cam2.mp4,,,)
  CSV whole video    video,classes                  clip7.avi,gates_down;gate_lights_flshng
  JSON               {"cam1.mp4": [{"start": 12.5, "end": 20, "class": "gates_descending"}],
                      "clip7.avi": ["gates_down", "gate_lights_flshng"]}
  .npy folder        <video name without extension>.npy, uint8/float [num_classes] for the
                     whole video or [frames, num_classes] per source frame (> 0.5 = on)
A clip has a class when it covers at least --min_label_fraction of the clip's frames.

Output: <out>/train/ and <out>/eval/ hold <video>-NNNNN.tfrecord shards of tf.Example
{feature: uint8 [clip_length, frame_height, frame_width, channels], label: uint8 [num_classes]};
<out>/manifest.json records settings, splits, per-class counts and the videos done, so running
the same command again adds new videos only.`,
    )
    .action(async (flags: DatasetFlags) => {
      const options = await datasetOptions(flags);
      checkFolder('--out', options.outDir);
      const log = (message: string) => process.stderr.write(`${message}\n`);
      const unlock = lockFolder(options.outDir, 'one data set build per folder at a time', log);
      removeStaleTemporaries(options.outDir, log);
      const reporter = await progressReporter(flags.progress !== false && process.stderr.isTTY === true);
      // Ctrl-C and SIGTERM (Kubernetes, systemd, Docker) stop cleanly: the videos in progress are
      // abandoned, the manifest keeps every finished one, and the process exits 0. A second
      // signal quits at once, still removing the partial shards.
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (stop.signal.aborted) {
          reporter.stop();
          for (const p of openPartials) unlinkSync(p);
          unlock();
          process.exit(signal === 'SIGINT' ? 130 : 143);
        }
        stop.abort();
        reporter.stop();
        log(`interrupted: abandoning the videos in progress and saving the manifest (${signal} again quits at once)`);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const result = await buildDataset({ ...options, onEvent: reporter.onEvent, signal: stop.signal });
        reporter.stop();
        process.stdout.write(formatSummary(result, options.outDir) + '\n');
        if (result.interrupted.length > 0) return;
        const { train, eval: evalSplit } = result.manifest.splits;
        if (train.clips + evalSplit.clips === 0)
          throw new Error(`${options.outDir}: the data set holds no clips (every video was skipped; reasons above)`);
      } finally {
        reporter.stop();
        unlock();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
