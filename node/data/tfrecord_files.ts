/**
 * TFRecord files on disk as record sources for the input pipeline: every `*.tfrecord` in a
 * subset directory (as the original trainer's --train_subset_dir_path / --eval_subset_dir_path),
 * streamed in reads of a given size (the original's TFRecordDataset buffer_size, --tfrecord_size MiB).
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordSource } from '../../core/index.ts';

export interface FileReadOptions {
  /** Bytes per read from the file (default 1 MiB). */
  bufferBytes?: number;
}

/** A file as a record source; each `open()` starts a new read stream. */
export function fileRecordSource(path: string, options: FileReadOptions = {}): RecordSource {
  const highWaterMark = options.bufferBytes ?? 1 << 20;
  return {
    name: path,
    open: () => createReadStream(path, { highWaterMark }),
  };
}

/**
 * Paths of the `*.tfrecord` files directly in `dir`, sorted by name. Throws an Error naming
 * the directory when it does not exist or holds none (a typo in the path is the usual cause).
 */
export async function listTfrecordFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${dir}: ${code === 'ENOENT' ? 'no such directory' : code === 'ENOTDIR' ? 'not a directory' : (e as Error).message}`);
  }
  const files: string[] = [];
  for (const name of names.sort()) {
    if (!name.endsWith('.tfrecord')) continue;
    const path = join(dir, name);
    if ((await stat(path)).isFile()) files.push(path);
  }
  if (files.length === 0) throw new Error(`${dir}: no *.tfrecord files in this directory`);
  return files;
}

/** Record sources for every `*.tfrecord` file in `dir`. */
export async function subsetSources(dir: string, options: FileReadOptions = {}): Promise<RecordSource[]> {
  return (await listTfrecordFiles(dir)).map((path) => fileRecordSource(path, options));
}
