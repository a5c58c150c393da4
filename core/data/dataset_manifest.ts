/**
 * `manifest.json`, written beside a data set's shards by `s3dg dataset`: how the clips were
 * made, which videos went to which split, and how many clips of each class each split holds.
 * A re-run reads it to skip videos already done and to refuse settings that would mix clip
 * formats in one data set.
 */
import type { CropBox } from './resize_bilinear.ts';

/** Settings every clip of the data set shares. */
export interface ClipSettings {
  clipLength: number;
  frameHeight: number;
  frameWidth: number;
  channels: number;
  /** Frames between clip starts. */
  stride: number;
  /** Decoding frame rate; null = each video's own rate. */
  fps: number | null;
  /** Crop applied before resizing, in source pixels; null = whole frame. */
  crop: CropBox | null;
  /** Fraction of a clip's frames a class must cover to be on. */
  minLabelFraction: number;
}

export type SplitName = 'train' | 'eval';

/** What one source video contributed. */
export interface VideoEntry {
  split: SplitName;
  clips: number;
  /** Shard paths relative to the data set directory. */
  shards: string[];
  /** Positive clips per class, label index order. */
  classCounts: number[];
  /** Frames decoded (after frame-rate conversion). */
  frames: number;
  /** True when the video was shorter than one clip and padded. */
  padded: boolean;
  /** What was wrong with the video although clips were made (e.g. it ends before its header says). */
  warning?: string;
  source: { width: number; height: number; fps: number; codec: string; durationSeconds: number };
}

/** Totals for one split. */
export interface SplitSummary {
  videos: number;
  clips: number;
  shards: number;
  classCounts: number[];
}

export interface DatasetManifest {
  format: 's3dg-dataset';
  version: 1;
  classNames: string[];
  numClasses: number;
  clip: ClipSettings;
  /** Where the videos and labels came from (as given on the command line). */
  videosDir: string;
  labels: string;
  splits: Record<SplitName, SplitSummary>;
  videos: Record<string, VideoEntry>;
  /** Videos the last run could not use, and why. */
  skipped: Array<{ video: string; reason: string }>;
  updated: string;
}

/** Totals per split from the video entries. */
export function summarizeSplits(videos: Record<string, VideoEntry>, numClasses: number): Record<SplitName, SplitSummary> {
  const empty = (): SplitSummary => ({ videos: 0, clips: 0, shards: 0, classCounts: new Array<number>(numClasses).fill(0) });
  const splits: Record<SplitName, SplitSummary> = { train: empty(), eval: empty() };
  for (const v of Object.values(videos)) {
    const s = splits[v.split];
    s.videos++;
    s.clips += v.clips;
    s.shards += v.shards.length;
    v.classCounts.forEach((c, k) => (s.classCounts[k] += c));
  }
  return splits;
}

/** Parses manifest.json text; throws naming `source` when it is not an s3dg data set manifest. */
export function parseManifest(text: string, source: string): DatasetManifest {
  let parsed: Partial<DatasetManifest>;
  try {
    parsed = JSON.parse(text) as Partial<DatasetManifest>;
  } catch (e) {
    throw new Error(`${source}: not valid JSON: ${(e as Error).message}`);
  }
  if (parsed.format !== 's3dg-dataset' || parsed.version !== 1 || !parsed.clip || !parsed.videos || !Array.isArray(parsed.classNames)) {
    throw new Error(`${source}: not an s3dg data set manifest (format 's3dg-dataset', version 1)`);
  }
  return parsed as DatasetManifest;
}

/** Every ClipSettings field, in the order differences are reported. */
const CLIP_SETTINGS: Record<keyof ClipSettings, true> = {
  clipLength: true,
  frameHeight: true,
  frameWidth: true,
  channels: true,
  stride: true,
  fps: true,
  crop: true,
  minLabelFraction: true,
};

/**
 * Differences between two clip settings / class lists, as "`option` old → new" strings (the
 * option in backticks, as in every core message); empty when a re-run may add to the existing
 * data set.
 */
export function settingsDifferences(old: DatasetManifest, clip: ClipSettings, classNames: readonly string[], labels: string): string[] {
  const diffs: string[] = [];
  for (const key of Object.keys(CLIP_SETTINGS) as Array<keyof ClipSettings>) {
    const a = JSON.stringify(old.clip[key]);
    const b = JSON.stringify(clip[key]);
    if (a !== b) diffs.push(`\`${key}\` ${a} → ${b}`);
  }
  if (JSON.stringify(old.classNames) !== JSON.stringify(classNames)) diffs.push('class names differ');
  if (old.labels !== labels) diffs.push(`\`labels\` ${old.labels} → ${labels}`);
  return diffs;
}
