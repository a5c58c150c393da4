/**
 * Gathered model bytes → verified metadata and named weights, through the exporter's core
 * reader (sha256 of every shard, sizes, names).
 */
import type { S3DGWebMetadata } from '../../core/export/web_model_format.ts';
import type { ModelBytes } from '../model/model_bytes.ts';
import type { NamedWeights } from './model_runtime.ts';

/** Verifies `bytes` and returns the model's metadata and weights by TF name. */
export async function decodeModelBytes(bytes: ModelBytes): Promise<{ meta: S3DGWebMetadata; weights: NamedWeights }> {
  throw new Error(`${bytes.source}: this build has no web model reader yet`);
}

/** The web-model files (model.json, shards) of `meta` + `weights`, through the exporter's writer. */
export async function encodeModelFiles(meta: S3DGWebMetadata, weights: NamedWeights): Promise<Map<string, Uint8Array>> {
  void weights;
  throw new Error(`cannot export ${meta.classNames.length}-class model: this build has no web model writer yet`);
}
