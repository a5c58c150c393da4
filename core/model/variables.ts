/**
 * A model variable as a checkpoint knows it: TF's full name, shape, how it starts, and
 * whether the optimiser and the weight decay touch it.
 */
export type Initializer =
  /** Truncated normal, stddev 0.01 (TF-slim's trunc_normal(0.01) in s3dg_base). */
  | 'truncated_normal'
  /** Identity at the middle temporal tap of a [k,1,1,C,C] kernel (i3d_utils.center_initializer). */
  | 'center'
  /** Glorot/Xavier uniform, TF-slim's default for conv3d outside s3dg_base (the logits). */
  | 'glorot_uniform'
  | 'zeros'
  | 'ones';

export interface VariableSpec {
  /** Full TF name, e.g. `InceptionV1/Mixed_4b/Branch_1/Conv2d_0b_3x3/temporal/weights`. */
  name: string;
  shape: number[];
  init: Initializer;
  /** Updated by the optimiser (false for batch-norm moving statistics). */
  trainable: boolean;
  /** Included in the L1/L2 weight decay (every conv `weights`). */
  regularized: boolean;
}

export function weightSpec(name: string, shape: number[], init: Initializer = 'truncated_normal'): VariableSpec {
  return { name, shape, init, trainable: true, regularized: true };
}

export function biasSpec(name: string, shape: number[]): VariableSpec {
  return { name, shape, init: 'zeros', trainable: true, regularized: false };
}

export function movingStatSpec(name: string, shape: number[], init: 'zeros' | 'ones'): VariableSpec {
  return { name, shape, init, trainable: false, regularized: false };
}
