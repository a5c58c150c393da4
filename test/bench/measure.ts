/**
 * Times one S3D-G pass in this process on the active tfjs backend: a warm-up pass (the first
 * pass for each input shape is several times slower: kernel set-up), which is also profiled for
 * the tensor-memory high-water, then `runs` timed passes whose median is reported.
 */
import * as tf from '@tensorflow/tfjs';
import type { S3DG } from '../../core/model/s3dg.ts';
import type { VariableStore } from '../../core/model/variable_store.ts';
import type { Ops } from '../../core/ops/ops.ts';
import type { Pass } from './cases.ts';

export interface Timing {
  /** Median wall time of the timed passes, milliseconds. */
  ms: number;
  /** Every timed pass, milliseconds. */
  runs: number[];
  /**
   * Median process CPU time (user + system, all threads) per timed pass, milliseconds. Near
   * `ms` for one busy thread; well below it when other processes compete for the cores.
   */
  cpuMs: number;
  warmupMs: number;
  /** tfjs tensor bytes high-water during the warm-up pass (weights included). */
  peakTensorBytes: number;
  /** Process resident-set high-water so far (wasm heaps only grow), bytes. */
  maxRssBytes: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * One pass as a function. forward: inference mode, predictions read back. train: training mode
 * (batch statistics, dropout), sigmoid cross-entropy against all-zero labels, and the gradient of
 * every trainable variable through tf.variableGrads (no optimiser update).
 */
export function passOf(model: S3DG, store: VariableStore, ops: Ops<tf.Tensor>, pass: Pass, input: tf.Tensor): () => void {
  if (pass === 'forward') {
    const ctx = store.context(ops, false);
    return () => tf.tidy(() => void model.apply(ctx, input).predictions!.dataSync());
  }
  const ctx = store.context(ops, true);
  const labels = tf.zeros([input.shape[0], model.config.numClasses]);
  return () => {
    const { value, grads } = tf.variableGrads(
      () => tf.losses.sigmoidCrossEntropy(labels, model.apply(ctx, input).logits!) as tf.Scalar,
      store.trainable(),
    );
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
}

/** Warm-up (profiled) + `runs` timed calls of `run`; checks no tensors leak between passes. */
export async function time(run: () => void, runs: number): Promise<Timing> {
  const t0 = performance.now();
  const before = tf.memory().numTensors;
  const profile = await tf.profile(run);
  const warmupMs = performance.now() - t0;
  const afterWarmup = tf.memory().numTensors;
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    run();
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  const leaked = tf.memory().numTensors - afterWarmup;
  if (leaked !== 0) throw new Error(`bench pass leaks ${leaked} tensors per ${runs} runs (warm-up made ${afterWarmup - before})`);
  return {
    ms: median(times),
    runs: times,
    cpuMs: median(cpu),
    warmupMs,
    peakTensorBytes: profile.peakBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}
