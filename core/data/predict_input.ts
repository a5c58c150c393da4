/**
 * Prediction input: records whose clips may be stored at the camera's frame size, cropped
 * (`crop`: the CLI's --crop with -cx -cy -cw -ch) and resized to the model's frame size,
 * batched in file order.
 */
import type { ClipBatch } from './input_pipeline.ts';
import { readClipRecords, type RecordSource } from './clip_records.ts';
import type { ClipSpec } from './clip_spec.ts';
import { preprocessFramesForPredict } from './preprocess.ts';
import type { CropBox } from './resize_bilinear.ts';

export interface PredictInputOptions {
  sources: readonly RecordSource[];
  /** The stored clips: clip length, stored frame size, channels, label bytes. */
  stored: ClipSpec;
  /** The model's frame size. */
  height: number;
  width: number;
  crop?: CropBox;
  batchSize: number;
}

/** One pass over the records, every clip cropped/resized to [T, height, width, C] in [-1, 1]. */
export async function* predictBatches(options: PredictInputOptions): AsyncGenerator<ClipBatch> {
  const { stored, height, width, batchSize } = options;
  const shape = { height: stored.frameHeight, width: stored.frameWidth, channels: stored.channels };
  const clipSize = stored.clipLength * height * width * stored.channels;
  let batch: ClipBatch = {
    clips: new Float32Array(batchSize * clipSize),
    labels: new Float32Array(batchSize * stored.numClasses),
    sources: [],
    size: 0,
    epoch: 0,
  };
  const flush = () => {
    const b = batch.size;
    const out = { ...batch, clips: batch.clips.subarray(0, b * clipSize), labels: batch.labels.subarray(0, b * stored.numClasses) };
    batch = {
      clips: new Float32Array(batchSize * clipSize),
      labels: new Float32Array(batchSize * stored.numClasses),
      sources: [],
      size: 0,
      epoch: 0,
    };
    return out;
  };
  for (const source of options.sources) {
    for await (const record of readClipRecords(source, stored)) {
      const clip = preprocessFramesForPredict(record.clip, shape, { height, width, crop: options.crop });
      batch.clips.set(clip, batch.size * clipSize);
      for (let k = 0; k < stored.numClasses; k++) batch.labels[batch.size * stored.numClasses + k] = record.label[k] ? 1 : 0;
      batch.sources.push(record.ref);
      batch.size++;
      if (batch.size === batchSize) yield flush();
    }
  }
  if (batch.size > 0) yield flush();
}
