/**
 * Reads a web model's weights back by TF variable name, for rebuilding the trainable S3D-G
 * (fine-tuning in the browser, or resuming in Node): fetches each shard through the host's
 * `fetchShard`, verifies its SHA-256 against the metadata, and slices the concatenated bytes
 * as the weights manifest lists them.
 */
import { sha256Hex } from './sha256.ts';
import { parseWebModelJson, type WebModelJson } from './web_model_format.ts';
import type { NamedWeights } from '../model/named_weights.ts';
import { S3DG } from '../model/s3dg.ts';

/** Fetches one shard by its path relative to model.json (e.g. `fetch(new URL(path, base))`). */
export type FetchShard = (path: string) => Promise<Uint8Array>;

/** A web model's metadata and its float32 weights by name. */
export interface WebModelWeights {
  modelJson: WebModelJson;
  /** The model variables of its config, by TF name (the graph's other constants are left out). */
  weights: NamedWeights;
}

/**
 * Loads and checks the weights of a web model. `modelJson` is the parsed model.json or its
 * text. Throws naming the shard on a missing file or checksum mismatch, and on a manifest that
 * does not fit the bytes.
 */
export async function readWebModel(modelJson: WebModelJson | string, fetchShard: FetchShard): Promise<WebModelWeights> {
  const json = typeof modelJson === 'string' ? parseWebModelJson(modelJson) : modelJson;
  const meta = json.userDefinedMetadata.s3dg;
  const variables = new Set(new S3DG(meta.config).variables().map((v) => v.name));
  const weights: NamedWeights = new Map();
  for (const group of json.weightsManifest) {
    const parts: Uint8Array[] = [];
    for (const path of group.paths) {
      let bytes: Uint8Array;
      try {
        bytes = await fetchShard(path);
      } catch (e) {
        throw new Error(`web model: cannot fetch weight shard ${path} (${(e as Error).message})`);
      }
      const expected = meta.sha256[path];
      if (expected === undefined) throw new Error(`web model: no sha256 for shard ${path} in model.json`);
      const actual = await sha256Hex(bytes);
      if (actual !== expected) throw new Error(`web model: shard ${path} is corrupt (sha256 ${actual}, model.json says ${expected})`);
      parts.push(bytes);
    }
    const total = parts.reduce((s, p) => s + p.length, 0);
    const data = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      data.set(p, at);
      at += p.length;
    }
    let offset = 0;
    for (const w of group.weights) {
      const bytes = 4 * w.shape.reduce((a, b) => a * b, 1);
      if (offset + bytes > total) throw new Error(`web model: weight ${w.name} runs past the end of its shards (${total} bytes)`);
      if (w.dtype === 'float32' && variables.has(w.name)) {
        weights.set(w.name, { shape: w.shape, values: new Float32Array(data.slice(offset, offset + bytes).buffer) });
      }
      offset += bytes;
    }
    if (offset !== total) throw new Error(`web model: shards hold ${total} bytes, the manifest lists ${offset}`);
  }
  return { modelJson: json, weights };
}
