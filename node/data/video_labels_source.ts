/**
 * Where `s3dg dataset` finds each video's labels: a CSV/JSON labels table keyed by video file
 * name, or a folder of `<video name without extension>.npy` arrays as the original project kept.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { labelsFromNpy, type VideoLabels, parseLabelTable, readNpy } from '../../core/index.ts';

/** Labels per video; `get` resolves null when the video has none. */
export interface VideoLabelSource {
  /** The file or folder, for the manifest and messages. */
  path: string;
  /** Video names the source has labels for (null when it cannot tell without looking). */
  listed: string[] | null;
  /** `sourceFps` is the video's own rate, needed for per-frame .npy labels. */
  get(video: string, sourceFps: number): Promise<VideoLabels | null>;
}

/** Labels from a CSV or JSON table (see core/data/label_files.ts for the formats). */
export async function labelTableSource(path: string, classNames: readonly string[]): Promise<VideoLabelSource> {
  const table = parseLabelTable(await readFile(path, 'utf8'), path, classNames);
  return {
    path,
    listed: [...table.keys()],
    get: async (video) => table.get(video) ?? table.get(basename(video)) ?? null,
  };
}

/** Labels from `<dir>/<stem>.npy`: shape [K] (whole video) or [frames, K] at the video's rate. */
export function npyLabelSource(dir: string, numClasses: number): VideoLabelSource {
  return {
    path: dir,
    listed: null,
    async get(video, sourceFps) {
      const file = join(dir, `${basename(video, extname(video))}.npy`);
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
      return labelsFromNpy(readNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file), numClasses, sourceFps, file);
    },
  };
}

/** No labels: every clip gets an all-zero label (a data set to predict on, not to train). */
export function unlabelledSource(numClasses: number): VideoLabelSource {
  const label = new Uint8Array(numClasses);
  return { path: '(none: unlabelled, for prediction)', listed: null, get: async () => ({ kind: 'clip', label }) };
}
