import { Option, type Command } from 'commander';
import { BASE_ENDPOINTS, STARTAT_ENDPOINTS, type BaseEndpoint, type S3DGConfig } from '../core/index.ts';
import { UsageError } from './errors.ts';
import { parseFraction, parseInteger, parseNonNegativeInteger, parsePositiveInteger, parsePositiveNumber } from './flag_values.ts';

/** The model-shape flags, named as s3dg_estimator.py and TF-slim name them. */
export interface ModelFlags {
  num_classes: string;
  depth_multiplier: string;
  min_depth: string;
  channels: string;
  first_temporal_kernel_size: string;
  temporal_conv_startat: string;
  gating_startat: string;
  final_endpoint: string;
  batch_norm_decay: string;
  dropout_rate?: string;
}

/** The flags that shape the network (all but dropout, which inference ignores), as commander keys them. */
export const SHAPE_FLAG_NAMES = [
  'num_classes',
  'depth_multiplier',
  'min_depth',
  'channels',
  'first_temporal_kernel_size',
  'temporal_conv_startat',
  'gating_startat',
  'final_endpoint',
  'batch_norm_decay',
] as const satisfies readonly (keyof ModelFlags)[];

export function addModelFlags(cmd: Command): Command {
  return cmd
    .option('--num_classes <n>', 'number of output classes', '204')
    .option('--depth_multiplier <x>', 'multiplier of every layer width', '1.0')
    .option('--min_depth <n>', 'minimum layer width', '16')
    .option('--channels <n>', 'input channels per frame', '3')
    .addOption(
      new Option('--first_temporal_kernel_size <n>', 'temporal size of the stem kernel').choices(['1', '3', '5', '7']).default('3'),
    )
    .option(
      '--temporal_conv_startat <endpoint>',
      `first endpoint with temporal convs (${STARTAT_ENDPOINTS[0]}, Mixed_*, or none)`,
      'Conv2d_2c_3x3',
    )
    .option('--gating_startat <endpoint>', 'first endpoint with self-gating (or none)', 'Conv2d_2c_3x3')
    .option('--final_endpoint <endpoint>', 'last base endpoint built', 'Mixed_5c')
    .option(
      '--batch_norm_decay <x>',
      'decay of the batch-norm moving averages (TF-slim: 0.999; lower it for runs of a few hundred steps)',
      '0.999',
    );
}

function endpoint(flag: string, value: string, allowNone: boolean): BaseEndpoint | null {
  if (allowNone && (value === 'none' || value === '')) return null;
  if (!(BASE_ENDPOINTS as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} ${value}: not an S3D-G endpoint (${BASE_ENDPOINTS.join(', ')})`);
  }
  return value as BaseEndpoint;
}

/** Model config from flags; flag errors name the flag. */
export function modelConfigFromFlags(f: ModelFlags): Partial<S3DGConfig> {
  const config: Partial<S3DGConfig> = {
    numClasses: parseNonNegativeInteger('--num_classes', f.num_classes),
    depthMultiplier: parsePositiveNumber('--depth_multiplier', f.depth_multiplier),
    minDepth: parsePositiveInteger('--min_depth', f.min_depth),
    inputChannels: parsePositiveInteger('--channels', f.channels),
    firstTemporalKernelSize: parseInteger('--first_temporal_kernel_size', f.first_temporal_kernel_size) as 1 | 3 | 5 | 7,
    temporalConvStartAt: endpoint('temporal_conv_startat', f.temporal_conv_startat, true),
    gatingStartAt: endpoint('gating_startat', f.gating_startat, true),
    finalEndpoint: endpoint('final_endpoint', f.final_endpoint, false) ?? 'Mixed_5c',
    batchNormDecay: parseFraction('--batch_norm_decay', f.batch_norm_decay, '(0, 1)'),
  };
  if (f.dropout_rate !== undefined) config.dropoutKeepProb = 1 - parseFraction('--dropout_rate', f.dropout_rate, '[0, 1)');
  return config;
}
