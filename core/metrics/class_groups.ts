/**
 * Which classes the metrics cover: the `metricGroups` option in its text form (the CLI's
 * --metric_weights). A name from the original project's tables (metric_weights_96.py for 96
 * classes, metric_weights_204.py for 204) restricts the plain metrics — `auc`, `precision`,
 * `recall`, `f1` — to that group, as the original's weight masks do. Two extensions add per-group
 * metrics beside the plain ones instead: `fra96` (every group of the 96-class table) and groups
 * written `name:1-5,8;other:6-29` (0-based class indices, inclusive ranges).
 */
import type { MetricGroup } from './metrics.ts';

/** What the text selects. */
export interface MetricWeights {
  /** The plain metrics cover these classes only (the original's group names). */
  scope?: MetricGroup;
  /** Extra metrics per group, reported as `<group>_<metric>`. */
  groups: MetricGroup[];
}

/** One of the original's tables: a file, the class count its masks are sized for, its groups. */
interface OriginalTable {
  file: string;
  numClasses: number;
  groups: MetricGroup[];
}

/** Classes lower..upper-1: the original writes its masks as half-open slices. */
const slice = (lower: number, upper: number) => Array.from({ length: upper - lower }, (_, i) => lower + i);

export const ORIGINAL_TABLES: readonly OriginalTable[] = [
  {
    file: 'metric_weights_96',
    numClasses: 96,
    groups: [
      { name: 'gate', classes: slice(1, 6) },
      { name: 'trn', classes: slice(6, 30) },
      { name: 'veh', classes: slice(30, 66) },
      { name: 'ped', classes: slice(66, 96) },
      { name: 'ped_in_crossing', classes: [...slice(66, 70), ...slice(78, 96)] },
      { name: 'ped_not_in_crossing', classes: slice(70, 78) },
    ],
  },
  {
    file: 'metric_weights_204',
    numClasses: 204,
    groups: [
      { name: 'gate', classes: slice(1, 6) },
      { name: 'trn', classes: slice(6, 30) },
      { name: 'veh', classes: slice(30, 66) },
      { name: 'cyc', classes: slice(66, 132) },
      { name: 'ped', classes: slice(132, 204) },
    ],
  },
];

/** `fra96`: every group of the 96-class table, each reported beside the overall metrics. */
export const FRA96_GROUPS: MetricGroup[] = ORIGINAL_TABLES[0].groups;

const CUSTOM_FORM = 'name:1-5;other:6-29';

/** Groups written `name:1-5,8;other:6-29`. */
export function parseMetricGroups(spec: string): MetricGroup[] {
  return spec.split(';').map((part) => {
    const m = /^\s*([A-Za-z0-9_]+)\s*:\s*([0-9,\-\s]+)$/.exec(part);
    if (!m) throw new Error(`\`metricGroups\`: cannot read group "${part}" (expected ${CUSTOM_FORM})`);
    const classes = m[2].split(',').flatMap((r) => {
      const [a, b] = r.split('-').map((x) => Number(x.trim()));
      if (!Number.isInteger(a) || (b !== undefined && (!Number.isInteger(b) || b < a))) {
        throw new Error(`\`metricGroups\`: bad class range "${r.trim()}" in group ${m[1]}`);
      }
      return b === undefined ? [a] : slice(a, b + 1);
    });
    return { name: m[1], classes };
  });
}

/** Every valid name, for the error that refuses an unknown one. */
function validNames(): string {
  const tables = ORIGINAL_TABLES.map((t) => `${t.groups.map((g) => g.name).join(', ')} (${t.file}, ${t.numClasses} classes)`);
  return `${tables.join('; ')}; fra96; or your own groups as ${CUSTOM_FORM}`;
}

/** The option's text for a model of `numClasses` classes; empty: overall metrics only. */
export function parseMetricWeights(spec: string | undefined, numClasses: number): MetricWeights {
  const text = spec?.trim() ?? '';
  if (text === '') return { groups: [] };
  if (text === 'fra96') return { groups: FRA96_GROUPS };
  if (text.includes(':')) return { groups: parseMetricGroups(text) };
  const table = ORIGINAL_TABLES.find((t) => t.numClasses === numClasses);
  const scope = table?.groups.find((g) => g.name === text);
  if (scope) return { scope, groups: [] };
  const known = ORIGINAL_TABLES.some((t) => t.groups.some((g) => g.name === text));
  const why = known
    ? table
      ? `not a group of ${table.file}, the table for ${numClasses} classes`
      : `the original's groups are sized for 96 or 204 classes, and \`numClasses\` is ${numClasses}`
    : 'no such group';
  throw new Error(`\`metricGroups\` ${text}: ${why}. Valid: ${validNames()}`);
}
