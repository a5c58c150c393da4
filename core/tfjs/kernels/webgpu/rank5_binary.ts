/**
 * tfjs-backend-webgpu 4.22 bug: a binary op between a 5-D tensor and a short 1-D tensor (under
 * 128 values, e.g. a per-channel bias or batch-norm offset on [B,T,H,W,C]) takes the
 * shared-memory shader, which indexes the output coordinates as `coords[4]`; rank-5 coordinates
 * are a `vec5` struct there, so the WGSL fails to compile ("cannot index type 'vec5'") and the
 * op returns garbage. S3D-G does exactly this in every layer.
 *
 * Fix, as kernel configs wrapping webgpu's own: run such ops on a 4-D view
 * [B·T, H, W, C] of the 5-D input (same buffer, no copy; the 1-D operand still broadcasts
 * along the last axis) and give the result back its 5-D shape. Gradients are unchanged (they
 * are registered per kernel name, not per backend).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/** The binary kernels built on webgpu's BinaryOpProgram that S3D-G and its training use. */
export const RANK5_BINARY_KERNELS = [
  'Add',
  'Sub',
  'Multiply',
  'RealDiv',
  'Maximum',
  'Minimum',
  'SquaredDifference',
  'Pow',
  'Greater',
  'GreaterEqual',
  'Less',
  'LessEqual',
  'Equal',
  'NotEqual',
];

const view = (t: TensorInfo, shape: number[]): TensorInfo => ({ dataId: t.dataId, shape, dtype: t.dtype });

/** Whether webgpu would pick the broken shared-memory shader for these operand shapes. */
export function hitsRank5SharedBug(a: readonly number[], b: readonly number[]): boolean {
  const short = (s: readonly number[]) => s.length === 1 && s[0] < 128;
  return (a.length === 5 && short(b)) || (b.length === 5 && short(a));
}

export function wrapRank5Binary(original: KernelConfig): KernelConfig {
  const run: KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (!a || !b || !hitsRank5SharedBug(a.shape, b.shape)) return original.kernelFunc(args);
    const full = (a.shape.length === 5 ? a : b).shape;
    const four = [full[0] * full[1], full[2], full[3], full[4]];
    const out = original.kernelFunc({
      ...args,
      inputs: { a: a.shape.length === 5 ? view(a, four) : a, b: b.shape.length === 5 ? view(b, four) : b },
    }) as TensorInfo;
    return view(out, full);
  };
  return { ...original, kernelFunc: run };
}
