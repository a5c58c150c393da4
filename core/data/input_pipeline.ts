/**
 * The input pipeline as async iterables, the counterpart of the original `input_fn`:
 * TFRecord sources → checked clip records → (train) file-order shuffle, interleave, shuffle
 * buffer, repeat → preprocessing (colour distortion for training) → batches → prefetch.
 *
 * It yields typed arrays, never tensors, so it can feed any backend and run its preprocessing
 * in worker threads (pass `preprocess`); the trainer turns each batch into tensors.
 */
import { interleave, mapOrdered, prefetch, type PrefetchDepth } from './async_stages.ts';
import { readClipRecords } from './clip_records.ts';
import type { ClipRecord, RecordRef, RecordSource } from './clip_records.ts';
import { checkSpec, clipSize } from './clip_spec.ts';
import type { ClipSpec } from './clip_spec.ts';
import { DEFAULT_DISTORTION_RANGES, sampleColorDistortion } from './color_distortion.ts';
import type { ColorDistortion, ColorDistortionRanges } from './color_distortion.ts';
import { preprocessClip } from './preprocess.ts';
import { recordStream } from './record_stream.ts';
import type { StreamPosition } from './record_stream.ts';
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
  /** Train mode: where the stream stands after this batch; pass it as `resumeFrom` to continue. */
  position?: InputPosition;
}

/**
 * A training stream's position after some batch (plain JSON, saved with a checkpoint), with
 * the settings it is only valid for.
 */
export interface InputPosition {
  format: 's3dg-input-position';
  version: 1;
  seed: number;
  /** Source names, in the order given. */
  sources: string[];
  batchSize: number;
  cycleLength: number;
  shuffleBuffer: number;
  stream: StreamPosition;
  /** State of the colour-distortion generator. */
  distortionRng: number;
}

/** A saved position that cannot continue this pipeline (other files, seed or sizes); says which. */
export class InputPositionMismatch extends Error {
  override name = 'InputPositionMismatch';
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
  /**
   * Batches prepared ahead of the consumer (default 2); `auto` (tf.data's AUTOTUNE) reads one
   * more ahead whenever the consumer waits, up to what {@link AUTO_PREFETCH_BYTES} holds.
   */
  prefetchBatches?: number | 'auto';
  /** Preprocessing calls in flight (default 1; set to the worker count). */
  parallelism?: number;
  preprocess?: ClipPreprocessor;
  /** Keep the last, smaller batch (default: train false, eval true). */
  keepRemainder?: boolean;
  distortionRanges?: ColorDistortionRanges;
  compression?: 'NONE' | 'GZIP';
  /** Train mode: continue exactly after this batch position (a `ClipBatch.position`). */
  resumeFrom?: InputPosition;
}

/** A record with its draw of colour distortion (null in eval), before preprocessing. */
interface Drawn {
  record: ClipRecord;
  epoch: number;
  distortion: ColorDistortion | null;
  position?: InputPosition;
}

/** A record made network input. */
interface Prepared {
  clip: Float32Array;
  record: ClipRecord;
  epoch: number;
  position?: InputPosition;
}

/** Throws InputPositionMismatch naming what differs between a saved position and `options`. */
function checkResumable(from: InputPosition, options: InputPipelineOptions, seed: number, cycleLength: number, bufferSize: number): void {
  if (from.format !== 's3dg-input-position' || from.version !== 1) throw new InputPositionMismatch('not an input position of this version');
  const names = options.sources.map((s) => s.name);
  const differs: string[] = [];
  if (from.seed !== seed) differs.push(`\`seed\` ${from.seed} → ${seed}`);
  if (from.batchSize !== options.batchSize) differs.push(`\`batchSize\` ${from.batchSize} → ${options.batchSize}`);
  if (from.cycleLength !== cycleLength) differs.push(`\`cycleLength\` ${from.cycleLength} → ${cycleLength}`);
  if (from.shuffleBuffer !== bufferSize) differs.push(`\`shuffleBuffer\` ${from.shuffleBuffer} → ${bufferSize}`);
  if (from.sources.length !== names.length || from.sources.some((n, i) => n !== names[i])) {
    differs.push(`the input files (${from.sources.length} then, ${names.length} now)`);
  }
  if (differs.length > 0) throw new InputPositionMismatch(`the input changed since the position was saved: ${differs.join(', ')}`);
}

