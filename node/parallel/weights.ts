/** Model weights on their way to worker threads. */
import type { NamedWeights } from '../../core/index.ts';

/** A copy of `weights` and the buffers to transfer it with (one per worker: transfer moves them). */
export function transferableCopy(weights: NamedWeights): { weights: NamedWeights; buffers: ArrayBuffer[] } {
  const copy: NamedWeights = new Map();
  const buffers: ArrayBuffer[] = [];
  for (const [name, { shape, values }] of weights) {
    const own = values.slice();
    copy.set(name, { shape, values: own });
    buffers.push(own.buffer as ArrayBuffer);
  }
  return { weights: copy, buffers };
}
