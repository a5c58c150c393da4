/**
 * The evaluation metrics a model directory recorded for one global step: the scalars the
 * Estimator writes to `<model_dir>/eval/events.out.tfevents.*` (`loss`, `Metrics/eval/<name>`),
 * for the web model's provenance.
 */
import type { Platform } from '../platform.ts';
import { readEvents } from '../formats/event_reader.ts';

/** Metrics at `step` by short name (auc, precision, …, loss); null when none were recorded. */
export async function evalMetricsAt(platform: Platform, modelDir: string, step: number): Promise<Record<string, number> | null> {
  const dir = platform.join(modelDir, 'eval');
  const files = (await platform.listDir(dir)).filter((f) => f.startsWith('events.out.tfevents.')).sort();
  const metrics: Record<string, number> = {};
  for (const file of files) {
    try {
      const onTruncatedEnd = (problem: Error) => platform.log(`${problem.message} (skipped)`);
      for await (const e of readEvents(await platform.readFile(platform.join(dir, file)), { source: file, onTruncatedEnd })) {
        if (e.kind !== 'summary' || e.step !== step) continue;
        for (const v of e.summary ?? []) {
          if (v.kind !== 'scalar') continue;
          if (v.tag === 'loss') metrics.loss = v.value;
          else if (v.tag.startsWith('Metrics/eval/')) metrics[v.tag.slice('Metrics/eval/'.length)] = v.value;
        }
      }
    } catch {
      // A damaged or still-growing event file adds nothing; provenance is best effort.
    }
  }
  return Object.keys(metrics).length > 0 ? metrics : null;
}