/** Eval: every file in the given order, `epochs` times (default once). */
async function* evalRecords(options: InputPipelineOptions): AsyncGenerator<{ record: ClipRecord; epoch: number }> {
  const read = (s: RecordSource) => readClipRecords(s, options.spec, options.compression);
  const epochs = options.epochs ?? 1;
  for (let epoch = 0; epoch < epochs; epoch++) {
    let count = 0;
    for await (const record of interleave(options.sources, read, 1)) {
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
  let position: InputPosition | undefined;
  for await (const item of input) {
    const b = sources.length;
    clips.set(item.clip, b * size);
    for (let k = 0; k < spec.numClasses; k++) labels[b * spec.numClasses + k] = item.record.label[k] ? 1 : 0;
    sources.push(item.record.ref);
    epoch = item.epoch;
    position = item.position;
    if (sources.length === batchSize) {
      yield { clips, labels, sources, size: batchSize, epoch, ...(position ? { position } : {}) };
      clips = new Float32Array(batchSize * size);
      labels = new Float32Array(batchSize * spec.numClasses);
      sources = [];
    }
  }
  const b = sources.length;
  if (b > 0 && keepRemainder) {
    const rest = { clips: clips.subarray(0, b * size), labels: labels.subarray(0, b * spec.numClasses), sources, size: b, epoch };
    yield { ...rest, ...(position ? { position } : {}) };
  }
}

/** Memory automatic prefetching may fill with batches read ahead. */
export const AUTO_PREFETCH_BYTES = 512 * 2 ** 20;
/** Automatic prefetching never reads further ahead than this. */
const AUTO_PREFETCH_MAX = 16;

/** The prefetch depth `prefetchBatches` asks for; `auto` is bounded by memory. */
export function prefetchDepth(options: Pick<InputPipelineOptions, 'prefetchBatches' | 'spec' | 'batchSize'>): PrefetchDepth {
  if (options.prefetchBatches !== 'auto') return options.prefetchBatches ?? 2;
  const batchBytes = clipSize(options.spec) * options.batchSize * 4;
  const max = Math.max(1, Math.min(AUTO_PREFETCH_MAX, Math.floor(AUTO_PREFETCH_BYTES / batchBytes)));
  return { auto: true, max };
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
  const seed = options.seed ?? 0;
  const rng = new Rng(seed);
  const shape = { height: options.spec.frameHeight, width: options.spec.frameWidth, channels: options.spec.channels };
  const preprocess: ClipPreprocessor = options.preprocess ?? ((clip, d) => preprocessClip(clip, shape, d));
  const ranges = options.distortionRanges ?? DEFAULT_DISTORTION_RANGES;
  const train = options.mode === 'train';
  const cycleLength = options.cycleLength ?? 4;
  const bufferSize = options.shuffleBuffer ?? 32;
  const from = train ? options.resumeFrom : undefined;
  if (from) checkResumable(from, options, seed, cycleLength, bufferSize);
  // Distortions are drawn here, in stream order, so results do not depend on which worker runs
  // them; from their own generator, so the record order does not depend on them.
  const distortionRng = new Rng(rng.seed());
  const drawn = async function* (): AsyncGenerator<Drawn> {
    if (!train) {
      for await (const { record, epoch } of evalRecords(options)) yield { record, epoch, distortion: null };
      return;
    }
    const distortions = from ? Rng.fromState(from.distortionRng) : distortionRng;
    const stream = recordStream({
      sources: options.sources,
      spec: options.spec,
      compression: options.compression,
      cycleLength,
      bufferSize,
      epochs: options.epochs ?? Infinity,
      rng,
      from: from?.stream,
    });
    const names = options.sources.map((s) => s.name);
    for await (const { record, epoch, position } of stream) {
      const distortion = sampleColorDistortion(distortions, ranges);
      yield {
        record,
        epoch,
        distortion,
        position: {
          format: 's3dg-input-position',
          version: 1,
          seed,
          sources: names,
          batchSize: options.batchSize,
          cycleLength,
          shuffleBuffer: bufferSize,
          stream: position,
          distortionRng: distortions.state,
        },
      };
    }
  };
  const prepared = mapOrdered(
    drawn(),
    async ({ distortion, ...item }: Drawn): Promise<Prepared> => ({ ...item, clip: await preprocess(item.record.clip, distortion) }),
    options.parallelism ?? 1,
  );
  return prefetch(batchClips(prepared, options), prefetchDepth(options));
}
