/**
 * The weights an export starts from: every model variable read from a checkpoint (a prefix, or
 * a model directory's latest), checked against the model built from the flags. Each failure —
 * no checkpoint, an unreadable one, missing variables, other shapes — is one clear message.
 */
import type { Platform } from '../platform.ts';
import { CheckpointReader } from '../formats/checkpoint_reader.ts';
import { resolveCheckpoint } from '../tfjs/training/checkpoints.ts';
import type { S3DG } from './s3dg.ts';
import type { NamedWeight } from '../export/serving_graph.ts';

/** Weights of one checkpoint, with where they came from. */
export interface CheckpointWeights {
  /** The checkpoint prefix read (…/model.ckpt-1000). */
  prefix: string;
  /** Its global_step (0 when it has none). */
  globalStep: number;
  /** Every model variable, by TF name. */
  weights: Map<string, NamedWeight>;
}

/** An export error the user can act on (message names the path and the flag). */
export class ExportError extends Error {
  override name = 'ExportError';
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Reads `model`'s variables from `path` (checkpoint prefix or model directory). Throws
 * {@link ExportError} when there is no checkpoint, it cannot be read, or it does not match.
 */
export async function readCheckpointWeights(platform: Platform, path: string, model: S3DG): Promise<CheckpointWeights> {
  let prefix: string | null;
  try {
    prefix = await resolveCheckpoint(platform, path);
  } catch (e) {
    throw new ExportError(`${path}: cannot read the checkpoint state (${(e as Error).message})`);
  }
  if (prefix === null) {
    throw new ExportError(`no checkpoint at ${path}: neither ${path}.index nor a 'checkpoint' state file in it (train first, or pass --checkpoint_path)`);
  }
  let reader: CheckpointReader;
  try {
    reader = await CheckpointReader.open(prefix, (p) => platform.readFile(p));
  } catch (e) {
    throw new ExportError(`checkpoint ${prefix} is missing or corrupt: ${(e as Error).message}`);
  }
  const specs = model.variables();
  const problems: string[] = [];
  for (const spec of specs) {
    if (!reader.has(spec.name)) problems.push(`${spec.name}: missing`);
    else if (!sameShape(reader.entry(spec.name).shape, spec.shape)) {
      problems.push(`${spec.name}: [${reader.entry(spec.name).shape}] in the checkpoint, [${spec.shape}] in the model`);
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more`);
    throw new ExportError(
      `checkpoint ${prefix} does not match the model the flags describe (check --num_classes, --depth_multiplier, ` +
        `--min_depth, --channels, --first_temporal_kernel_size, --temporal_conv_startat, --gating_startat, --final_endpoint): ` +
        `${problems.length} of ${specs.length} variables differ:\n  ${shown.join('\n  ')}`,
    );
  }
  const weights = new Map<string, NamedWeight>();
  try {
    for (const spec of specs) {
      const t = await reader.read(spec.name);
      const values = t.values instanceof Float32Array ? t.values : t.values instanceof Float64Array ? Float32Array.from(t.values) : null;
      if (!values) throw new Error(`${spec.name} is ${t.dtype}, not a float tensor`);
      weights.set(spec.name, { shape: spec.shape, values });
    }
  } catch (e) {
    throw new ExportError(`checkpoint ${prefix} is corrupt: ${(e as Error).message}`);
  }
  let globalStep = 0;
  if (reader.has('global_step')) {
    const step = (await reader.read('global_step')).values as BigInt64Array | Int32Array;
    globalStep = Number(step[0]);
  }
  return { prefix, globalStep, weights };
}
