/**
 * What a pass costs, from shapes alone (the FLOP counter's ops): FLOPs for the benchmarks, and
 * the memory a training step needs, so a configuration that cannot fit is refused before
 * anything is allocated.
 */
import { CountingOps, type ShapeOnly } from '../ops/counting_ops.ts';
import type { ApplyContext } from './context.ts';
import type { S3DG } from './s3dg.ts';

/**
 * Peak tensors of a training step over all outputs kept for the backward pass: measured on wasm at
 * 16×224² (1.56 GB RSS for 462 MB of outputs), the backward pass's gradients and temporaries
 * about double what the forward pass keeps.
 */
const TRAINING_PEAK_FACTOR = 3;
const FLOAT_BYTES = 4;

/**
 * Bytes of one training step of `net` on a batch of `batch` clips of [T, H, W, C]; `recompute`:
 * with activations recomputed stage by stage in the backward pass (the trainer's `recompute`).
 */
export function trainingStepBytes(net: S3DG, clip: readonly number[], batch: number, recompute = false): number {
  const parameters = net.variables().reduce((n, v) => n + v.shape.reduce((a, b) => a * b, 1), 0);
  // Weights, their gradients and up to two optimizer slots each.
  const weights = 4 * parameters;
  if (!recompute) return FLOAT_BYTES * (TRAINING_PEAK_FACTOR * countPass(net, [batch, ...clip], true).elements + weights);
  // Every stage's input is kept; one stage at a time holds its training activations and their gradients.
  const stages = countStages(net, [batch, ...clip]);
  const kept = stages.reduce((n, s) => n + s.inputElements, 0);
  const largest = Math.max(...stages.map((s) => s.elements));
  return FLOAT_BYTES * (kept + TRAINING_PEAK_FACTOR * largest + weights);
}

/** Per stage of `net.sequence()` in a training pass: the elements of its input and of its ops' outputs. */
function countStages(net: S3DG, inputShape: readonly number[]): { inputElements: number; elements: number }[] {
  const { ctx, ops } = countingContext(net, true);
  let x: ShapeOnly = { shape: [...inputShape] };
  return net.sequence().map((stage) => {
    const before = ops.elements;
    const inputElements = x.shape.reduce((a, b) => a * b, 1);
    x = stage.apply(ctx, x);
    return { inputElements, elements: ops.elements - before };
  });
}

/**
 * One pass of `net` on an input of `inputShape` [B, T, H, W, C], run on shapes alone: what it
 * costs in FLOPs and how many elements its ops produce (the model itself does the counting).
 */
export function countPass(net: S3DG, inputShape: readonly number[], training: boolean): { flops: number; elements: number } {
  const { ctx, ops } = countingContext(net, training);
  net.apply(ctx, { shape: [...inputShape] });
  return { flops: ops.flops, elements: ops.elements };
}

function countingContext(net: S3DG, training: boolean): { ctx: ApplyContext<ShapeOnly>; ops: CountingOps } {
  const ops = new CountingOps();
  const shapes = new Map(net.variables().map((v) => [v.name, v.shape]));
  const ctx: ApplyContext<ShapeOnly> = {
    ops,
    training,
    trains: () => training,
    variable: (name) => ({ shape: shapes.get(name) ?? [] }),
    updateMovingAverage: () => {},
  };
  return { ctx, ops };
}

/** Bytes of one batch of `batch` clips of [T, H, W, C] as floats (what every mode holds at least). */
export function batchBytes(clip: readonly number[], batch: number): number {
  return FLOAT_BYTES * batch * clip.reduce((a, b) => a * b, 1);
}
