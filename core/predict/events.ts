/**
 * Events from a timeline: for each class, every run of consecutive windows whose probability is
 * at least `threshold` becomes one segment, from the run's first window start to its last
 * window end, with the run's peak and mean probability. Segments shorter than
 * `minEventSeconds` are dropped. Backend-neutral, so the CLI and the web app segment alike.
 */
import type { Timeline, TimelineWindow } from './timeline.ts';

/** How windows become events. */
export interface EventOptions {
  /** A window counts for a class when its probability is ≥ this; in (0, 1], default 0.5. */
  threshold: number;
  /** Segments shorter than this many seconds are dropped; default 0 (keep all). */
  minEventSeconds: number;
}

export const DEFAULT_EVENT_OPTIONS: EventOptions = { threshold: 0.5, minEventSeconds: 0 };

/** One event: a run of windows over the threshold for one class. */
export interface EventSegment {
  startSeconds: number;
  endSeconds: number;
  startFrame: number;
  endFrame: number;
  /** Windows in the run. */
  windows: number;
  /** Highest probability in the run, and where its window starts. */
  peak: number;
  peakSeconds: number;
  /** Mean probability over the run's windows. */
  mean: number;
}

/** A class's events, in time order. */
export interface ClassEvents {
  classIndex: number;
  className: string;
  events: EventSegment[];
}

/** Checks `options`; throws naming the option (`threshold`, `minEventSeconds`). */
export function checkEventOptions(options: EventOptions): void {
  if (!(options.threshold > 0 && options.threshold <= 1)) throw new RangeError(`\`threshold\` must be in (0, 1], got ${options.threshold}`);
  if (!(options.minEventSeconds >= 0)) throw new RangeError(`\`minEventSeconds\` must be ≥ 0, got ${options.minEventSeconds}`);
}

function segment(run: TimelineWindow[], k: number): EventSegment {
  let peakAt = 0;
  let sum = 0;
  run.forEach((w, i) => {
    sum += w.probabilities[k];
    if (w.probabilities[k] > run[peakAt].probabilities[k]) peakAt = i;
  });
  const first = run[0];
  const last = run[run.length - 1];
  return {
    startSeconds: first.startSeconds,
    endSeconds: last.endSeconds,
    startFrame: first.startFrame,
    endFrame: last.endFrame,
    windows: run.length,
    peak: run[peakAt].probabilities[k],
    peakSeconds: run[peakAt].startSeconds,
    mean: sum / run.length,
  };
}

/** The events of class `k` over `windows` (in time order). */
export function classEvents(windows: readonly TimelineWindow[], k: number, options: EventOptions): EventSegment[] {
  const out: EventSegment[] = [];
  let run: TimelineWindow[] = [];
  const close = () => {
    if (run.length === 0) return;
    const s = segment(run, k);
    if (s.endSeconds - s.startSeconds >= options.minEventSeconds) out.push(s);
    run = [];
  };
  for (const w of windows) {
    if (w.probabilities[k] >= options.threshold) run.push(w);
    else close();
  }
  close();
  return out;
}

/** Every class's events (classes without any are listed with an empty list). */
export function timelineEvents(t: Timeline, options: EventOptions = DEFAULT_EVENT_OPTIONS): ClassEvents[] {
  checkEventOptions(options);
  return t.classNames.map((className, classIndex) => ({ classIndex, className, events: classEvents(t.windows, classIndex, options) }));
}

/** The events as JSON (format `s3dg-events`, version 1), with the rule that made them. */
export function eventsJson(t: Timeline, events: ClassEvents[], options: EventOptions): string {
  return `${JSON.stringify(
    {
      format: 's3dg-events',
      version: 1,
      video: t.video,
      threshold: options.threshold,
      minEventSeconds: options.minEventSeconds,
      classes: events,
    },
    null,
    1,
  )}\n`;
}
