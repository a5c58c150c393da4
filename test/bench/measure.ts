/**
 * Times one S3D-G pass in this process on the active tfjs backend: a warm-up pass (the first
 * pass for each input shape is several times slower: kernel set-up), which is also profiled for
 * the tensor-memory high-water, then `runs` timed passes whose median is reported.
 */
import * as tf from '@tensorflow/tfjs';
import type { TfjsModel } from '../../core/tfjs/model.ts';
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

/** The middle value (the mean of the two middle ones for an even count). */
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * One pass as a function. forward: inference mode, predictions read back. train: training mode
 * (batch statistics, dropout), sigmoid cross-entropy against all-zero labels, and the gradient of
 * every trainable variable through tf.variableGrads (no optimiser update). Reads are
 * asynchronous: webgpu in Node has no synchronous read.
 */
export function passOf(model: TfjsModel, pass: Pass, input: tf.Tensor): () => Promise<void> {
  if (pass === 'forward') {
    return async () => {
      const probabilities = model.predict(input);
      await probabilities.data();
      probabilities.dispose();
    };
  }
  const ctx = model.context(true);
  const labels = tf.zeros([input.shape[0], model.config.numClasses]);
  return async () => {
    const { value, grads } = tf.variableGrads(
      () => tf.losses.sigmoidCrossEntropy(labels, model.net.apply(ctx, input).logits!) as tf.Scalar,
      model.variables.trainable(),
    );
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  };
}

/**
 * Warm-up (profiled) of each pass, then `runs` rounds that run every pass once, in turn; checks no
 * tensors leak. Interleaving keeps passes comparable on a machine whose speed drifts (shared
 * cores): each round's passes see the same conditions, so ratios come from rounds (`pairRatio`).
 */
export async function timeInterleaved(passes: Array<() => Promise<void>>, runs: number): Promise<Timing[]> {
  const warm: Array<Pick<Timing, 'warmupMs' | 'peakTensorBytes' | 'maxRssBytes'>> = [];
  for (const run of passes) {
    const t0 = performance.now();
    const profile = await tf.profile(run);
    warm.push({ warmupMs: performance.now() - t0, peakTensorBytes: profile.peakBytes, maxRssBytes: process.resourceUsage().maxRSS * 1024 });
  }
  const afterWarmup = tf.memory().numTensors;
  const times = passes.map(() => [] as number[]);
  const cpu = passes.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (const [p, run] of passes.entries()) {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      await run();
      times[p].push(performance.now() - start);
      const used = process.cpuUsage(cpuStart);
      cpu[p].push((used.user + used.system) / 1000);
    }
  }
  const leaked = tf.memory().numTensors - afterWarmup;
  if (leaked !== 0) throw new Error(`bench passes leak ${leaked} tensors over ${runs} rounds`);
  return passes.map((_, p) => ({ ms: median(times[p]), runs: times[p], cpuMs: median(cpu[p]), ...warm[p] }));
}

/** Median over rounds of a's time / b's time (from one timeInterleaved call). */
export function pairRatio(a: Timing, b: Timing): number {
  return median(a.runs.map((ms, i) => ms / b.runs[i]));
}
