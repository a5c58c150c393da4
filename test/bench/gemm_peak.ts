/**
 * The machine's fp32 GEMM peak, the yardstick of the bench's "% of peak": a 2048² × 2048²
 * MatMul on onnxruntime (its MLAS kernels, every core as intra-op threads), timed in the same
 * rounds as the passes it is compared with, so contention from other processes hits both
 * alike. numpy's GEMM (what the issue's ~321 GFLOP/s was measured with) is timed too where
 * python3 has numpy; the peak is the faster of the two.
 */
import { spawnSync } from 'node:child_process';
import { OnnxGraph } from '../../core/export/onnx/onnx_graph.ts';
import { onnxModelCodec } from '../../core/formats/proto/onnx.ts';
import type { OrtModule, OrtSession, OrtTensor } from '../../node/onnx/onnxruntime.ts';

/** Matrix size of the GEMM. */
export const GEMM_SIZE = 2048;
/** FLOPs of one GEMM (a multiply-add is 2). */
export const GEMM_FLOPS = 2 * GEMM_SIZE ** 3;

/** A reproducible matrix of values in [-0.5, 0.5). */
function matrix(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n * n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s >>> 8) / 2 ** 24 - 0.5;
  });
}

/** A one-MatMul session and its input, ready to time with `run`. */
export async function gemmSession(ort: OrtModule, threads: number): Promise<{ run: () => Promise<void>; release: () => Promise<void> }> {
  const n = GEMM_SIZE;
  const g = new OnnxGraph();
  const a = g.input('a', 'float32', [n, n]);
  const b = g.initializer('b', [n, n], matrix(n, 2));
  g.output(g.node('MatMul', [a, b], [], 'y', true), 'float32', [n, n]);
  const session: OrtSession = await ort.InferenceSession.create(onnxModelCodec.encode(g.model('gemm', { producer: 's3dg bench' })), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  const feed: Record<string, OrtTensor> = { a: new ort.Tensor('float32', matrix(n, 1), [n, n]) };
  return {
    run: async () => {
      await session.run(feed);
    },
    release: () => session.release(),
  };
}

/** numpy's 2048² fp32 GEMM in GFLOP/s (median of 5 after a warm-up), or why it was not measured. */
export function numpyGemm(): { gflops: number } | { skipped: string } {
  const script = [
    'import time, numpy as np',
    `n = ${GEMM_SIZE}`,
    'a = np.random.rand(n, n).astype(np.float32); b = np.random.rand(n, n).astype(np.float32); a @ b',
    'ts = []',
    'for _ in range(5):',
    '    t = time.perf_counter(); a @ b; ts.append(time.perf_counter() - t)',
    'print(2 * n ** 3 / sorted(ts)[2] / 1e9)',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) return { skipped: `python3: ${r.error.message}` };
  if (r.status !== 0) return { skipped: `python3 numpy: ${r.stderr.trim().split('\n').pop()}` };
  return { gflops: Number(r.stdout.trim()) };
}
