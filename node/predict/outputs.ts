/**
 * A video's outputs in `--output_dir`, named after its name relative to its input root:
 * `<name>.timeline.csv`, `<name>.timeline.json` and `<name>.events.json` (sub-folders kept). Each
 * is written whole under a temporary name and renamed; a video is done when all three exist.
 */
import { join } from 'node:path';
import { eventsJson, type ClassEvents, type EventOptions, timelineCsv, timelineJson, type Timeline } from '../../core/index.ts';
import { nodePlatform } from '../platform.ts';

export interface VideoOutputs {
  timelineCsv: string;
  timelineJson: string;
  events: string;
}

export function videoOutputs(outputDir: string, name: string): VideoOutputs {
  return {
    timelineCsv: join(outputDir, `${name}.timeline.csv`),
    timelineJson: join(outputDir, `${name}.timeline.json`),
    events: join(outputDir, `${name}.events.json`),
  };
}

/** True when every output of the video exists (an earlier run finished it). */
export async function outputsComplete(o: VideoOutputs): Promise<boolean> {
  for (const p of [o.timelineCsv, o.timelineJson, o.events]) if (!(await nodePlatform.exists(p))) return false;
  return true;
}

/** Writes the three files; the events last, so a video counts as done only once all are whole. */
export async function writeVideoOutputs(o: VideoOutputs, t: Timeline, events: ClassEvents[], options: EventOptions): Promise<void> {
  const text = (s: string) => new TextEncoder().encode(s);
  await nodePlatform.writeFileAtomic(o.timelineCsv, text(timelineCsv(t)));
  await nodePlatform.writeFileAtomic(o.timelineJson, text(timelineJson(t)));
  await nodePlatform.writeFileAtomic(o.events, text(eventsJson(t, events, options)));
}
