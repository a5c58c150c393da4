/**
 * The input pipeline as async iterables, the counterpart of the original `input_fn`:
 * TFRecord sources → checked clip records → (train) file-order shuffle, interleave, shuffle
 * buffer, repeat → preprocessing (colour distortion for training) → batches → prefetch.
 *
 * It yields typed arrays, never tensors, so it can feed any backend and run its preprocessing
 * in worker threads (pass `preprocess`); the trainer turns each batch into tensors.
 */
import { interleave, mapOrdered, prefetch, shuffleBuffer } from './async_stages.ts';
import { readClipRecords } from './clip_records.ts';
import type { ClipRecord, RecordRef, RecordSource } from './clip_records.ts';
import { checkSpec, clipSize } from './clip_spec.ts';
import type { ClipSpec } from './clip_spec.ts';
import { DEFAULT_DISTORTION_RANGES, sampleColorDistortion } from './color_distortion.ts';
import type { ColorDistortion, ColorDistortionRanges } from './color_distortion.ts';
import { preprocessClip } from './preprocess.ts';
import { Rng } from './rng.ts';

/** One batch. B ≤ batchSize only for the last batch of an eval pass. */
export interface ClipBatch {
  /** Network input in [-1, 1], [B, T, H, W, C]. */
  clips: Float32Array;
  /** Multi-hot labels as 0/1 floats, [B, K]. */
  labels: Float32Array;
  /** Where each example came from, in batch order. */
  sources: RecordRef[];
  /** B, the number of examples in this batch. */
  size: number;
  /** Epoch (0-based) of the batch's last example. */
  epoch: number;
}

/**
 * Turns one stored clip into network input; `distortion` is null for eval. The default runs
 * {@link preprocessClip} on this thread; Node passes a worker-thread pool instead.
 */
export type ClipPreprocessor = (clip: Uint8Array, distortion: ColorDistortion | null) => Float32Array | Promise<Float32Array>;

export interface InputPipelineOptions {
  /** TFRecord files (or other byte streams) to read. */
  sources: readonly RecordSource[];
  spec: ClipSpec;
  batchSize: number;
  /** 'train': shuffle, distort, repeat, full batches only. 'eval': files in order, one pass, no distortion. */
  mode: 'train' | 'eval';
  /** Seeds file order, shuffle buffer and distortions (default 0). */
  seed?: number;
  /** Passes over the data; default Infinity for train, 1 for eval. */
  epochs?: number;
  /** Clips held by the shuffle buffer (default 32; each 64×224×224×3 clip is 9.6 MB). */
  shuffleBuffer?: number;
  /** Files read at once in train mode, so the buffer mixes videos (default 4). */
  cycleLength?: number;
  /** Batches prepared ahead of the consumer (default 2). */
  prefetchBatches?: number;
  /** Preprocessing calls in flight (default 1; set to the worker count). */
  parallelism?: number;
  preprocess?: ClipPreprocessor;
  /** Keep the last, smaller batch (default: train false, eval true). */
  keepRemainder?: boolean;
  distortionRanges?: ColorDistortionRanges;
  compression?: 'NONE' | 'GZIP';
}

interface Prepared {
  clip: Float32Array;
  record: ClipRecord;
  epoch: number;
}

/** The checked records of one epoch: in train mode, files in a seeded random order and interleaved. */
function epochRecords(options: InputPipelineOptions, rng: Rng): AsyncIterable<ClipRecord> {
  const read = (s: RecordSource) => readClipRecords(s, options.spec, options.compression);
  if (options.mode === 'eval') return interleave(options.sources, read, 1);
  const order = rng.shuffle([...options.sources]);
  const records = interleave(order, read, options.cycleLength ?? 4);
  return shuffleBuffer(records, options.shuffleBuffer ?? 32, rng);
}

/** Records with their epoch number, epoch after epoch. */
async function* repeatedRecords(options: InputPipelineOptions, rng: Rng): AsyncGenerator<{ record: ClipRecord; epoch: number }> {
  const epochs = options.epochs ?? (options.mode === 'train' ? Infinity : 1);
  for (let epoch = 0; epoch < epochs; epoch++) {
    let count = 0;
    for await (const record of epochRecords(options, rng)) {
      count++;
      yield { record, epoch };
    }
    if (count === 0) throw new Error(`no records in ${options.sources.map((s) => s.name).join(', ') || 'an empty source list'}`);
  }
}

/** Batches prepared clips: copies each into a [B, T, H, W, C] buffer, labels into [B, K]. */
async function* batchClips(input: AsyncIterable<Prepared>, options: InputPipelineOptions): AsyncGenerator<ClipBatch> {
  const { spec, batchSize } = options;
  const size = clipSize(spec);
  const keepRemainder = options.keepRemainder ?? options.mode === 'eval';
  let clips = new Float32Array(batchSize * size);
  let labels = new Float32Array(batchSize * spec.numClasses);
  let sources: RecordRef[] = [];
  let epoch = 0;
  for await (const item of input) {
    const b = sources.length;
    clips.set(item.clip, b * size);
    for (let k = 0; k < spec.numClasses; k++) labels[b * spec.numClasses + k] = item.record.label[k] ? 1 : 0;
    sources.push(item.record.ref);
    epoch = item.epoch;
    if (sources.length === batchSize) {
      yield { clips, labels, sources, size: batchSize, epoch };
      clips = new Float32Array(batchSize * size);
      labels = new Float32Array(batchSize * spec.numClasses);
      sources = [];
    }
  }
  const b = sources.length;
  if (b > 0 && keepRemainder) {
    yield { clips: clips.subarray(0, b * size), labels: labels.subarray(0, b * spec.numClasses), sources, size: b, epoch };
  }
}

/**
 * Builds the pipeline. Iterate it with `for await`; stopping early closes the files.
 * Throws (when iterated) RecordShapeError for a record that does not match `spec`.
 */
export function inputPipeline(options: InputPipelineOptions): AsyncGenerator<ClipBatch> {
  checkSpec(options.spec);
  if (!Number.isInteger(options.batchSize) || options.batchSize <= 0)
    throw new RangeError(`\`batchSize\` must be a positive integer, got ${options.batchSize}`);
  if (options.sources.length === 0) throw new Error('input pipeline: no record sources given');
  const rng = new Rng(options.seed ?? 0);
  const shape = { height: options.spec.frameHeight, width: options.spec.frameWidth, channels: options.spec.channels };
  const preprocess: ClipPreprocessor = options.preprocess ?? ((clip, d) => preprocessClip(clip, shape, d));
  const ranges = options.distortionRanges ?? DEFAULT_DISTORTION_RANGES;
  const train = options.mode === 'train';
  // Distortions are drawn here, in stream order, so results do not depend on which worker runs
  // them; from their own generator, so the record order does not depend on them.
  const distortionRng = new Rng(rng.seed());
  const withDistortion = async function* () {
    for await (const { record, epoch } of repeatedRecords(options, rng)) {
      yield { record, epoch, distortion: train ? sampleColorDistortion(distortionRng, ranges) : null };
    }
  };
  const prepared = mapOrdered(
    withDistortion(),
    async ({ record, epoch, distortion }): Promise<Prepared> => ({ clip: await preprocess(record.clip, distortion), record, epoch }),
    options.parallelism ?? 1,
  );
  return prefetch(batchClips(prepared, options), options.prefetchBatches ?? 2);
}
