/** Reading a data set's manifest.json (written by `s3dg dataset`) from disk, through core's parser. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest, type DatasetManifest } from '../../core/index.ts';

/** The manifest at `path`; null when there is no file there; throws naming the file when it is not a manifest. */
export async function readManifest(path: string): Promise<DatasetManifest | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  return parseManifest(text, path);
}

/** The manifest of the data set that `subsetDir` (a data set or one of its splits) belongs to; null if none. */
export async function findManifest(subsetDir: string): Promise<DatasetManifest | null> {
  for (const candidate of [join(subsetDir, 'manifest.json'), join(subsetDir, '..', 'manifest.json')]) {
    const manifest = await readManifest(candidate);
    if (manifest) return manifest;
  }
  return null;
}
