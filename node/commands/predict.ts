/**
 * `s3dg predict <videos…>`: scans footage with a trained model. Each video (this shard's part)
 * becomes a timeline (CSV, JSON) and its events in --output_dir; finished videos are skipped, so
 * a rerun resumes; SIGTERM/SIGINT abandon the video in progress and end with exit 0. The work
 * is in node/predict/ and core/predict/; this file maps flags and reports.
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { parseClassNames, type CropBox, checkEventOptions, timelineEvents, type EventOptions, windowCount } from '../../core/index.ts';
import { findManifest } from '../data/manifest_file.ts';
import { UsageError } from '../errors.ts';
import { parseCropBox, parseNonNegativeNumber, parseNumber, parsePositiveInteger, parsePositiveNumber } from '../flag_values.ts';
import { checkFolder } from '../folders.ts';
import { addModelFlags, modelConfigFromFlags, SHAPE_FLAG_NAMES, type ModelFlags } from '../model_flags.ts';
import { chooseEngine, ENGINE_CHOICES, type EngineChoice } from '../predict/choose_engine.ts';
import { loadPredictModel, type ModelRequest } from '../predict/model_source.ts';
import { outputsComplete, videoOutputs, writeVideoOutputs } from '../predict/outputs.ts';
import { ScanProgress } from '../predict/scan_progress.ts';
import { planVideo, scanVideo } from '../predict/scan_video.ts';
import { resolveShard, shardOf } from '../predict/shard.ts';
import { expandVideoInputs, type VideoInput } from '../predict/video_inputs.ts';

interface PredictFlags extends ModelFlags {
  model?: string;
  model_dir?: string;
  output_dir?: string;
  class_names?: string;
  dataset?: string;
  clip_length?: string;
  frame_height?: string;
  frame_width?: string;
  fps?: string;
  crop?: string;
  stride: string;
  threshold: string;
  min_event_seconds: string;
  engine: string;
  threads?: string;
  backend: string;
  shard?: string;
  num_shards?: string;
}

async function classNamesFromFlags(f: PredictFlags): Promise<string[] | undefined> {
  if (f.class_names !== undefined) {
    const text = await readFile(f.class_names, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new UsageError(`--class_names ${f.class_names}: ${e.code ?? e.message}`);
    });
    return parseClassNames(text, f.class_names);
  }
  if (f.dataset !== undefined) {
    const manifest = await findManifest(f.dataset);
    if (!manifest) throw new UsageError(`--dataset ${f.dataset}: no manifest.json with classNames there (written by s3dg dataset)`);
    return manifest.classNames;
  }
  return undefined;
}

function optional<T>(text: string | undefined, parse: (flag: string, text: string) => T, flag: string): T | undefined {
  return text === undefined ? undefined : parse(flag, text);
}

/** The model request from the flags; model-shape flags given for a web model (which carries its config) are refused. */
async function modelRequest(f: PredictFlags, cmd: Command): Promise<ModelRequest> {
  const crop: CropBox | undefined = optional(f.crop, parseCropBox, '--crop');
  return {
    model: f.model,
    modelDir: f.model_dir,
    config: modelConfigFromFlags(f),
    clip: {
      clipLength: optional(f.clip_length, parsePositiveInteger, '--clip_length'),
      frameHeight: optional(f.frame_height, parsePositiveInteger, '--frame_height'),
      frameWidth: optional(f.frame_width, parsePositiveInteger, '--frame_width'),
      fps: optional(f.fps, parsePositiveNumber, '--fps'),
      crop,
    },
    classNames: await classNamesFromFlags(f),
    modelFlagsGiven: SHAPE_FLAG_NAMES.filter((n) => cmd.getOptionValueSource(n) === 'cli').map((n) => `--${n}`),
  };
}

