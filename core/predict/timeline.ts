/**
 * A video's timeline: one row per model window (a `clipLength`-frame clip whose starts are
 * `stride` frames apart) with its time span and every class's probability. The CLI
 * (`s3dg predict`) and the web app place windows in time with the same rule, so a window's
 * seconds and frames mean the same on both; the CSV and JSON forms are written here once.
 */

/** One window of a timeline. */
export interface TimelineWindow {
  /** First frame (index in the decoded stream) and one past the last: [startFrame, endFrame). */
  startFrame: number;
  endFrame: number;
  /** Time span in seconds: startFrame / fps to endFrame / fps. */
  startSeconds: number;
  endSeconds: number;
  /** Probability of each class, in label order (sigmoid or softmax, as the model predicts). */
  probabilities: ArrayLike<number>;
  /** The video was shorter than one clip and its last frame was repeated to fill it. */
  padded: boolean;
}

/** Every window of one video, with what it takes to read them. */
export interface Timeline {
  /** The video as named to the user (a path relative to its input folder). */
  video: string;
  /** Decoded frames per second: the seconds above are frames divided by this. */
  fps: number;
  clipLength: number;
  stride: number;
  classNames: string[];
  windows: TimelineWindow[];
}

/** Where window `start` of `clipLength` frames lies in time at `fps` (what the web app shows too). */
export function windowSpan(
  start: number,
  clipLength: number,
  fps: number,
): Pick<TimelineWindow, 'startFrame' | 'endFrame' | 'startSeconds' | 'endSeconds'> {
  return { startFrame: start, endFrame: start + clipLength, startSeconds: start / fps, endSeconds: (start + clipLength) / fps };
}

/** Windows a video of `frames` frames gives (clip_windows.ts's rule: one padded window when shorter than a clip). */
export function windowCount(frames: number, clipLength: number, stride: number): number {
  if (frames <= 0) return 0;
  if (frames < clipLength) return 1;
  return Math.floor((frames - clipLength) / stride) + 1;
}

/** A CSV field: quoted when it holds a comma, quote or line break. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Seconds with millisecond-and-better precision but no float noise (1.2000000000000002 → 1.2). */
function seconds(x: number): number {
  return Number(x.toFixed(6));
}

/**
 * The timeline as CSV: a header `start_seconds,end_seconds,start_frame,end_frame,padded,<class…>`
 * and one line per window; probabilities exactly as the model gave them (float32 values, printed in full).
 */
export function timelineCsv(t: Timeline): string {
  const header = ['start_seconds', 'end_seconds', 'start_frame', 'end_frame', 'padded', ...t.classNames].map(csvField).join(',');
  const lines = t.windows.map((w) =>
    [seconds(w.startSeconds), seconds(w.endSeconds), w.startFrame, w.endFrame, w.padded ? 1 : 0, ...Array.from(w.probabilities)].join(','),
  );
  return `${[header, ...lines].join('\n')}\n`;
}

/** The timeline as JSON (format `s3dg-timeline`, version 1): settings, class names, windows. */
export function timelineJson(t: Timeline): string {
  return `${JSON.stringify(
    {
      format: 's3dg-timeline',
      version: 1,
      video: t.video,
      fps: t.fps,
      clipLength: t.clipLength,
      stride: t.stride,
      classNames: t.classNames,
      windows: t.windows.map((w) => ({
        startSeconds: seconds(w.startSeconds),
        endSeconds: seconds(w.endSeconds),
        startFrame: w.startFrame,
        endFrame: w.endFrame,
        padded: w.padded,
        probabilities: Array.from(w.probabilities),
      })),
    },
    null,
    1,
  )}\n`;
}

/** Reads a timeline written by {@link timelineJson}; throws naming `source` when it is not one. */
export function parseTimelineJson(text: string, source = 'timeline.json'): Timeline {
  let parsed: Timeline & { format?: string; version?: number };
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message})`);
  }
  if (parsed.format !== 's3dg-timeline' || parsed.version !== 1 || !Array.isArray(parsed.windows) || !Array.isArray(parsed.classNames)) {
    throw new Error(`${source}: not an s3dg timeline (format s3dg-timeline, version 1)`);
  }
  return parsed;
}
