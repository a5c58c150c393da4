/**
 * FLOPs of one S3D-G pass, counted by the model itself (core's countPass: the same `apply` on
 * shapes only, 2 FLOPs per multiply-add, one per element of pools, norms and elementwise ops).
 */
import { countPass } from '../../core/model/pass_cost.ts';
import type { S3DG } from '../../core/model/s3dg.ts';

/** Forward FLOPs (inference mode) for an input [B,T,H,W,C]. */
export function forwardFlops(model: S3DG, inputShape: number[]): number {
  return countPass(model, inputShape, false).flops;
}

/**
 * The convention for a training step: forward + backward ≈ 3 × forward, since each conv's
 * backward pass computes an input gradient and a filter gradient, each as costly as the
 * forward conv (the stem's input gradient is not needed, so this slightly over-counts).
 */
export const TRAIN_FLOPS_FACTOR = 3;