function eventOptions(f: PredictFlags): EventOptions {
  const options = {
    threshold: parseNumber('--threshold', f.threshold),
    minEventSeconds: parseNonNegativeNumber('--min_event_seconds', f.min_event_seconds),
  };
  try {
    checkEventOptions(options);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return options;
}

/** An error as one line, without repeating the video's path (ffmpeg's messages often do). */
function oneLine(message: string, path: string): string {
  return message
    .split('\n')
    .map((l) => l.replaceAll(`${path}: `, '').trim())
    .filter((l) => l !== '')
    .join(' — ');
}

/** One line per video for stdout: windows, span and events per class. */
function summaryLine(name: string, windows: number, seconds: number, events: ReturnType<typeof timelineEvents>): string {
  const found = events.filter((c) => c.events.length > 0).map((c) => `${c.className} ×${c.events.length}`);
  return `${name}: ${windows} windows over ${seconds.toFixed(1)} s; events: ${found.length > 0 ? found.join(', ') : 'none'}`;
}

async function runPredict(videoArgs: string[], f: PredictFlags, cmd: Command): Promise<void> {
  const log = (m: string) => process.stderr.write(`${m}\n`);
  if (!f.output_dir) throw new UsageError('predict needs --output_dir <dir> for the timelines and events');
  checkFolder('--output_dir', f.output_dir);
  if (!(ENGINE_CHOICES as readonly string[]).includes(f.engine)) {
    throw new UsageError(`--engine ${f.engine}: choose one of ${ENGINE_CHOICES.join(', ')}`);
  }
  if (f.backend !== 'wasm' && f.backend !== 'cpu') throw new UsageError(`--backend ${f.backend}: predict runs tfjs on wasm or cpu`);
  const stride = parsePositiveInteger('--stride', f.stride);
  const threads = optional(f.threads, parsePositiveInteger, '--threads');
  const events = eventOptions(f);
  const request = await modelRequest(f, cmd);
  const shard = resolveShard(f, process.env);
  const inputs = await expandVideoInputs(videoArgs);

  const mine = inputs.filter((v) => shardOf(v.name, shard.count) === shard.index);
  const todo: VideoInput[] = [];
  for (const v of mine) if (!(await outputsComplete(videoOutputs(f.output_dir, v.name)))) todo.push(v);
  const shardText = shard.count > 1 ? `shard ${shard.index}/${shard.count} (${shard.source}): ` : '';
  log(`${shardText}${mine.length} of ${inputs.length} videos; ${mine.length - todo.length} already done, ${todo.length} to scan`);
  if (todo.length === 0) return;

  const model = await loadPredictModel(request);
  const clip = model.clip;
  log(
    `model: ${model.description}; ${model.classNames.length} classes; clips of ${clip.clipLength}×${clip.frameHeight}×${clip.frameWidth} ` +
      `every ${stride} frames at ${clip.fps ?? "each video's own"} fps${clip.crop ? `, crop ${JSON.stringify(clip.crop)}` : ''}`,
  );
  const chosen = await chooseEngine(f.engine as EngineChoice, model, { threads, tfjsBackend: f.backend as 'wasm' | 'cpu' });
  log(`engine: ${chosen.engine.description} — ${chosen.reason}`);

  // SIGTERM (what Kubernetes sends) or Ctrl-C: abandon the video in progress, keep what is done, exit 0.
  let stopSignal: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopSignal) process.exit(signal === 'SIGINT' ? 130 : 143);
    stopSignal = signal;
    progress.stop();
    log(`${signal}: abandoning the video in progress (its outputs are not written; a rerun scans it); ${signal} again quits at once`);
  };
  const progress = new ScanProgress(todo.length);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const failures: string[] = [];
  let scanned = 0;
  try {
    for (const input of todo) {
      if (stopSignal) break;
      try {
        const plan = await planVideo(input, clip);
        progress.expect(windowCount(Math.round(plan.durationSeconds * plan.fps), clip.clipLength, stride));
        const timeline = await scanVideo(input, plan, {
          engine: chosen.engine,
          clip,
          classNames: model.classNames,
          stride,
          inFlight: 2 * (threads ?? availableParallelism()) + 1,
          stopRequested: () => stopSignal !== null,
          onWindow: (frames) => progress.window(frames),
        });
        if (!timeline) break;
        const found = timelineEvents(timeline, events);
        await writeVideoOutputs(videoOutputs(f.output_dir, input.name), timeline, found, events);
        scanned++;
        const last = timeline.windows[timeline.windows.length - 1];
        process.stdout.write(`${summaryLine(input.name, timeline.windows.length, last?.endSeconds ?? 0, found)}\n`);
      } catch (e) {
        // A signal also reaches ffmpeg (same process group): its death is the stop, not the video's fault.
        if (stopSignal) break;
        failures.push(`${input.path}: ${oneLine((e as Error).message, input.path)}`);
        log(`failed: ${failures[failures.length - 1]}`);
      }
    }
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await chosen.engine.close();
  }
  const rates = progress.rates();
  log(
    `${scanned} scanned, ${failures.length} failed, ${todo.length - scanned - failures.length} not reached` +
      ` (${rates.windowsPerSecond.toFixed(2)} windows/s, ${rates.framesPerSecond.toFixed(1)} frames/s); outputs in ${f.output_dir}`,
  );
  if (stopSignal) {
    log(`stopped by ${stopSignal}: rerun the same command to scan the rest`);
    if (failures.length === 0) return;
  }
  if (failures.length > 0) throw new Error(`${failures.length} of ${todo.length} videos failed:\n  ${failures.join('\n  ')}`);
}

/** Registers `s3dg predict`. */
export function definePredict(program: Command): void {
  const cmd = program
    .command('predict')
    .description('scan videos with a trained model: per-video timelines (CSV, JSON) and events in --output_dir')
    .argument('<videos...>', 'video files, folders (searched recursively) or globs')
    .option('--model <path>', 'web model folder (model.json), SavedModel directory, model directory or checkpoint prefix')
    .option('--model_dir <dir>', 'model directory: its latest checkpoint (with the model flags below)')
    .option('--output_dir <dir>', 'where the timelines and events go (required)')
    .option('--class_names <file>', 'class names, one per line, in label order (checkpoints and SavedModels)')
    .option('--dataset <dir>', "take the class names from this data set's manifest.json")
    .option('--clip_length <n>', "frames per window (default: the web model's, else 64)")
    .option('--frame_height <n>', "model frame height (default: the web model's, else 224)")
    .option('--frame_width <n>', "model frame width (default: the web model's, else 224)")
    .option('--fps <x>', "decode at this frame rate (default: the web model's, else each video's own)")
    .option('--crop <x,y,width,height>', 'source-pixel crop before resizing')
    .option('--stride <n>', 'frames between window starts', '8')
    .option('--threshold <p>', 'a window counts for a class at this probability or more', '0.5')
    .option('--min_event_seconds <s>', 'drop events shorter than this', '0')
    .option('--engine <name>', `what runs the model: ${ENGINE_CHOICES.join(', ')}`, 'auto')
    .option('--threads <n>', 'worker threads (default: the number of cores)')
    .option('--backend <name>', 'tfjs backend in the worker threads: wasm, or cpu (tiny models)', 'wasm')
    .option('--shard <K/N>', 'scan only shard K of N (0-based; default: JOB_COMPLETION_INDEX of --num_shards)')
    .option('--num_shards <n>', 'number of shards when the index comes from JOB_COMPLETION_INDEX (or S3DG_NUM_SHARDS)');
  addModelFlags(cmd).action(async (videos: string[], f: PredictFlags) => runPredict(videos, f, cmd));
}
