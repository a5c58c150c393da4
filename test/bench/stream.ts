/**
 * Stream throughput: clips of one shape pushed through an inference pool of N wasm worker
 * threads, as a server would. Each worker is warmed up with one clip first (the first pass per
 * shape sets up kernels); then `clips` clips are submitted at once and timed until the last
 * prediction arrives.
 */
import type { S3DGConfig } from '../../core/model/config.ts';
import { createInferencePool } from '../../node/parallel/inference_pool.ts';
import type { NamedWeights } from '../../core/model/named_weights.ts';

export interface StreamResult {
  threads: number;
  clips: number;
  /** Wall time for all timed clips, milliseconds. */
  totalMs: number;
  /** Wall time per clip (totalMs / clips), milliseconds. */
  msPerClip: number;
  /** Process CPU time (every thread, workers included) per clip: ≈ threads × msPerClip when each worker has a core. */
  cpuMsPerClip: number;
  warmupMs: number;
}

/** Runs `clips` clips of [T,H,W,3] through a fresh pool of `threads` workers. */
export async function streamThroughput(
  config: Partial<S3DGConfig>,
  weights: NamedWeights,
  clipShape: number[],
  threads: number,
  clips: number,
): Promise<StreamResult> {
  const pool = await createInferencePool({ config, weights, threads });
  try {
    const clip = new Float32Array(clipShape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < clip.length; i++) clip[i] = Math.sin(i) * 0.9;
    const t0 = performance.now();
    // One clip per worker at once: each idle worker takes one.
    await Promise.all(Array.from({ length: threads }, () => pool.predict(clip, clipShape)));
    const warmupMs = performance.now() - t0;
    const cpuStart = process.cpuUsage();
    const t1 = performance.now();
    await Promise.all(Array.from({ length: clips }, () => pool.predict(clip, clipShape)));
    const totalMs = performance.now() - t1;
    const cpu = process.cpuUsage(cpuStart);
    const cpuMsPerClip = (cpu.user + cpu.system) / 1000 / clips;
    return { threads, clips, totalMs, msPerClip: totalMs / clips, cpuMsPerClip, warmupMs };
  } finally {
    await pool.close();
  }
}
