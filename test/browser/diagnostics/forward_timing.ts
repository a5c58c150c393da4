/**
 * Forward-pass timing in the diagnostics worker for the browser bench: S3D-G of a given config
 * with its initial weights (timing does not depend on the values) on a clip of a given size, on
 * the active backend; the first pass (kernel compilation) is reported apart.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { S3DGConfig } from '../../../core/model/config.ts';
import { TfjsModel } from '../../../core/tfjs/model.ts';
import type { BenchClip, ForwardTiming } from './types.ts';

/** Times `runs` forward passes of one [1, T, H, W, 3] window after one untimed warm-up. */
export async function timeForward(config: Partial<S3DGConfig>, clip: BenchClip, runs: number): Promise<ForwardTiming> {
  const model = new TfjsModel(config);
  const x = tf.randomUniform([1, clip.clipLength, clip.frameHeight, clip.frameWidth, model.config.inputChannels], -1, 1);
  const once = async () => {
    const t0 = performance.now();
    const p = model.predict(x);
    await p.data();
    p.dispose();
    return performance.now() - t0;
  };
  try {
    const firstMs = await once();
    const runsMs: number[] = [];
    for (let i = 0; i < runs; i++) runsMs.push(await once());
    return { backend: tf.getBackend(), firstMs, runsMs };
  } finally {
    x.dispose();
    model.dispose();
  }
}
