/**
 * `s3dg export-web`, end to end: checkpoint → traced `tensor`-input graph → web model folder.
 * The folder is assembled under `<out>.partial-<ms>` and renamed to `<out>` only when every
 * file is written; an existing web model at `<out>` is replaced in one rename (anything else
 * there is refused), and on failure the partial folder is removed.
 */
import type { Platform } from '../platform.ts';
import { S3DG } from '../model/s3dg.ts';
import type { S3DGConfig } from '../model/config.ts';
import { readNetWeights } from '../model/checkpoint_weights.ts';
import { ExportError } from './export_error.ts';
import { evalMetricsAt } from './eval_metrics.ts';
import { buildServingGraph, type ClipGeometry } from './serving_graph.ts';
import { buildWebModel } from './web_model_writer.ts';
import { parseWebModelJson, type WebPreprocessing } from './web_model_format.ts';

/** What to export to the web. */
export interface WebExportOptions {
  /** The folder to create (or replace, when it holds a web model). */
  out: string;
  /** Checkpoint prefix or model directory (its latest checkpoint). */
  checkpoint: string;
  /** Model directory whose `eval/` events give the provenance metrics (optional). */
  modelDir?: string;
  config: Partial<S3DGConfig>;
  clip: ClipGeometry;
  /** One per class; default `class_0` … */
  classNames?: string[];
  crop?: WebPreprocessing['crop'];
  fps?: number | null;
  /** "s3dg <version>" */
  exporter: string;
  /** Largest shard in bytes (tests use small shards; default 4 MB). */
  shardBytes?: number;
}

/** What was written. */
export interface WebExportResult {
  dir: string;
  files: string[];
  bytes: number;
  checkpoint: string;
  globalStep: number;
}

/**
 * Refuses to replace `out` unless it is empty or holds exactly what an export of ours wrote
 * (an s3dg model.json and the shards it lists): replacing removes the old folder.
 */
async function checkReplaceable(platform: Platform, out: string): Promise<void> {
  if (!(await platform.exists(out))) return;
  const entries = await platform.listDir(out);
  if (entries.length === 0) return;
  const refuse = (why: string) => new ExportError(`${out} ${why}; choose another \`out\` or move it away`);
  if (!entries.includes('model.json')) throw refuse('exists and is not a web model folder');
  let listed: string[];
  try {
    const json = parseWebModelJson(new TextDecoder().decode(await platform.readFile(platform.join(out, 'model.json'))));
    listed = ['model.json', ...json.weightsManifest.flatMap((g) => g.paths)];
  } catch (e) {
    throw refuse(`holds a model.json that is not an s3dg web model (${(e as Error).message})`);
  }
  const others = entries.filter((e) => !listed.includes(e));
  if (others.length > 0) {
    const shown = others.slice(0, 5).join(', ') + (others.length > 5 ? ', …' : '');
    throw refuse(`holds files a web model export did not write (${shown}), which replacing it would delete`);
  }
}

/** Writes the web model folder; returns where and what. */
export async function exportWebModel(platform: Platform, o: WebExportOptions): Promise<WebExportResult> {
  const model = new S3DG(o.config);
  const config = model.config;
  const classNames = o.classNames ?? Array.from({ length: config.numClasses }, (_, i) => `class_${i}`);
  if (classNames.length !== config.numClasses) {
    throw new ExportError(`${classNames.length} class names given for \`numClasses\` ${config.numClasses}`);
  }
  const source = await readNetWeights(platform, o.checkpoint, model);
  const graph = buildServingGraph(model, source.weights, 'tensor', o.clip);
  const web = await buildWebModel({
    graph,
    config,
    classNames,
    shardBytes: o.shardBytes,
    preprocessing: { ...o.clip, channels: config.inputChannels, scale: 'symmetric', crop: o.crop ?? null, fps: o.fps ?? null },
    provenance: {
      sourceCheckpoint: source.prefix,
      globalStep: source.globalStep,
      evalMetrics: o.modelDir ? await evalMetricsAt(platform, o.modelDir, source.globalStep) : null,
      exportedAt: new Date(platform.wallTime() * 1000).toISOString(),
      exporter: o.exporter,
    },
  });

  await checkReplaceable(platform, o.out);
  const stamp = Math.floor(platform.wallTime() * 1000);
  const partial = `${o.out}.partial-${stamp}`;
  const old = `${o.out}.old-${stamp}`;
  try {
    await platform.makeDir(partial);
    for (const [name, bytes] of web.files) await platform.writeFileAtomic(platform.join(partial, name), bytes);
    if (await platform.exists(o.out)) await platform.rename(o.out, old);
    await platform.rename(partial, o.out);
  } catch (e) {
    await platform.remove(partial);
    if ((await platform.exists(old)) && !(await platform.exists(o.out))) await platform.rename(old, o.out);
    throw e;
  }
  await platform.remove(old);
  const files = [...web.files.keys()];
  const bytes = [...web.files.values()].reduce((s, b) => s + b.length, 0);
  return { dir: o.out, files, bytes, checkpoint: source.prefix, globalStep: source.globalStep };
}
