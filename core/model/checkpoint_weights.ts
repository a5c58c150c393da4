/**
 * Named weights read from a TF checkpoint (a prefix, or a model directory's latest): what
 * resume, warm start and export start from. Backend-neutral: values stay Float32Arrays until a
 * model loads them, and `checkNamedWeights` decides whether they fit.
 */
import type { Platform } from '../platform.ts';
import { CheckpointReader } from '../formats/checkpoint_reader.ts';
import { latestCheckpoint } from '../formats/checkpoint_state.ts';
import { checkNamedWeights, type NamedWeights } from './named_weights.ts';
import type { S3DG } from './s3dg.ts';

/** Weights of one checkpoint, with where they came from. */
export interface CheckpointWeights {
  /** The checkpoint prefix read (…/model.ckpt-1000). */
  prefix: string;
  /** Its global_step (0 when it has none). */
  globalStep: number;
  /** The requested variables the checkpoint holds. */
  weights: NamedWeights;
  /** The open checkpoint, for anything else it holds (optimizer slots). */
  reader: CheckpointReader;
}

/** What to check when a checkpoint does not fit the model's config, in option names. */
export const CONFIG_HINT =
  'check `numClasses`, `depthMultiplier`, `minDepth`, `inputChannels`, `firstTemporalKernelSize`, ' +
  '`temporalConvStartAt`, `gatingStartAt`, `finalEndpoint`';

/** A checkpoint prefix from a prefix or a model directory (its latest checkpoint); null if none. */
export async function resolveCheckpoint(platform: Platform, path: string): Promise<string | null> {
  if (await platform.exists(`${path}.index`)) return path;
  return (await latestCheckpoint(path, platform)) ?? null;
}

/** A float tensor's values as float32; null for other dtypes. */
export function floatValues(values: unknown): Float32Array | null {
  if (values instanceof Float32Array) return values;
  if (values instanceof Float64Array) return Float32Array.from(values);
  return null;
}

/**
 * Reads the variables `names` that the checkpoint at `path` holds (the others are left out: the
 * weights check names them). Each failure — no checkpoint, unreadable state, a corrupt bundle, a
 * variable that is not float — is one message naming the path.
 */
export async function readCheckpointWeights(platform: Platform, path: string, names: string[]): Promise<CheckpointWeights> {
  let prefix: string | null;
  try {
    prefix = await resolveCheckpoint(platform, path);
  } catch (e) {
    throw new Error(`${path}: cannot read the checkpoint state (${(e as Error).message})`);
  }
  if (prefix === null) throw new Error(`no checkpoint at ${path}: neither ${path}.index nor a 'checkpoint' state file in it (train first)`);
  let reader: CheckpointReader;
  try {
    reader = await CheckpointReader.open(prefix, (p) => platform.readFile(p));
  } catch (e) {
    throw new Error(`checkpoint ${prefix} is missing or corrupt: ${(e as Error).message}`);
  }
  const weights: NamedWeights = new Map();
  let globalStep = 0;
  try {
    for (const name of names) {
      if (!reader.has(name)) continue;
      const t = await reader.read(name);
      const values = floatValues(t.values);
      if (!values) throw new Error(`${name} is ${t.dtype}, not a float tensor`);
      weights.set(name, { shape: t.shape, values });
    }
    if (reader.has('global_step')) globalStep = Number((await reader.read('global_step')).values[0]);
  } catch (e) {
    throw new Error(`checkpoint ${prefix} is corrupt: ${(e as Error).message}`);
  }
  return { prefix, globalStep, weights, reader };
}

/** Every variable of `net` from the checkpoint at `path`, checked against the network (for export). */
export async function readNetWeights(platform: Platform, path: string, net: S3DG): Promise<CheckpointWeights> {
  const specs = net.variables();
  const ckpt = await readCheckpointWeights(
    platform,
    path,
    specs.map((s) => s.name),
  );
  checkNamedWeights(specs, ckpt.weights, { source: `checkpoint ${ckpt.prefix}`, hint: CONFIG_HINT, holder: 'the checkpoint' });
  return ckpt;
}
