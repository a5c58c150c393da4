/**
 * The flags of the original s3dg_estimator.py — same names, defaults and meaning — turned into
 * one checked options object. Every mistake is reported by flag name before any work starts.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.ts';
import type { RecomputeChoice } from '../memory_check.ts';
import { addModelFlags, modelConfigFromFlags, type ModelFlags } from '../model_flags.ts';
import {
  parseBooleanFlag,
  parseFraction,
  parseNonNegativeInteger,
  parseNonNegativeNumber,
  parsePositiveInteger,
  parsePositiveNumber,
} from '../flag_values.ts';
import { parseMetricWeights, type S3DGConfig, type ClipSpec, type CropBox, type MetricWeights } from '../../core/index.ts';
import type { OptimizerName } from '../../core/tfjs/index.ts';

export const MODES = ['train_and_eval', 'train', 'eval', 'predict', 'export', 'export_for_production', 'export_onnx'] as const;
export type Mode = (typeof MODES)[number];

/** Raw flag values as commander gives them. */
export interface EstimatorFlags extends ModelFlags {
  mode: Mode;
  model_dir?: string;
  batch_size: string;
  prefetch_size: string;
  monitor_steps: string;
  train_steps?: string;
  learning_rate: string;
  optimizer: OptimizerName;
  momentum: string;
  weight_decay: string;
  dropout_rate: string;
  gpu_num: string;
  num_gpus: string;
  num_workers?: string;
  clip_length: string;
  frame_height: string;
  frame_width: string;
  crop?: boolean;
  cropheight: string;
  cropwidth: string;
  cropx: string;
  cropy: string;
  source_frame_height: string;
  source_frame_width: string;
  warm_start?: boolean;
  variables_to_warm_start?: string;
  variables_to_train?: string;
  freeze_batch_norm?: boolean;
  recompute?: string | boolean;
  add_image_summaries: string | boolean;
  train_subset_dir_path?: string;
  eval_subset_dir_path?: string;
  predict_subset_dir_path?: string;
  tfrecord_size: string;
  checkpoint_path?: string;
  export_path?: string;
  metric_weights?: string;
  keep_checkpoint_max?: string;
  seed: string;
  backend?: string;
}

/** The original's two-letter short flags (-ch, -cw, -cx, -cy), which commander cannot declare. */
const SHORT_ALIASES: Record<string, string> = { '-ch': '--cropheight', '-cw': '--cropwidth', '-cx': '--cropx', '-cy': '--cropy' };

export function expandShortAliases(argv: string[]): string[] {
  return argv.map((a) => SHORT_ALIASES[a] ?? a);
}

