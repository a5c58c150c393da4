/**
 * The web-model format in the worker, through the exporter's core code: gathered bytes →
 * `readWebModel` (sha256 of every shard, manifest sizes) → weights by TF name; and the current
 * model → `buildServingGraph` + `buildWebModel`, the same files `s3dg export-web` writes.
 */
import { version } from '../../package.json';
import {
  S3DG,
  buildServingGraph,
  buildWebModel,
  readWebModel,
  type S3DGWebMetadata,
  checkNamedWeights,
  type NamedWeights,
} from '../../core/index.ts';
import type { ModelBytes } from '../model/model_bytes.ts';

/** What the web app writes as the model's exporter. */
export const WEB_EXPORTER = `s3dg ${version} (web app)`;

/** Verifies `bytes` and returns the model's metadata and weights by TF name. */
export async function decodeModelBytes(bytes: ModelBytes): Promise<{ meta: S3DGWebMetadata; weights: NamedWeights }> {
  let read: Awaited<ReturnType<typeof readWebModel>>;
  try {
    read = await readWebModel(bytes.json, async (path) => {
      const shard = bytes.shards.get(path);
      if (!shard) throw new Error('missing');
      return shard;
    });
  } catch (e) {
    throw new Error(`${bytes.source}: ${(e as Error).message}`);
  }
  return { meta: read.modelJson.userDefinedMetadata.s3dg, weights: read.weights };
}

/** The web-model files (model.json, shards) of `meta` + `weights`, as the CLI exports them. */
export async function encodeModelFiles(meta: S3DGWebMetadata, weights: NamedWeights): Promise<Map<string, Uint8Array>> {
  const net = new S3DG(meta.config);
  checkNamedWeights(net.variables(), weights, { source: 'export' });
  const p = meta.preprocessing;
  const graph = buildServingGraph(net, weights, 'tensor', {
    clipLength: p.clipLength,
    frameHeight: p.frameHeight,
    frameWidth: p.frameWidth,
  });
  const web = await buildWebModel({
    graph,
    config: meta.config,
    classNames: meta.classNames,
    preprocessing: meta.preprocessing,
    provenance: { ...meta.provenance, exportedAt: new Date().toISOString(), exporter: WEB_EXPORTER },
  });
  return web.files;
}
