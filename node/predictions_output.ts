import { mkdir } from 'node:fs/promises';
import { nodePlatform } from './platform.ts';
import { join } from 'node:path';
import type { Prediction } from '../core/tfjs/index.ts';

/** One clip's prediction as written to predictions-<step>.json. */
export interface PredictionRow {
  file: string;
  index: number;
  /** Classes with probability > 0.5. */
  class_ids: number[];
  probabilities: Record<string, number>;
  /** |probability − label| per class, when the record has labels. */
  absolute_errors?: Record<string, number>;
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `<dir>/<name>`, or `<name>-2`, `-3`, … where an earlier run's .csv or .json already is: predictions are never overwritten. */
async function freeBase(dir: string, name: string): Promise<string> {
  for (let n = 1; ; n++) {
    const base = join(dir, n === 1 ? name : `${name}-${n}`);
    if (!(await nodePlatform.exists(`${base}.csv`)) && !(await nodePlatform.exists(`${base}.json`))) return base;
  }
}

/**
 * Writes `<modelDir>/predictions-<step>.csv` and `.json` (`predictions-<step>-<n>.*` beside an
 * earlier run's at the same step): per clip its record file and index,
 * the predicted class ids, every class's probability and, where labels exist, absolute errors.
 */
export async function writePredictions(
  modelDir: string,
  step: number,
  predictions: Prediction[],
  names: string[],
): Promise<{ csv: string; json: string }> {
  const rows: PredictionRow[] = predictions.map((p) => {
    const probabilities: Record<string, number> = {};
    names.forEach((n, k) => (probabilities[n] = p.probabilities[k]));
    const row: PredictionRow = {
      file: p.source.file,
      index: p.source.index,
      class_ids: names.map((_, k) => k).filter((k) => p.probabilities[k] > 0.5),
      probabilities,
    };
    if (p.labels) {
      row.absolute_errors = {};
      names.forEach((n, k) => (row.absolute_errors![n] = Math.abs(p.probabilities[k] - p.labels![k])));
    }
    return row;
  });
  const hasErrors = rows.some((r) => r.absolute_errors);
  const header = [
    'file',
    'index',
    'class_ids',
    ...names.map((n) => `${n}_probability`),
    ...(hasErrors ? names.map((n) => `${n}_abs_error`) : []),
  ];
  const lines = [header.map(csvCell).join(',')];
  for (const r of rows) {
    const cells: (string | number)[] = [r.file, r.index, r.class_ids.join(' '), ...names.map((n) => r.probabilities[n])];
    if (hasErrors) cells.push(...names.map((n) => r.absolute_errors?.[n] ?? ''));
    lines.push(cells.map(csvCell).join(','));
  }
  await mkdir(modelDir, { recursive: true });
  const base = await freeBase(modelDir, `predictions-${step}`);
  const csv = `${base}.csv`;
  const json = `${base}.json`;
  await nodePlatform.writeFileAtomic(csv, new TextEncoder().encode(`${lines.join('\n')}\n`));
  await nodePlatform.writeFileAtomic(
    json,
    new TextEncoder().encode(`${JSON.stringify({ global_step: step, classes: names, predictions: rows }, null, 1)}\n`),
  );
  return { csv, json };
}
