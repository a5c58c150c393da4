/**
 * A web-model folder as one zip (fflate): `<folder>/model.json` and `<folder>/<shard>` entries,
 * stored uncompressed for the float shards (they barely compress) and deflated for model.json.
 */
import { zipSync, type Zippable } from 'fflate';

/** Zips `files` (name → bytes) under `folder/`. */
export function zipFolder(folder: string, files: Map<string, Uint8Array>): Uint8Array {
  const tree: Zippable = {};
  for (const [name, bytes] of files) tree[`${folder}/${name}`] = [bytes, { level: name.endsWith('.json') ? 6 : 0 }];
  return zipSync(tree);
}
