/**
 * What runs a model's forward pass for `s3dg predict`: the tfjs worker pool or onnxruntime.
 * Both take the same clips and return the same probabilities, so the predict loop does not
 * know which one it drives.
 */
export type EngineName = 'tfjs' | 'onnxruntime';

export interface PredictEngine {
  readonly name: EngineName;
  /** One line for the log: what runs and where, e.g. "onnxruntime 1.30 (cpu, 2 threads)". */
  readonly description: string;
  /**
   * Probabilities (sigmoid or softmax, as the model's config says) for `clips` laid out
   * `shape` = [B,T,H,W,C], values in [-1, 1]; returns B × numClasses values, row-major.
   * The input is not kept after the promise settles.
   */
  predict(clips: Float32Array, shape: number[]): Promise<Float32Array>;
  /** Stops the engine's threads; pending predictions reject. */
  close(): Promise<void>;
}
