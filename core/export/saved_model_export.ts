/**
 * The two SavedModel export modes of the original script, end to end: checkpoint → traced
 * serving graph → `<export_path>/<unix seconds>/saved_model.pb`, as the Estimator lays exports
 * out (see version_dir.ts: written under a temporary name, renamed when complete).
 */
import type { Platform } from '../platform.ts';
import { S3DG } from '../model/s3dg.ts';
import type { S3DGConfig } from '../model/config.ts';
import { readNetWeights } from '../model/checkpoint_weights.ts';
import { buildServingGraph, type ClipGeometry, type ServingInput } from './serving_graph.ts';
import { encodeSavedModel } from './saved_model_writer.ts';
import { writeVersionDir } from './version_dir.ts';

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

/** Writes one SavedModel version directory (`<export_path>/<unix seconds>`); returns its path. */
export async function exportSavedModel(platform: Platform, options: SavedModelExportOptions): Promise<SavedModelExportResult> {
  const model = new S3DG(options.config);
  const source = await readNetWeights(platform, options.checkpoint, model);
  const graph = buildServingGraph(model, source.weights, options.input, options.clip);
  const bytes = encodeSavedModel(graph, options.exporter);

  const dir = await writeVersionDir(platform, options.exportPath, { 'saved_model.pb': bytes });
  return { dir, checkpoint: source.prefix, globalStep: source.globalStep };
}
