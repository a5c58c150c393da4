/**
 * The original trainer's evaluation metrics for multi-label clips: AUC, precision, recall and F1
 * over a whole data set, on rounded predictions (p > 0.5, as tf.round), micro-averaged over
 * every (clip, class) pair — what tf.metrics.* compute on flattened tensors — over every class
 * or only a `scope` of them (the original's weight masks), and per class group (a group's
 * metrics weight only its classes; which groups: class_groups.ts).
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
    /** The classes the plain metrics cover (default: all). */
    readonly scope?: MetricGroup,
  ) {
    for (const g of scope ? [...groups, scope] : groups) {
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

  /** `auc`, `precision`, `recall`, `f1` (over the scope's classes), then `<group>_auc`, … for every group. */
  result(): Record<string, number> {
    const out: Record<string, number> = { ...metricValues(this.confusion(this.scope?.classes)) };
    for (const g of this.groups) {
      for (const [key, value] of Object.entries(metricValues(this.confusion(g.classes)))) out[`${g.name}_${key}`] = value;
    }
    return out;
  }

  reset(): void {
    this.counts.fill(0);
  }
}
