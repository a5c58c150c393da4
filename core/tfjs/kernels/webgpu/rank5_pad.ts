/**
 * tfjs 4.22 bugs: PadV2 on a 5-D tensor fails to compile its shader on webgpu (it builds
 * `vec5(...)` and indexes it: "cannot index type 'vec5'"; the op returns garbage) and on webgl
 * (packed pad: `lessThan` has no 5-component overload; the op throws). S3D-G's 2-D rewrite pads
 * [B,T,H,W,C] clips for SAME convolutions and pools.
 *
 * Fix, as kernel configs wrapping each backend's own: two 4-D pads on views of the same buffer —
 * H, W, C on [B·T, H, W, C], then B, T on [B, T, H'·W', C'] — and the result seen as 5-D.
 */
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

const view = (t: TensorInfo, shape: number[]): TensorInfo => ({ dataId: t.dataId, shape, dtype: t.dtype });

export function wrapRank5Pad(original: KernelConfig): KernelConfig {
  const run: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const attrs = args.attrs as { paddings: Array<[number, number]>; constantValue: number };
    if (x?.shape.length !== 5) return original.kernelFunc(args);
    const [b, t, h, w, c] = x.shape;
    const p = attrs.paddings;
    const inner = original.kernelFunc({
      ...args,
      inputs: { x: view(x, [b * t, h, w, c]) },
      attrs: { ...attrs, paddings: [[0, 0], p[2], p[3], p[4]] },
    }) as TensorInfo;
    const [h2, w2, c2] = [h + p[2][0] + p[2][1], w + p[3][0] + p[3][1], c + p[4][0] + p[4][1]];
    const outer = original.kernelFunc({
      ...args,
      inputs: { x: view(inner, [b, t, h2 * w2, c2]) },
      attrs: { ...attrs, paddings: [p[0], p[1], [0, 0], [0, 0]] },
    }) as TensorInfo;
    (args.backend as KernelBackend).disposeData(inner.dataId);
    return view(outer, [b + p[0][0] + p[0][1], t + p[1][0] + p[1][1], h2, w2, c2]);
  };
  return { ...original, kernelFunc: run };
}
