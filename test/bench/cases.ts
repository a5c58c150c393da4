/**
 * What the benchmark runs: clip sizes, passes, and how much of it each backend is asked to do.
 * cpu runs native 3-D kernels at ~1 GFLOP/s, so it only gets the smallest clip.
 */
export type Pass = 'forward' | 'train';

export interface BenchCase {
  frames: number;
  size: number;
  pass: Pass;
}

export const CLIP_SIZES: ReadonlyArray<{ frames: number; size: number }> = [
  { frames: 8, size: 112 },
  { frames: 16, size: 224 },
  { frames: 64, size: 224 },
];

/** A case a backend skips, and why (printed so the table explains its gaps). */
export interface Skip extends BenchCase {
  backend: string;
  reason: string;
}

/**
 * Why `backend` skips `c`, or null when it runs it. `quick` trims to what finishes in ~1 min.
 * `software`: webgpu on a software adapter (SwiftShader), which runs about as fast as cpu.
 */
export function skipReason(backend: string, c: BenchCase, quick: boolean, software = false): string | null {
  const big = c.frames * c.size * c.size > 8 * 112 * 112;
  if (backend === 'cpu' && big) return 'cpu runs ~1 GFLOP/s: only 8×112² is measured';
  if (software && big) return 'a software WebGPU adapter: only 8×112² is measured';
  if (c.frames === 64 && c.pass === 'train' && backend !== 'tensorflow' && backend !== 'webgpu') {
    return "a 64×224² training step holds ~4× the tensors of a 16×224² step, which already peaks near wasm32's 4 GiB heap: not measured";
  }
  if (quick && c.frames === 64) return '--quick: 64×224² left out';
  return null;
}

/** Timed runs after the warm-up: fewer where one run takes tens of seconds. */
export function runsFor(backend: string, c: BenchCase, quick: boolean, software = false): number {
  if (quick || software) return 1;
  if (backend === 'cpu' && c.pass === 'train') return 1;
  // One forward and one training step per round: 5 rounds of 16×224² take ~30 s on wasm. An
  // 8×112² round takes under a second, and single kernels there stall now and then (a 12 ms conv
  // taking 26): 15 rounds give a steadier median.
  if (c.frames === 64) return 3;
  return c.size === 112 ? 15 : 5;
}
