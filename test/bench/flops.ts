/**
 * FLOPs of one S3D-G pass, counted by the model itself: the same `apply` runs on CountingOps
 * (shapes only), which counts 2 FLOPs per multiply-add and one per element of pools, norms and
 * elementwise ops.
 */
import type { S3DG } from '../../core/model/s3dg.ts';
import { CountingOps, type ShapeOnly } from '../../core/ops/counting_ops.ts';

/** Forward FLOPs (inference mode) for an input [B,T,H,W,C]. */
export function forwardFlops(model: S3DG, inputShape: number[]): number {
  const shapes = new Map(model.variables().map((v) => [v.name, v.shape]));
  const ops = new CountingOps();
  const ctx = {
    ops,
    training: false,
    trains: () => false,
    variable: (name: string): ShapeOnly => ({ shape: shapes.get(name)! }),
    updateMovingAverage: () => {},
  };
  model.apply(ctx, { shape: inputShape });
  return ops.flops;
}

/**
 * The convention for a training step: forward + backward ≈ 3 × forward, since each conv's
 * backward pass computes an input gradient and a filter gradient, each as costly as the
 * forward conv (the stem's input gradient is not needed, so this slightly over-counts).
 */
export const TRAIN_FLOPS_FACTOR = 3;
