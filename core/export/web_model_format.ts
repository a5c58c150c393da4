/**
 * The static-hostable web model: a folder with `model.json` plus binary weight shards (≤ 4 MB
 * each), in TensorFlow.js's graph-model format so `tf.loadGraphModel(url)` runs it, and with
 * s3dg's metadata so our web app and trainer rebuild the trainable S3D-G from the same weights.
 *
 *  - `modelTopology`: the inference GraphDef (JSON form, as the tfjs converter writes it), whose
 *    weights are Const nodes named exactly as the TF variables
 *    (`InceptionV1/Mixed_4b/Branch_1/Conv2d_0b_3x3/temporal/weights`, …).
 *  - `weightsManifest`: one group listing every weight (name, shape, float32) and its shard files,
 *    in order; values are little-endian float32, concatenated across the shards.
 *  - `userDefinedMetadata.s3dg`: {@link S3DGWebMetadata}.
 * Nothing here touches files or the network: readers and writers take and return bytes.
 */
import type { S3DGConfig } from '../model/config.ts';

export const WEB_MODEL_FORMAT = 's3dg-web-model';
export const WEB_MODEL_VERSION = 1;
/** Largest weight shard, in bytes (static hosts and caches handle 4 MB files well). */
export const MAX_SHARD_BYTES = 4 * 1024 * 1024;

/** How clips must be prepared before the model sees them. */
export interface WebPreprocessing {
  /** Frames per clip the model was trained on. */
  clipLength: number;
  /** Model frame size in pixels. */
  frameHeight: number;
  frameWidth: number;
  channels: number;
  /** Pixel values: uint8 / 255 · 2 − 1, i.e. [-1, 1]. */
  scale: 'symmetric';
  /** Source-pixel crop applied before the bilinear resize, when the training data had one. */
  crop: { x: number; y: number; width: number; height: number } | null;
  /** Frames per second the training clips were sampled at (null: the video's own). */
  fps: number | null;
}

/** Where the weights came from. */
export interface WebProvenance {
  sourceCheckpoint: string;
  globalStep: number;
  /** Evaluation metrics at export time, when known (auc, precision, recall, f1, …). */
  evalMetrics: Record<string, number> | null;
  exportedAt: string;
  /** "s3dg <version>" */
  exporter: string;
}

export interface S3DGWebMetadata {
  format: typeof WEB_MODEL_FORMAT;
  version: typeof WEB_MODEL_VERSION;
  /** The model's full config: with the weights it rebuilds the trainable network. */
  config: S3DGConfig;
  classNames: string[];
  preprocessing: WebPreprocessing;
  provenance: WebProvenance;
  /** Lower-case hex SHA-256 of each shard file, by its path in weightsManifest. */
  sha256: Record<string, string>;
  /** Name of the graph's input and outputs (serving signature). */
  signature: { input: string; probabilities: string; logits: string };
}

/** One weight as listed in model.json. */
export interface WeightSpecEntry {
  name: string;
  shape: number[];
  /** Model variables are float32; the graph's small int32 Consts (axes, shapes) are listed too. */
  dtype: 'float32' | 'int32';
}

/** model.json as we write it (the subset of tfjs's ModelJSON we use). */
export interface WebModelJson {
  format: 'graph-model';
  generatedBy: string;
  convertedBy: string;
  modelTopology: unknown;
  /** The serving SignatureDef as protobuf JSON (tfjs maps `execute` inputs/outputs by its keys). */
  signature?: unknown;
  weightsManifest: Array<{ paths: string[]; weights: WeightSpecEntry[] }>;
  userDefinedMetadata: { s3dg: S3DGWebMetadata };
}

/** Parses model.json text; throws naming `source` and the problem. */
export function parseWebModelJson(text: string, source = 'model.json'): WebModelJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message})`);
  }
  const m = json as Partial<WebModelJson>;
  if (m.format !== 'graph-model' || !Array.isArray(m.weightsManifest))
    throw new Error(`${source}: not a TensorFlow.js graph model (format, weightsManifest)`);
  const meta = m.userDefinedMetadata?.s3dg;
  if (!meta || meta.format !== WEB_MODEL_FORMAT)
    throw new Error(`${source}: a graph model, but not an s3dg model (userDefinedMetadata.s3dg missing)`);
  if (meta.version !== WEB_MODEL_VERSION)
    throw new Error(`${source}: s3dg web model version ${String(meta.version)}; this s3dg reads version ${WEB_MODEL_VERSION}`);
  for (const group of m.weightsManifest) {
    if (!Array.isArray(group?.paths)) throw new Error(`${source}: a weightsManifest group without a paths list`);
    for (const path of group.paths) {
      const why = outsideFolder(path);
      if (why) throw new Error(`${source}: refusing weight path ${JSON.stringify(path)}: ${why}`);
    }
  }
  return m as WebModelJson;
}

/**
 * Why a weight path would leave the model's folder (null when it stays inside): a model.json
 * may only name files beside it or below it, never another folder, host or scheme.
 */
export function outsideFolder(path: unknown): string | null {
  if (typeof path !== 'string' || path === '') return 'not a file name';
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return 'a URL with a scheme, not a path in the folder';
  if (path.startsWith('/') || path.includes('\\')) return 'an absolute path or a backslash, not a path in the folder';
  if (/[?#%]/.test(path)) return 'a query, fragment or escape, not a plain file name';
  if (path.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')) {
    return 'a path that leaves or re-enters the folder';
  }
  return null;
}