export function addEstimatorFlags(cmd: Command): Command {
  addModelFlags(cmd);
  return cmd
    .addOption(new Option('--mode <mode>', 'what to do').choices(MODES).default('train_and_eval'))
    .option('--model_dir <dir>', 'checkpoints and TensorBoard logs (required)')
    .option('--batch_size <n>', 'clips per step', '6')
    .option('--prefetch_size <n>', 'batches prepared ahead of the model; -1: automatic (as AUTOTUNE)', '-1')
    .option('--monitor_steps <n>', 'steps between logs, summaries and checkpoints', '100')
    .option('--train_steps <n>', 'train: this many more steps; train_and_eval: the global step to stop at (default: until stopped)')
    .option('--learning_rate <x>', 'learning rate', '0.1')
    .addOption(
      new Option('--optimizer <name>', 'optimizer (adam: TF1 AdamOptimizer, β1 0.9, β2 0.999, ε 1e-8)')
        .choices(['momentum', 'sgd', 'adam'])
        .default('momentum'),
    )
    .option('--momentum <x>', 'momentum of the momentum optimizer', '0.9')
    .option('--weight_decay <x>', 'L1 and L2 weight decay on conv weights', '1e-7')
    .option('--dropout_rate <x>', 'dropout before the logits', '0.2')
    .option('--gpu_num <n>', 'first CUDA device to use (tensorflow backend)', '0')
    .option(
      '--num_gpus <n>',
      'CUDA devices (tensorflow backend): 0 = CPU only (hides them all), 1 = device --gpu_num; N > 1 = N training replicas, one process per device from --gpu_num (--batch_size per replica)',
      '1',
    )
    .option(
      '--num_workers <n>',
      'training replicas in worker threads on the wasm and cpu backends, --batch_size each; train_and_eval evaluates on them too (default: one per core there, 1 on tensorflow and webgpu)',
    )
    .option('--clip_length <n>', 'frames per clip', '64')
    .option('--frame_height <n>', 'model frame height', '224')
    .option('--frame_width <n>', 'model frame width', '224')
    .option('-c, --crop', 'predict: crop stored frames before resizing')
    .option('--cropheight <n>', 'crop height (-ch)', '920')
    .option('--cropwidth <n>', 'crop width (-cw)', '1920')
    .option('--cropx <n>', 'crop left edge (-cx)', '0')
    .option('--cropy <n>', 'crop top edge (-cy)', '82')
    .option('--source_frame_height <n>', 'predict with --crop: stored frame height', '1080')
    .option('--source_frame_width <n>', 'predict with --crop: stored frame width', '1920')
    .option('--warm_start', 'training: warm-start from --checkpoint_path, or without it from --model_dir (as the original)')
    .option('--variables_to_warm_start <spec>', 's3dg_convs, s3dg_logits, scopes, or a regex')
    .option('--variables_to_train <spec>', 's3dg_logits, s3dg_convs, comma-separated scopes, or a regex')
    .option(
      '--freeze_batch_norm',
      'batch norm of layers not trained uses and keeps its moving statistics (default: every batch norm trains, as the original)',
    )
    .option(
      '--recompute [bool]',
      'True, False or auto: recompute activations per block in the backward pass (a second forward pass for a fraction of ' +
        "the memory); auto (default): only when a training step would not fit the backend's memory otherwise " +
        '(env S3DG_MEMORY_LIMIT_MB lowers that limit)',
    )
    .option(
      '--add_image_summaries [bool]',
      'True or False: the middle frame of each clip to TensorBoard at every summary step (--monitor_steps)',
      'True',
    )
    .option('--train_subset_dir_path <dir>', 'directory of training *.tfrecord files')
    .option('--eval_subset_dir_path <dir>', 'directory of evaluation *.tfrecord files')
    .option('--predict_subset_dir_path <dir>', 'directory of *.tfrecord files to predict')
    .option('--tfrecord_size <MiB>', 'read buffer per TFRecord file, in MiB', '40')
    .option(
      '--checkpoint_path <path>',
      'training: warm-start source; eval, predict: read only where --model_dir has no checkpoint; export: what to export (default: --model_dir)',
    )
    .option('--export_path <dir>', 'where export modes write SavedModels')
    .option(
      '--metric_weights <group>',
      "metrics over one of the original's class groups (96 classes: gate, trn, veh, ped, ped_in_crossing, ped_not_in_crossing; " +
        '204: gate, trn, veh, cyc, ped); or per-group metrics beside the overall ones: fra96, or name:1-5;other:6-29',
    )
    .option('--keep_checkpoint_max <n>', 'keep only the newest n checkpoints in model_dir (default: every one, as the original)')
    .option('--seed <n>', 'seed of initialisation, shuffling and augmentation', '0')
    .option('--backend <name>', 'tensorflow, webgpu, wasm or cpu (default: the fastest available, never a software GPU; env S3DG_BACKEND)');
}

/** Everything a mode needs, checked. */
export interface EstimatorSettings {
  mode: Mode;
  modelDir: string;
  model: Partial<S3DGConfig>;
  spec: ClipSpec;
  batchSize: number;
  /** Batches read ahead, or 'auto' (--prefetch_size -1). */
  prefetch: number | 'auto';
  monitorSteps: number;
  trainSteps?: number;
  learningRate: number;
  optimizer: OptimizerName;
  momentum: number;
  weightDecay: number;
  crop?: CropBox;
  sourceFrame: { height: number; width: number };
  warmStartFrom?: string;
  /** Why warm start is on (for the log). */
  warmStartReason?: string;
  variablesToWarmStart?: string;
  variablesToTrain?: string;
  freezeBatchNorm: boolean;
  /** Recompute activations in the backward pass: on, off, or when a step would not fit otherwise. */
  recompute: RecomputeChoice;
  addImageSummaries: boolean;
  trainDir?: string;
  evalDir?: string;
  predictDir?: string;
  /** Read buffer per TFRecord file, MiB. */
  tfrecordSize: number;
  checkpointPath?: string;
  exportPath?: string;
  metrics: MetricWeights;
  keepCheckpointMax: number;
  seed: number;
  gpus: { first: number; count: number };
  /** --num_workers: training replicas in threads; undefined = automatic (one per core on wasm/cpu). */
  workers?: number;
  /** What the flags' check has to say (flags ignored, and why), logged before any work. */
  notes: string[];
}

