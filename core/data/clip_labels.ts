/**
 * Labels for clips cut from longer videos. A video's labels come in one of three forms, all
 * reduced to the same rule: a class is on for a clip when it is on at at least `minFraction`
 * of the clip's frame times (frame centres, in seconds from the start of the video).
 *
 * - 'clip':   one multi-hot label for the whole video (an .npy of shape [K], or a CSV/JSON
 *             list of class names) — every clip gets it, as the original per-clip videos did.
 * - 'frames': per-frame labels [N, K] at the source frame rate (an .npy of shape [N, K]).
 * - 'ranges': labelled time ranges (start, end seconds, class) from a CSV or JSON file.
 */
import type { NpyArray } from './npy.ts';

/** A labelled time range: class `classIndex` is on for start ≤ t < end (seconds). */
export interface LabelRange {
  start: number;
  end: number;
  classIndex: number;
}

/** One video's labels, in one of the three forms above. */
export type VideoLabels =
  | { kind: 'clip'; label: Uint8Array }
  | { kind: 'frames'; fps: number; frameCount: number; numClasses: number; frames: Uint8Array }
  | { kind: 'ranges'; ranges: LabelRange[] };

/**
 * Turns an .npy label array into VideoLabels: shape [K] → 'clip', [N, K] → 'frames' at `fps`
 * (the source video's rate). Values above 0.5 count as on, so float scores work too.
 */
export function labelsFromNpy(array: NpyArray, numClasses: number, fps: number, source: string): VideoLabels {
  const k = array.shape[array.shape.length - 1];
  if (array.shape.length < 1 || array.shape.length > 2 || k !== numClasses) {
    throw new Error(
      `${source}: label array has shape (${array.shape.join(', ')}), expected (${numClasses},) or (frames, ${numClasses}) for ${numClasses} classes`,
    );
  }
  const bits = Uint8Array.from(array.data, (v) => (v > 0.5 ? 1 : 0));
  if (array.shape.length === 1) return { kind: 'clip', label: bits };
  return { kind: 'frames', fps, frameCount: array.shape[0], numClasses, frames: bits };
}

/** Centre times (seconds) of `length` frames starting at frame `first`, at `fps` frames per second. */
export function frameTimes(first: number, length: number, fps: number): number[] {
  return Array.from({ length }, (_, i) => (first + i + 0.5) / fps);
}

/**
 * The clip's multi-hot label: class k is on when it is on at ≥ minFraction of `times`
 * (0 < minFraction ≤ 1; 0.5 = at least half of the clip).
 */
export function clipLabel(labels: VideoLabels, times: readonly number[], numClasses: number, minFraction = 0.5): Uint8Array {
  if (labels.kind === 'clip') return labels.label.slice();
  const counts = new Uint32Array(numClasses);
  for (const t of times) {
    if (labels.kind === 'frames') {
      const f = Math.min(Math.max(Math.floor(t * labels.fps), 0), labels.frameCount - 1);
      for (let k = 0; k < numClasses; k++) counts[k] += labels.frames[f * numClasses + k];
    } else {
      const on = new Uint8Array(numClasses);
      for (const r of labels.ranges) if (t >= r.start && t < r.end) on[r.classIndex] = 1;
      for (let k = 0; k < numClasses; k++) counts[k] += on[k];
    }
  }
  const need = Math.max(1, Math.ceil(minFraction * times.length - 1e-9));
  return Uint8Array.from(counts, (c) => (c >= need ? 1 : 0));
}
