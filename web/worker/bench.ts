/**
 * Forward-pass timing in the worker for the browser bench: S3D-G of a given config with its
 * initial weights (timing does not depend on the values) on a clip of a given size, on the
 * active backend; the first pass (kernel compilation) is reported apart.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { S3DGConfig } from '../../core/model/config.ts';
import { S3DG } from '../../core/model/s3dg.ts';
import { VariableStore } from '../../core/tfjs/variable_store.ts';
import { tfjsOps } from '../../core/tfjs/ops/tfjs_ops.ts';

/** Clip size of a timed window. */
export interface BenchClip {
  clipLength: number;
  frameHeight: number;
  frameWidth: number;
}

/** Milliseconds of the first pass and of each timed pass (including the read-back). */
export interface ForwardTiming {
  backend: string;
  firstMs: number;
  runsMs: number[];
}

/** Times `runs` forward passes of one [1, T, H, W, 3] window after one untimed warm-up. */
export async function timeForward(config: Partial<S3DGConfig>, clip: BenchClip, runs: number): Promise<ForwardTiming> {
  const model = new S3DG(config);
  const store = new VariableStore(model.variables());
  const ops = tfjsOps();
  const x = tf.randomUniform([1, clip.clipLength, clip.frameHeight, clip.frameWidth, model.config.inputChannels], -1, 1);
  const once = async () => {
    const t0 = performance.now();
    const p = tf.tidy(() => model.apply(store.context(ops, false), x).predictions!);
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
    store.dispose();
  }
}
