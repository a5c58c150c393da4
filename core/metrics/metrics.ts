/**
 * The original trainer's evaluation metrics for multi-label clips: AUC, precision, recall and F1
 * over a whole data set, on rounded predictions (p > 0.5, as tf.round), micro-averaged over
 * every (clip, class) pair — what tf.metrics.* compute on flattened tensors — overall and per
 * class group (`metricGroups`: a group's metrics weight only its classes).
 * Pure arithmetic on typed arrays: runs anywhere, testable by hand.
 */

/** A named set of 0-based class indices. */
export interface MetricGroup {
  name: string;
  classes: number[];
}

/** Confusion counts of rounded predictions. */
export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface MetricValues {
  auc: number;
  precision: number;
  recall: number;
  f1: number;
}

// tf.metrics.auc's constants: 200 thresholds, epsilon 1e-7, trapezoidal ROC.
const NUM_THRESHOLDS = 200;
const EPSILON = 1e-7;

/**
 * tf.metrics.auc (ROC, 200 thresholds, trapezoidal) for predictions that are 0 or 1: the
 * lowest threshold counts every pair as positive, the middle ones exactly the rounded
 * positives, the highest none.
 */
export function aucOfRounded(c: Confusion): number {
  const positives = c.tp + c.fn;
  const negatives = c.fp + c.tn;
  const points: Array<[number, number]> = []; // (tp, fp) per threshold, highest recall first
  points.push([positives, negatives]);
  for (let i = 1; i < NUM_THRESHOLDS - 1; i++) points.push([c.tp, c.fp]);
  points.push([0, 0]);
  const tpr = points.map(([tp]) => (tp + EPSILON) / (positives + EPSILON));
  const fpr = points.map(([, fp]) => fp / (negatives + EPSILON));
  let auc = 0;
  for (let i = 0; i < points.length - 1; i++) auc += ((fpr[i] - fpr[i + 1]) * (tpr[i] + tpr[i + 1])) / 2;
  return auc;
}

export function metricValues(c: Confusion): MetricValues {
  const precision = c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 0;
  const recall = c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { auc: aucOfRounded(c), precision, recall, f1 };
}

/** Streams batches in, reports metrics over everything seen. */
export class MultiLabelMetrics {
  private readonly counts: Float64Array; // per class: tp, fp, fn, tn

  constructor(
    readonly numClasses: number,
    readonly groups: readonly MetricGroup[] = [],
  ) {
    for (const g of groups) {
      const bad = g.classes.find((k) => !Number.isInteger(k) || k < 0 || k >= numClasses);
      if (bad !== undefined) throw new Error(`metric group ${g.name}: class ${bad} is outside 0..${numClasses - 1}`);
    }
    this.counts = new Float64Array(numClasses * 4);
  }

  /** probabilities, labels: [batch, numClasses] flattened. */
  update(probabilities: ArrayLike<number>, labels: ArrayLike<number>): void {
    const k = this.numClasses;
    if (probabilities.length !== labels.length || probabilities.length % k !== 0) {
      throw new Error(`metrics: ${probabilities.length} predictions and ${labels.length} labels do not make [batch, ${k}]`);
    }
    for (let i = 0; i < probabilities.length; i++) {
      const predicted = probabilities[i] > 0.5;
      const actual = labels[i] > 0.5;
      const slot = (i % k) * 4 + (predicted ? (actual ? 0 : 1) : actual ? 2 : 3);
      this.counts[slot]++;
    }
  }

  /** Summed confusion over `classes` (all by default). */
  confusion(classes?: readonly number[]): Confusion {
    const c: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
    const list = classes ?? Array.from({ length: this.numClasses }, (_, i) => i);
    for (const k of list) {
      c.tp += this.counts[k * 4];
      c.fp += this.counts[k * 4 + 1];
      c.fn += this.counts[k * 4 + 2];
      c.tn += this.counts[k * 4 + 3];
    }
    return c;
  }

  /** `auc`, `precision`, `recall`, `f1`, then `<group>_auc`, … for every group. */
  result(): Record<string, number> {
    const out: Record<string, number> = { ...metricValues(this.confusion()) };
    for (const g of this.groups) {
      for (const [key, value] of Object.entries(metricValues(this.confusion(g.classes)))) out[`${g.name}_${key}`] = value;
    }
    return out;
  }

  reset(): void {
    this.counts.fill(0);
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The original project's groups for its 96-class set (0-based class indices). */
export const FRA96_GROUPS: MetricGroup[] = [
  { name: 'gate', classes: range(1, 5) },
  { name: 'trn', classes: range(6, 29) },
  { name: 'veh', classes: range(30, 65) },
  { name: 'ped', classes: range(66, 95) },
  { name: 'ped_in_crossing', classes: [...range(66, 69), ...range(78, 95)] },
  { name: 'ped_not_in_crossing', classes: range(70, 77) },
];

/**
 * The `metricGroups` option from its text form (the CLI's --metric_weights): `fra96` (the groups
 * above), or groups written `name:1-5,8;other:6-29` (0-based class indices, inclusive ranges).
 * Empty: overall metrics only.
 */
export function parseMetricGroups(spec: string | undefined): MetricGroup[] {
  if (!spec) return [];
  if (spec === 'fra96') return FRA96_GROUPS;
  return spec.split(';').map((part) => {
    const m = /^\s*([A-Za-z0-9_]+)\s*:\s*([0-9,\-\s]+)$/.exec(part);
    if (!m) throw new Error(`\`metricGroups\`: cannot read group "${part}" (expected name:1-5,8)`);
    const classes = m[2].split(',').flatMap((r) => {
      const [a, b] = r.split('-').map((x) => Number(x.trim()));
      if (!Number.isInteger(a) || (b !== undefined && (!Number.isInteger(b) || b < a))) {
        throw new Error(`\`metricGroups\`: bad class range "${r.trim()}" in group ${m[1]}`);
      }
      return b === undefined ? [a] : range(a, b);
    });
    return { name: m[1], classes };
  });
}
