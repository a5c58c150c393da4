/**
 * How the tfjs ops run S3D-G's 3-D convolutions and pools on a given backend.
 *
 * - `native3d`: tf.conv3d / maxPool3d / avgPool3d as they are.
 * - `rewrite2d`: S3D-G's exact rewrite into 2-D kernels, which tfjs backends optimise far
 *   better: a spatial 1×k×k conv is conv2d over [B·T,H,W,C]; a temporal k×1×1 conv is conv2d
 *   with a [k,1] kernel over [B,T,H·W,C]; a full kt×kh×kw conv (the stem) folds its kt temporal
 *   taps into input channels and runs one conv2d; 3-D pools are a spatial then a temporal 2-D pool.
 *
 * wasm runs conv2d far faster than conv3d; cpu and TensorFlow (tfjs-node, cuDNN) run native
 * 3-D kernels (cpu's Conv2DBackpropFilter is pathological). Measured: core/tfjs/README.md.
 */
export type Formulation = 'native3d' | 'rewrite2d';

/** The fastest correct formulation for a tfjs backend name. */
export function formulationFor(backend: string): Formulation {
  switch (backend) {
    case 'cpu':
    case 'tensorflow':
      return 'native3d';
    default:
      // wasm, webgl, webgpu: 2-D kernels are the optimised ones.
      return 'rewrite2d';
  }
}

/**
 * How per-channel sums (batch-norm moments and gradients, bias and gating gradients, the gating
 * mean) run: a matmul with a row of ones, or an average pool over all rows. wasm's matmul packs
 * its right operand (the activation) afresh per tensor; its pool reads it once: core/tfjs/README.md.
 */
export type ChannelSums = 'matmul' | 'avgPool';

export function channelSumsFor(backend: string): ChannelSums {
  return backend === 'wasm' ? 'avgPool' : 'matmul';
}

/**
 * How per-channel affine maps x·scale + shift (batch norm and its gradient) run: broadcasting
 * multiplies and adds, or, on wasm, one 1×1 depthwise conv with bias (and ReLU) over all rows:
 * wasm broadcasts slowly, XNNPACK's depthwise conv does the map in one pass (core/tfjs/README.md).
 */
export type ChannelAffine = 'broadcast' | 'depthwise';

export function channelAffineFor(backend: string): ChannelAffine {
  return backend === 'wasm' ? 'depthwise' : 'broadcast';
}

/**
 * Known defects of tfjs 4.22 kernels that the ops route around whatever the formulation.
 * wasm: maxPool3d with [1,3,3]/[1,2,2] SAME is wrong; conv3d gradients are wrong (the facts sheet
 * says for strides ≠ 1; our parity tests find the input gradient wrong at stride 1 too);
 * Conv2DBackpropFilter is missing; MaxPoolGrad is wrong wherever a window holds only negative
 * values. cpu: Conv2DBackpropFilter is far slower than a matmul (core/tfjs/README.md).
 */
export interface BackendDefects {
  /** maxPool3d must go through 2-D pools. */
  maxPool3d: boolean;
  /**
   * 2-D max pool's gradient must be our FirstMaxPoolGrad (wasm's MaxPoolGrad starts its search
   * from 0).
   */
  maxPoolGrad: boolean;
  /** conv3d must go through 2-D kernels: its input gradient is wrong (wasm, every stride). */
  conv3dGradient: boolean;
  /** conv2d's filter gradient must be computed by our own (conv2d_filter_grad.ts). */
  conv2dFilterGrad: boolean;
}

export function defectsOf(backend: string): BackendDefects {
  const wasm = backend === 'wasm';
  return { maxPool3d: wasm, maxPoolGrad: wasm, conv3dGradient: wasm, conv2dFilterGrad: wasm || backend === 'cpu' };
}