/** --recompute: True or False, or auto (also when absent). */
function parseRecompute(value: string | boolean | undefined): RecomputeChoice {
  if (value === undefined || typeof value === 'boolean') return value ?? 'auto';
  const text = value.trim().toLowerCase();
  if (text === 'auto') return 'auto';
  if (['true', '1', 'false', '0'].includes(text)) return parseBooleanFlag('--recompute', value);
  throw new UsageError(`--recompute must be True, False or auto, got ${JSON.stringify(value)}`);
}

/** --prefetch_size: -1 is tf.data.experimental.AUTOTUNE (the original's default), else batches ahead. */
function parsePrefetchSize(text: string): number | 'auto' {
  if (text.trim() === '-1') return 'auto';
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--prefetch_size must be -1 (automatic) or an integer ≥ 0, got ${JSON.stringify(text)}`);
  return n;
}

/** Flags that only training reads. */
const TRAINING_ONLY_FLAGS = [
  'warm_start',
  'variables_to_warm_start',
  'variables_to_train',
  'freeze_batch_norm',
  'recompute',
  'train_subset_dir_path',
  'train_steps',
  'learning_rate',
  'optimizer',
  'momentum',
  'dropout_rate',
  'monitor_steps',
  'add_image_summaries',
  'keep_checkpoint_max',
  'num_workers',
];

/** Flags only predict reads. */
const PREDICT_ONLY_FLAGS = [
  'crop',
  'cropheight',
  'cropwidth',
  'cropx',
  'cropy',
  'source_frame_height',
  'source_frame_width',
  'predict_subset_dir_path',
];

/** Flags `mode` does not read: given anyway, they are ignored with a note, as the original ignores them. */
function unusedFlags(mode: Mode): string[] {
  const training = mode === 'train' || mode === 'train_and_eval';
  return [
    ...(training ? [] : TRAINING_ONLY_FLAGS),
    ...(mode === 'predict' ? [] : PREDICT_ONLY_FLAGS),
    ...(mode === 'eval' || mode === 'train_and_eval' ? [] : ['eval_subset_dir_path']),
    ...(training || mode === 'eval' ? [] : ['metric_weights']),
  ];
}

/**
 * Checks flags and their combinations; throws UsageError naming the flag. `given` says whether a
 * flag was on the command line (not a default).
 */
export function settingsFromFlags(f: EstimatorFlags, given: (flag: string) => boolean): EstimatorSettings {
  if (!f.model_dir) throw new UsageError('--model_dir is required');
  const model = modelConfigFromFlags(f);
  const spec: ClipSpec = {
    clipLength: parsePositiveInteger('--clip_length', f.clip_length),
    frameHeight: parsePositiveInteger('--frame_height', f.frame_height),
    frameWidth: parsePositiveInteger('--frame_width', f.frame_width),
    channels: model.inputChannels ?? 3,
    numClasses: model.numClasses ?? 204,
  };
  if (spec.numClasses < 1) throw new UsageError('--num_classes must be at least 1 for training and prediction');
  const s: EstimatorSettings = {
    mode: f.mode,
    modelDir: f.model_dir,
    model,
    spec,
    batchSize: parsePositiveInteger('--batch_size', f.batch_size),
    prefetch: parsePrefetchSize(f.prefetch_size),
    monitorSteps: parsePositiveInteger('--monitor_steps', f.monitor_steps),
    trainSteps: f.train_steps === undefined ? undefined : parsePositiveInteger('--train_steps', f.train_steps),
    learningRate: parsePositiveNumber('--learning_rate', f.learning_rate),
    optimizer: f.optimizer,
    momentum: parseFraction('--momentum', f.momentum, '[0, 1)'),
    weightDecay: parseNonNegativeNumber('--weight_decay', f.weight_decay),
    sourceFrame: {
      height: parsePositiveInteger('--source_frame_height', f.source_frame_height),
      width: parsePositiveInteger('--source_frame_width', f.source_frame_width),
    },
    variablesToWarmStart: f.variables_to_warm_start,
    variablesToTrain: f.variables_to_train,
    freezeBatchNorm: Boolean(f.freeze_batch_norm),
    recompute: parseRecompute(f.recompute),
    addImageSummaries: parseBooleanFlag('--add_image_summaries', f.add_image_summaries),
    trainDir: f.train_subset_dir_path,
    evalDir: f.eval_subset_dir_path,
    predictDir: f.predict_subset_dir_path,
    tfrecordSize: parsePositiveInteger('--tfrecord_size', f.tfrecord_size),
    checkpointPath: f.checkpoint_path,
    exportPath: f.export_path,
    metrics: metricWeights(f.metric_weights, spec.numClasses),
    keepCheckpointMax: f.keep_checkpoint_max === undefined ? 0 : parseNonNegativeInteger('--keep_checkpoint_max', f.keep_checkpoint_max),
    seed: parseNonNegativeInteger('--seed', f.seed),
    gpus: { first: parseNonNegativeInteger('--gpu_num', f.gpu_num), count: parseNonNegativeInteger('--num_gpus', f.num_gpus) },
    workers: f.num_workers === undefined ? undefined : parsePositiveInteger('--num_workers', f.num_workers),
    notes: [],
  };
  if (f.crop && s.mode === 'predict') {
    s.crop = {
      x: parseNonNegativeInteger('--cropx', f.cropx),
      y: parseNonNegativeInteger('--cropy', f.cropy),
      width: parsePositiveInteger('--cropwidth', f.cropwidth),
      height: parsePositiveInteger('--cropheight', f.cropheight),
    };
    if (s.crop.x + s.crop.width > s.sourceFrame.width || s.crop.y + s.crop.height > s.sourceFrame.height) {
      throw new UsageError(
        `--crop: the box x ${s.crop.x}+${s.crop.width}, y ${s.crop.y}+${s.crop.height} leaves the ` +
          `${s.sourceFrame.width}×${s.sourceFrame.height} source frame (--source_frame_width/--source_frame_height)`,
      );
    }
  }
  const training = s.mode === 'train' || s.mode === 'train_and_eval';
  if (training && !s.trainDir) throw new UsageError(`--mode ${s.mode} needs --train_subset_dir_path`);
  if ((s.mode === 'eval' || s.mode === 'train_and_eval') && !s.evalDir)
    throw new UsageError(`--mode ${s.mode} needs --eval_subset_dir_path`);
  if (s.mode === 'predict' && !s.predictDir) throw new UsageError('--mode predict needs --predict_subset_dir_path');
  if (s.mode.startsWith('export') && !s.exportPath) throw new UsageError(`--mode ${s.mode} needs --export_path`);
  // A command switched to another mode runs as it is, as the original's does: what the mode does not read is named once.
  const ignored = unusedFlags(s.mode).filter(given);
  if (ignored.length) s.notes.push(`--mode ${s.mode} ignores ${ignored.map((f) => `--${f}`).join(', ')} (flags this mode does not read)`);
  if (s.mode !== 'eval' && s.mode !== 'train_and_eval') s.evalDir = undefined;
  if (s.mode !== 'predict') s.predictDir = undefined;
  if (!training) {
    s.trainDir = undefined;
    s.variablesToWarmStart = undefined;
    s.variablesToTrain = undefined;
  } else if (s.checkpointPath) {
    s.warmStartFrom = s.checkpointPath;
    s.warmStartReason = f.warm_start ? '--warm_start' : '--checkpoint_path given for training';
  } else if (f.warm_start) {
    // The original's WarmStartSettings start from model_dir when no checkpoint_path is given.
    s.warmStartFrom = s.modelDir;
    s.warmStartReason = '--warm_start without --checkpoint_path: from --model_dir, as the original';
  } else if (s.variablesToWarmStart) {
    s.notes.push('--variables_to_warm_start ignored: no warm start without --warm_start or --checkpoint_path');
    s.variablesToWarmStart = undefined;
  }
  return s;
}

/** --metric_weights, parsed for the model's class count; a bad value is a usage error. */
function metricWeights(text: string | undefined, numClasses: number): MetricWeights {
  try {
    return parseMetricWeights(text, numClasses);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
