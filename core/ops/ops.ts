/**
 * The tensor operations S3D-G is written against — the seam between the model and what
 * runs it. The model only ever calls these, on 5-D tensors laid out
 * [batch, time, height, width, channels] (NDHWC, TF's layout). Implementations:
 *  - `tfjs_ops.ts`: runs on any tfjs backend, choosing per backend between native 3-D kernels
 *    and S3D-G's exact rewrite into 2-D kernels (see `formulation.ts`);
 *  - `counting_ops.ts`: shapes only, counting the FLOPs a pass costs;
 *  - a graph tracer (export) that emits TensorFlow GraphDef nodes for the same calls;
 *  - an ONNX graph builder (`core/export/onnx/onnx_ops.ts`) that emits ONNX nodes for them.
 * `T` is the implementation's tensor type.
 */
export type Padding = 'SAME' | 'VALID';
export type Triple = [number, number, number];

/** Batch statistics of a tensor over every axis but the last (channels). */
export interface Moments<T> {
  mean: T;
  variance: T;
}

export interface Ops<T> {
  /** Static shape of `x`. */
  shape(x: T): number[];

  /**
   * 3-D convolution. x: [B,T,H,W,Cin]; filter: [kt,kh,kw,Cin,Cout]; strides [st,sh,sw].
   * Padding as TF's (SAME pads the larger half at the end).
   */
  conv3d(x: T, filter: T, strides: Triple, padding: Padding): T;
  /** Adds bias [C] along the last axis. */
  biasAdd(x: T, bias: T): T;
  /** Max pool over [kt,kh,kw] windows. x: [B,T,H,W,C]. SAME ignores padded cells. */
  maxPool3d(x: T, ksize: Triple, strides: Triple, padding: Padding): T;
  /** Average pool over [kt,kh,kw] windows. SAME averages the cells inside the input only. */
  avgPool3d(x: T, ksize: Triple, strides: Triple, padding: Padding): T;

  /** (x - mean) / sqrt(variance + epsilon) + offset, all [C] along the last axis (no scale). */
  batchNorm(x: T, mean: T, variance: T, offset: T, epsilon: number): T;
  /**
   * Training-mode batch norm then ReLU: relu(batchNorm(x, mean, variance, offset, epsilon)) with
   * x's own mean and biased variance over all axes but the last (as tf.nn.moments). Those go to
   * `onMoments` (for the moving averages) while the op runs; they carry no gradient and must not
   * be kept past the call.
   */
  batchNormReluTraining(x: T, offset: T, epsilon: number, onMoments: (m: Moments<T>) => void): T;

  relu(x: T): T;
  sigmoid(x: T): T;
  /** Softmax over the last axis. */
  softmax(x: T): T;
  mul(a: T, b: T): T;
  add(a: T, b: T): T;
  /** Mean over `axes`; `keepDims` keeps them as size 1. */
  mean(x: T, axes: number[], keepDims: boolean): T;
  concat(xs: T[], axis: number): T;
  squeeze(x: T, axes: number[]): T;
  /**
   * Inverted dropout: zeroes elements with probability `rate`, scales the rest by 1/(1-rate).
   * The same `seed` gives the same mask (pass a new one each step).
   */
  dropout(x: T, rate: number, seed?: number): T;
}
