/**
 * What the original trainer showed in TensorBoard, computed from plain arrays: per-endpoint
 * activation histograms and sparsity, a histogram per variable, and a frame of the processed
 * input as an image.
 */
import type { EventWriter, SummaryImage } from '../../formats/event_writer.ts';

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
 * The middle frame of the first clip of a batch ([B,T,H,W,C] in [-1,1]) as an 8-bit image,
 * the `processed_video_frame` summary.
 */
export function processedFrame(clips: Float32Array, frames: number, height: number, width: number, channels: number): SummaryImage {
  const frameSize = height * width * channels;
  const start = Math.floor(frames / 2) * frameSize;
  const data = new Uint8Array(frameSize);
  for (let i = 0; i < frameSize; i++) {
    const v = Math.round(((clips[start + i] + 1) / 2) * 255);
    data[i] = v < 0 ? 0 : Math.min(v, 255);
  }
  return { width, height, channels: channels as SummaryImage['channels'], data };
}
