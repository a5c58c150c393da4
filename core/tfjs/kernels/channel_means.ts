/**
 * `ChannelMeans` {x} → per-channel means of x [..., C] over every axis but the last ([C]), or,
 * with `perBatch`, over every axis but the first and the last ([B, C]): batch-norm moments and
 * self-gating's pooling. For the backends that keep tensors in CPU memory (wasm, cpu).
 *
 * Why a kernel: tfjs reduces along the innermost axis only, so tf.mean over all but channels
 * transposes the whole tensor first; the backend's average pool over x viewed as [B, 1, N, C]
 * reads it once (XNNPACK on wasm). A view costs nothing on these backends (a reshape is the same
 * data under another shape), so this is one kernel call where tf.avgPool with its reshapes, cast
 * and scaling took several, each with its engine overhead (counts: core/tfjs/README.md).
 */
import {
  getKernel,
  tidy,
  type GradConfig,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type Tensor,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { CPU_MEMORY_BACKENDS, memoryOf } from './cpu_memory.ts';

export const CHANNEL_MEANS = 'ChannelMeans';

// A type, not an interface: tfjs's attribute map needs an implicit index signature.
export type ChannelMeansAttrs = {
  /** Keep the first axis: [B, C] means over each batch entry's middle axes. */
  perBatch: boolean;
};

/** [groups, rows per group, channels] of x under `attrs`. */
export function channelGroups(shape: number[], perBatch: boolean): [number, number, number] {
  const c = shape[shape.length - 1];
  const size = shape.reduce((a, d) => a * d, 1);
  const groups = perBatch ? shape[0] : 1;
  return [groups, size / (groups * c), c];
}

function channelMeansOn(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: TensorInfo };
    const { perBatch } = attrs as unknown as ChannelMeansAttrs;
    const [groups, rows, c] = channelGroups(x.shape, perBatch);
    const avgPool = getKernel('AvgPool', backendName);
    if (avgPool === undefined) throw new Error(`${CHANNEL_MEANS}: backend ${backendName} has no AvgPool kernel`);
    const view: TensorInfo = { dataId: x.dataId, shape: [groups, 1, rows, c], dtype: x.dtype };
    const pooled = avgPool.kernelFunc({
      inputs: { x: view },
      backend,
      attrs: { filterSize: [1, rows], strides: 1, pad: 'valid' },
    }) as TensorInfo;
    // The pool's [G,1,1,C] output copied into a tensor of the asked shape (G·C values): a mere
    // view would keep the pool's shape in the backend's own records, which some kernels check.
    const mem = memoryOf(backend as KernelBackend);
    const out = mem.alloc(perBatch ? [groups, c] : [c], (values) => values.set(mem.read(pooled)));
    mem.free(pooled);
    return out;
  };
}

/**
 * d x = d mean / N on every row, as a [N,1]×[1,C] matmul per batch entry: broadcasting (Tile, or
 * a multiply by ones) is slower on wasm (core/tfjs/README.md), and tf's AvgPoolGrad visits every
 * window cell for every input cell, N² here.
 */
function channelMeansGrad(dy: Tensor, x: Tensor, perBatch: boolean): Tensor {
  return tidy(() => {
    const [groups, rows, c] = channelGroups(x.shape, perBatch);
    const spread = tf.fill([rows, 1], 1 / rows);
    const each = groups === 1 ? [tf.reshape(dy, [1, c])] : tf.unstack(tf.reshape(dy, [groups, 1, c]));
    const parts = each.map((d) => tf.matMul(spread, d as tf.Tensor2D));
    return tf.reshape(parts.length === 1 ? parts[0] : tf.concat(parts), x.shape);
  });
}

/** ChannelMeans on the CPU-memory backends (wasm, cpu). */
export const channelMeansKernels = (): KernelConfig[] =>
  CPU_MEMORY_BACKENDS.map((backendName) => ({ kernelName: CHANNEL_MEANS, backendName, kernelFunc: channelMeansOn(backendName) }));

/** ChannelMeans' gradient (gradients are registered per kernel name, for every backend). */
export const channelMeansGradient: GradConfig = {
  kernelName: CHANNEL_MEANS,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => ({ x: () => channelMeansGrad(dy as Tensor, saved[0], (attrs as unknown as ChannelMeansAttrs).perBatch) }),
};

/** Means of x over every axis but the last ([C]), or, perBatch, but the first and the last ([B, C]). */
export function channelMeans(x: Tensor, perBatch: boolean): Tensor {
  const attrs: ChannelMeansAttrs = { perBatch };
  return tf.engine().runKernel(CHANNEL_MEANS, { x }, attrs) as Tensor;
}
