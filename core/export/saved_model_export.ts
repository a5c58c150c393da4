/**
 * The two SavedModel export modes of the original script, end to end: checkpoint → traced
 * serving graph → `<export_path>/<unix seconds>/saved_model.pb`, as the Estimator lays exports
 * out. The version directory is written as `<export_path>/temp-<seconds>/` and renamed into
 * place only when complete (the Estimator's own scheme), so TF Serving, which polls
 * export_path for numeric versions, never sees half an export; on failure the temp directory
 * is removed.
 */
import type { Platform } from '../platform.ts';
import { S3DG } from '../model/s3dg.ts';
import type { S3DGConfig } from '../model/config.ts';
import { readNetWeights } from '../model/checkpoint_weights.ts';
import { buildServingGraph, type ClipGeometry, type ServingInput } from './serving_graph.ts';
import { encodeSavedModel } from './saved_model_writer.ts';

/** What to export. */
export interface SavedModelExportOptions {
  /** Parent of the timestamped version directories (the CLI's --export_path). */
  exportPath: string;
  /** Checkpoint prefix or model directory (its latest checkpoint). */
  checkpoint: string;
  /** The model's options (they must match the checkpoint's variables). */
  config: Partial<S3DGConfig>;
  clip: ClipGeometry;
  /** `example` for the CLI's --mode export, `tensor` for --mode export_for_production. */
  input: ServingInput;
  /** Written into meta_info_def.tensorflow_git_version, e.g. "s3dg 0.1.0". */
  exporter: string;
}

/** Where an export went and what it holds. */
export interface SavedModelExportResult {
  /** The version directory, `<export_path>/<seconds>`. */
  dir: string;
  checkpoint: string;
  globalStep: number;
}

/**
 * Writes one SavedModel version directory; returns its path. The version is the current Unix
 * time in seconds, or the next free second when that directory already exists.
 */
export async function exportSavedModel(platform: Platform, options: SavedModelExportOptions): Promise<SavedModelExportResult> {
  const model = new S3DG(options.config);
  const source = await readNetWeights(platform, options.checkpoint, model);
  const graph = buildServingGraph(model, source.weights, options.input, options.clip);
  const bytes = encodeSavedModel(graph, options.exporter);

  await platform.makeDir(options.exportPath);
  let version = Math.floor(platform.wallTime());
  const taken = async (v: number) =>
    (await platform.exists(platform.join(options.exportPath, String(v)))) ||
    (await platform.exists(platform.join(options.exportPath, `temp-${v}`)));
  while (await taken(version)) version++;
  const temp = platform.join(options.exportPath, `temp-${version}`);
  const dir = platform.join(options.exportPath, String(version));
  try {
    await platform.makeDir(temp);
    await platform.writeFileAtomic(platform.join(temp, 'saved_model.pb'), bytes);
    await platform.rename(temp, dir);
  } catch (e) {
    await platform.remove(temp);
    throw e;
  }
  return { dir, checkpoint: source.prefix, globalStep: source.globalStep };
}
