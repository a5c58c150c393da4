/**
 * The model `s3dg predict` runs, from any of the forms s3dg writes: a checkpoint (a model
 * directory's latest, or a prefix), a web model folder (model.json: config, clip geometry,
 * class names and weights in one place), or a SavedModel directory. Each becomes the same
 * plain object: config, weights by TF name, how to make clips, class names.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  readWebModel,
  resolveConfig,
  S3DG,
  type CropBox,
  type NamedWeights,
  type S3DGConfig,
  readNetWeights,
  readSavedModelWeights,
} from '../../core/index.ts';
import { nodePlatform } from '../platform.ts';
import { UsageError } from '../errors.ts';

/** How clips for the model are made. */
export interface ClipGeometry {
  clipLength: number;
  frameHeight: number;
  frameWidth: number;
  channels: 1 | 3;
  /** Decoding frame rate; null: each video's own. */
  fps: number | null;
  /** Source-pixel crop before the resize; null: the whole frame. */
  crop: CropBox | null;
}

/** A model ready for an engine. */
export interface PredictModel {
  kind: 'checkpoint' | 'web model' | 'SavedModel';
  /** What was read, for the log: "checkpoint runs/m/model.ckpt-900 (global step 900)". */
  description: string;
  config: S3DGConfig;
  weights: NamedWeights;
  classNames: string[];
  clip: ClipGeometry;
}

/** What the command line says about the model; `clip` fields left undefined take the model's or the defaults. */
export interface ModelRequest {
  /** --model: a web model folder, a SavedModel directory, a model directory or a checkpoint prefix. */
  model?: string;
  /** --model_dir: a model directory (its latest checkpoint). */
  modelDir?: string;
  /** The model flags (checkpoints and SavedModels carry no config). */
  config: Partial<S3DGConfig>;
  clip: Partial<Omit<ClipGeometry, 'channels'>>;
  /** Class names from --class_names / --dataset, when given. */
  classNames?: string[];
  /** Model-shape flags given on the command line (a web model carries its own config: refused). */
  modelFlagsGiven?: string[];
}

/** Clip geometry of checkpoints and SavedModels when no flag sets it (the estimator's defaults). */
export const DEFAULT_CLIP = { clipLength: 64, frameHeight: 224, frameWidth: 224 };

/** Which form `path` holds. */
async function formOf(path: string): Promise<PredictModel['kind']> {
  if (await nodePlatform.exists(join(path, 'model.json'))) return 'web model';
  if (await nodePlatform.exists(join(path, 'saved_model.pb'))) return 'SavedModel';
  return 'checkpoint';
}

function channelsOf(config: S3DGConfig): 1 | 3 {
  if (config.inputChannels !== 1 && config.inputChannels !== 3) {
    throw new UsageError(`--channels ${config.inputChannels}: videos give 1 (grey) or 3 (RGB) channels`);
  }
  return config.inputChannels;
}

function classNamesFor(config: S3DGConfig, given: string[] | undefined, source: string): string[] {
  if (!given) return Array.from({ length: config.numClasses }, (_, i) => `class_${i}`);
  if (given.length !== config.numClasses) {
    throw new UsageError(`${source}: ${given.length} class names for a model of ${config.numClasses} classes (--num_classes)`);
  }
  return given;
}

async function webModel(dir: string, request: ModelRequest): Promise<PredictModel> {
  const flags = request.modelFlagsGiven ?? [];
  if (flags.length > 0) throw new UsageError(`${dir} is a web model, which carries its own config; drop ${flags.join(', ')}`);
  const text = await readFile(join(dir, 'model.json'), 'utf8');
  const { modelJson, weights } = await readWebModel(text, (p) => nodePlatform.readFile(join(dir, p)));
  const meta = modelJson.userDefinedMetadata.s3dg;
  const p = meta.preprocessing;
  const given = Object.entries(request.clip).filter(([, v]) => v !== undefined);
  if (given.length > 0) {
    throw new UsageError(
      `${dir}/model.json sets how clips are made; do not give ${given.map(([k]) => `\`${k}\``).join(', ')} for a web model`,
    );
  }
  const config = resolveConfig(meta.config);
  return {
    kind: 'web model',
    description: `web model ${dir} (${meta.provenance.sourceCheckpoint}, global step ${meta.provenance.globalStep})`,
    config,
    weights,
    classNames: request.classNames ? classNamesFor(config, request.classNames, dir) : meta.classNames,
    clip: {
      clipLength: p.clipLength,
      frameHeight: p.frameHeight,
      frameWidth: p.frameWidth,
      channels: channelsOf(config),
      fps: p.fps,
      crop: p.crop,
    },
  };
}

function flagGeometry(config: S3DGConfig, request: ModelRequest, fixed: number[] | null): ClipGeometry {
  const [clipLength, frameHeight, frameWidth] = fixed ?? [];
  return {
    clipLength: request.clip.clipLength ?? clipLength ?? DEFAULT_CLIP.clipLength,
    frameHeight: request.clip.frameHeight ?? frameHeight ?? DEFAULT_CLIP.frameHeight,
    frameWidth: request.clip.frameWidth ?? frameWidth ?? DEFAULT_CLIP.frameWidth,
    channels: channelsOf(config),
    fps: request.clip.fps ?? null,
    crop: request.clip.crop ?? null,
  };
}

/**
 * Reads the model the request names. Errors name the path and what is wrong (no checkpoint,
 * corrupt shards, weights that do not fit the model flags).
 */
export async function loadPredictModel(request: ModelRequest): Promise<PredictModel> {
  if (request.model !== undefined && request.modelDir !== undefined) throw new UsageError('give --model or --model_dir, not both');
  const path = request.model ?? request.modelDir;
  if (path === undefined)
    throw new UsageError('predict needs a model: --model_dir <dir> (a checkpoint) or --model <web model or SavedModel folder>');
  const kind = await formOf(path);
  if (kind === 'web model') return webModel(path, request);
  const config = resolveConfig(request.config);
  if ((config.numClasses ?? 0) < 1) throw new UsageError('--num_classes must be at least 1 to predict');
  const classNames = classNamesFor(config, request.classNames, path);
  const net = new S3DG(config);
  if (kind === 'SavedModel') {
    const saved = await readSavedModelWeights(nodePlatform, path, net);
    const clip = flagGeometry(config, request, saved.clipShape);
    if (
      saved.clipShape &&
      (saved.clipShape[0] !== clip.clipLength || saved.clipShape[1] !== clip.frameHeight || saved.clipShape[2] !== clip.frameWidth)
    ) {
      throw new UsageError(
        `${path}: the SavedModel takes clips of [${saved.clipShape}], not ${clip.clipLength}×${clip.frameHeight}×${clip.frameWidth}`,
      );
    }
    return {
      kind,
      description: `SavedModel ${path}`,
      config,
      weights: saved.weights,
      classNames,
      clip,
    };
  }
  const ckpt = await readNetWeights(nodePlatform, path, net);
  return {
    kind,
    description: `checkpoint ${ckpt.prefix} (global step ${ckpt.globalStep})`,
    config,
    weights: ckpt.weights,
    classNames,
    clip: flagGeometry(config, request, null),
  };
}
