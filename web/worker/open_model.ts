/**
 * The web-model format in the worker, through the exporter's core code: gathered bytes →
 * `readWebModel` (sha256 of every shard, manifest sizes) → weights by TF name; and the current
 * model → `buildServingGraph` + `buildWebModel`, the same files `s3dg export-web` writes.
 */
import { version } from '../../package.json';
import { S3DG } from '../../core/model/s3dg.ts';
import { buildServingGraph, type NamedWeight } from '../../core/export/serving_graph.ts';
import { buildWebModel } from '../../core/export/web_model_writer.ts';
import { readWebModel } from '../../core/export/web_model_reader.ts';
import type { S3DGWebMetadata } from '../../core/export/web_model_format.ts';
import type { ModelBytes } from '../model/model_bytes.ts';
import type { NamedWeights } from './model_runtime.ts';

/** What the web app writes as the model's exporter. */
export const WEB_EXPORTER = `s3dg ${version} (web app)`;

/** Verifies `bytes` and returns the model's metadata and weights by TF name. */
export async function decodeModelBytes(bytes: ModelBytes): Promise<{ meta: S3DGWebMetadata; weights: NamedWeights }> {
  let read;
  try {
    read = await readWebModel(bytes.json, async (path) => {
      const shard = bytes.shards.get(path);
      if (!shard) throw new Error('missing');
      return shard;
    });
  } catch (e) {
    throw new Error(`${bytes.source}: ${(e as Error).message}`);
  }
  const weights: NamedWeights = new Map();
  for (const [name, w] of read.weights) weights.set(name, w.values);
  return { meta: read.modelJson.userDefinedMetadata.s3dg, weights };
}

/** The web-model files (model.json, shards) of `meta` + `weights`, as the CLI exports them. */
export async function encodeModelFiles(meta: S3DGWebMetadata, weights: NamedWeights): Promise<Map<string, Uint8Array>> {
  const model = new S3DG(meta.config);
  const named = new Map<string, NamedWeight>();
  for (const spec of model.variables()) {
    const values = weights.get(spec.name);
    if (!values) throw new Error(`export: the model has no value for ${spec.name}`);
    named.set(spec.name, { shape: spec.shape, values });
  }
  const p = meta.preprocessing;
  const graph = buildServingGraph(model, named, 'tensor', { clipLength: p.clipLength, frameHeight: p.frameHeight, frameWidth: p.frameWidth });
  const web = await buildWebModel({
    graph,
    config: meta.config,
    classNames: meta.classNames,
    preprocessing: meta.preprocessing,
    provenance: { ...meta.provenance, exportedAt: new Date().toISOString(), exporter: WEB_EXPORTER },
  });
  return web.files;
}
