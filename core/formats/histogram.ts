/**
 * TF1 histograms (what `tf.summary.histogram` writes, HistogramProto): TF's default bucket
 * edges are ±1e-12·1.1^k up to below 1e20, mirrored for negatives, with 0 between them and
 * ±DBL_MAX at the ends. Empty runs of buckets are collapsed into one zero bucket as TF does.
 */
import type { HistogramProto } from './proto/summary.ts';

const DBL_MAX = Number.MAX_VALUE;

function defaultEdges(): Float64Array {
  const positive: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) positive.push(v);
  positive.push(DBL_MAX);
  const negative = positive.map((v) => -v).reverse();
  return Float64Array.from([...negative, 0, ...positive]);
}

/** TF's default bucket limits (upper edges), ascending; the first is -DBL_MAX and the last DBL_MAX. */
export const DEFAULT_BUCKET_LIMITS: Float64Array = defaultEdges();

/** Index of the first limit greater than v (TF's upper_bound), clamped to the last bucket. */
function bucketOf(limits: Float64Array, v: number): number {
  let lo = 0;
  let hi = limits.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (limits[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, limits.length - 1);
}

/**
 * A HistogramProto of `values` with TF's default buckets: exact min, max, num, sum and
 * sum_squares; NaN values are rejected (TF refuses them too).
 */
export function histogramOf(values: ArrayLike<number>, limits: Float64Array = DEFAULT_BUCKET_LIMITS): HistogramProto {
  const counts = new Float64Array(limits.length);
  let min = DBL_MAX;
  let max = -DBL_MAX;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) throw new RangeError(`histogram value ${i} is NaN`);
    counts[bucketOf(limits, v)]++;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
  }
  const bucketLimit: number[] = [];
  const bucket: number[] = [];
  for (let i = 0; i < counts.length; ) {
    let end = limits[i];
    let count = counts[i];
    i++;
    if (count <= 0) {
      while (i < counts.length && counts[i] <= 0) {
        end = limits[i];
        count = counts[i];
        i++;
      }
    }
    bucketLimit.push(end);
    bucket.push(count);
  }
  return { min, max, num: values.length, sum, sumSquares, bucketLimit, bucket };
}
