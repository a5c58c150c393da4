// Core messages name options as their option objects spell them, in backticks (`learningRate`, `channels`); the CLI prints
// each such name that has a flag as the flag (--learning_rate: snake_case, or an exception below). All other text stays.

import { SHAPE_FLAG_NAMES } from './model_flags.ts';

/** Every flag of every command (node/commands/*.ts, node/model_flags.ts); the option of the same name in camelCase maps to it. */
const FLAGS = [
  // s3dg --mode … (estimator_flags.ts) and the model flags (model_flags.ts)
  'mode',
  'model_dir',
  'batch_size',
  'prefetch_size',
  'monitor_steps',
  'train_steps',
  'learning_rate',
  'optimizer',
  'momentum',
  'weight_decay',
  'dropout_rate',
  'gpu_num',
  'num_gpus',
  'num_workers',
  'clip_length',
  'frame_height',
  'frame_width',
  'crop',
  'cropheight',
  'cropwidth',
  'cropx',
  'cropy',
  'source_frame_height',
  'source_frame_width',
  'warm_start',
  'variables_to_warm_start',
  'variables_to_train',
  'freeze_batch_norm',
  'recompute',
  'add_image_summaries',
  'train_subset_dir_path',
  'eval_subset_dir_path',
  'predict_subset_dir_path',
  'tfrecord_size',
  'checkpoint_path',
  'export_path',
  'metric_weights',
  'keep_checkpoint_max',
  'seed',
  'backend',
  ...SHAPE_FLAG_NAMES,
  // s3dg dataset
  'videos',
  'labels',
  'class_names',
  'out',
  'stride',
  'fps',
  'eval_fraction',
  'eval_videos',
  'clips_per_shard',
  'jobs',
  'min_label_fraction',
  // s3dg export-web, inspect, demo
  'dataset',
  'json',
  'values',
  'quick',
  // s3dg predict
  'model',
  'output_dir',
  'threshold',
  'min_event_seconds',
  'engine',
  'threads',
  'shard',
  'num_shards',
] as const;

/** Core options whose flag is not their name in snake_case. */
const EXCEPTIONS: Record<string, (typeof FLAGS)[number]> = {
  inputChannels: 'channels', // S3DGConfig
  temporalConvStartAt: 'temporal_conv_startat',
  gatingStartAt: 'gating_startat',
  metricGroups: 'metric_weights', // EstimatorOptions: the groups parsed from the flag's text
  checkpoint: 'checkpoint_path', // WebExportOptions, SavedModelExportOptions
  prefetchBatches: 'prefetch_size', // InputPipelineOptions
  outDir: 'out', // DatasetBuildOptions
  videosDir: 'videos',
};

const camelCase = (flag: string) => flag.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Option name → flag name (without the dashes). */
export const OPTION_FLAGS: ReadonlyMap<string, string> = new Map([
  ...FLAGS.map((flag): [string, string] => [camelCase(flag), flag]),
  ...Object.entries(EXCEPTIONS),
]);

/**
 * A core message in the CLI's words: each `optionName` in backticks that has a flag becomes
 * --flag_name. Bare words are never touched: `channels` is an option, channels a plain word.
 */
export function toFlagVocabulary(message: string): string {
  return message.replace(/`([A-Za-z][A-Za-z0-9]*)`/g, (whole, name: string) => {
    const flag = OPTION_FLAGS.get(name);
    return flag === undefined ? whole : `--${flag}`;
  });
}
