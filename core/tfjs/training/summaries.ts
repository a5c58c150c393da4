/**
 * What the original trainer (s3dg_estimator.py under a TF1 Estimator) showed in TensorBoard,
 * under its tags, computed from plain arrays: the loss terms, per-endpoint activation histograms
 * and sparsity, a histogram per global variable, and the middle frame of each clip of the batch.
 */
import type { EventWriter, SummaryImage } from '../../formats/event_writer.ts';

/** One step's loss terms, as trainStep reports them. */
export interface LossValues {
  loss: number;
  crossEntropy: number;
  l1: number;
  l2: number;
}

/**
 * The model_fn's `Losses/*` scalars and the Estimator's own `loss` (added because no summary of
 * that name exists), all at one step.
 */
export function writeLossSummaries(writer: EventWriter, r: LossValues, step: number): void {
  writer.scalar('Losses/sigmoid_loss', r.crossEntropy, step);
  writer.scalar('Losses/l1_loss', r.l1, step);
  writer.scalar('Losses/l2_loss', r.l2, step);
  writer.scalar('Losses/regularization_loss', r.l1 + r.l2, step);
  writer.scalar('Losses/total_loss', r.loss, step);
  writer.scalar('loss', r.loss, step);
}

/**
 * The tag TF1 gives `tf.summary.histogram(variable.op.name, variable)`: the summary's name scope
 * collides with the variable's own op, so the graph makes it unique with `_1`
 * (`InceptionV1/Conv2d_1a_7x7/weights_1`, `global_step_1`).
 */
export function variableHistogramTag(name: string): string {
  return `${name}_1`;
}

/** Fraction of exact zeros (post-ReLU sparsity, as tf.nn.zero_fraction). */
export function zeroFraction(values: ArrayLike<number>): number {
  let zeros = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
  return values.length === 0 ? 0 : zeros / values.length;
}

/** `activations/<endpoint>` histograms and `sparsity/<endpoint>` scalars. */
export function writeActivationSummaries(writer: EventWriter, endpoints: Map<string, Float32Array>, step: number): void {
  for (const [name, values] of endpoints) {
    writer.histogram(`activations/${name}`, values, step);
    writer.scalar(`sparsity/${name}`, zeroFraction(values), step);
  }
}

/**
 * The tag of clip `b`'s image: the original calls tf.summary.image('processed_video_frame', …)
 * once per clip, so TF numbers the names (`processed_video_frame`, `processed_video_frame_1`, …),
 * and with the default max_outputs of 3 each value is `<name>/image/0`.
 */
export function processedFrameTag(b: number): string {
  return `${b === 0 ? 'processed_video_frame' : `processed_video_frame_${b}`}/image/0`;
}

/**
 * Float pixels to 8 bits as TF's image summary does: with negative values, scaled by the
 * largest magnitude around 128; otherwise scaled so the largest value is 255.
 */
function toBytes(values: Float32Array): Uint8Array {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const signed = min < 0;
  const range = signed ? Math.max(-min, max) : max;
  const scale = range < 1e-6 ? 0 : (signed ? 127 : 255) / range;
  const offset = signed ? 128 : 0;
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = Number.isFinite(v) ? Math.min(255, Math.max(0, Math.trunc(v * scale + offset))) : 0;
  }
  return out;
}

/**
 * The middle frame (index ⌊frames/2⌋, as the original's `clip_length / 2`) of every clip of a
 * batch ([B,T,H,W,C] in [-1,1]) as 8-bit images, one per clip.
 */
export function processedFrames(
  clips: Float32Array,
  size: number,
  frames: number,
  height: number,
  width: number,
  channels: number,
): SummaryImage[] {
  const frameSize = height * width * channels;
  const images: SummaryImage[] = [];
  for (let b = 0; b < size; b++) {
    const start = (b * frames + Math.floor(frames / 2)) * frameSize;
    const data = toBytes(clips.subarray(start, start + frameSize));
    images.push({ width, height, channels: channels as SummaryImage['channels'], data });
  }
  return images;
}

/** Writes {@link processedFrames} under the original's tags. */
export function writeProcessedFrames(writer: EventWriter, images: SummaryImage[], step: number): void {
  images.forEach((image, b) => writer.image(processedFrameTag(b), image, step));
}
