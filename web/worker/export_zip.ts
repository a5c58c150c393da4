/**
 * A web-model folder as one zip (fflate): `<folder>/model.json` and `<folder>/<shard>` entries,
 * stored uncompressed for the float shards (they barely compress) and deflated for the rest.
 */
import { zipSync, type Zippable } from 'fflate';

/** Zips `files` (name → bytes) under `folder/`. */
export function zipFolder(folder: string, files: Map<string, Uint8Array>): Uint8Array {
  const tree: Zippable = {};
  for (const [name, bytes] of files) tree[`${folder}/${name}`] = [bytes, { level: name.endsWith('.bin') ? 0 : 6 }];
  return zipSync(tree);
}
