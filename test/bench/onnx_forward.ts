/**
 * S3D-G's forward pass on onnxruntime (the `--engine onnxruntime` path: the model exported by
 * core/export/onnx, graph optimisation 'all', every core as intra-op threads), timed in rounds
 * that each run the GEMM-peak MatMul and then the pass, so "% of peak" compares the two under
 * the same load. Weights are reproducible random values: speed does not depend on them.
 */
import { S3DG } from '../../core/model/s3dg.ts';
import type { S3DGConfig } from '../../core/model/config.ts';
import type { NamedWeights } from '../../core/model/named_weights.ts';
import { buildOnnxModel, ONNX_INPUT } from '../../core/export/onnx/onnx_model.ts';
import type { OrtModule } from '../../node/onnx/onnxruntime.ts';
import { GEMM_FLOPS, gemmSession } from './gemm_peak.ts';
import { median } from './measure.ts';

export interface OnnxForwardTiming {
  /** Median wall ms of the pass. */
  ms: number;
  /** Median process CPU ms (all threads) of the pass. */
  cpuMs: number;
  /** Median wall ms of the GEMM in the same rounds. */
  gemmMs: number;
  /** Median over rounds of (pass GFLOP/s) / (GEMM GFLOP/s), wall time. */
  peakFraction: number;
  /**
   * The same by process CPU time (GFLOP per CPU-second, all threads): how well the pass uses the
   * cycles it gets, which time-slicing by other processes on shared cores does not change.
   */
  cpuPeakFraction: number;
  runs: number;
  warmupMs: number;
}

/** Reproducible weights with fan-in scaling (activations stay O(1)) for every variable of `net`. */
function benchWeights(net: S3DG): NamedWeights {
  let s = 17;
  const next = () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s >>> 8) / 2 ** 24;
  };
  return new Map(
    net.variables().map((spec) => {
      const n = spec.shape.reduce((a, b) => a * b, 1);
      const fanIn = spec.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const scale = spec.name.endsWith('weights') ? Math.sqrt(3 / fanIn) : 0.1;
      const offset = spec.name.endsWith('moving_variance') ? 1 : 0;
      return [spec.name, { shape: spec.shape, values: Float32Array.from({ length: n }, () => offset + (next() * 2 - 1) * scale) }];
    }),
  );
}

/** Times the forward pass of `config` at batch 1 on a [frames, size, size, 3] clip. */
export async function timeOnnxForward(
  ort: OrtModule,
  config: Partial<S3DGConfig>,
  clip: { frames: number; size: number },
  flops: number,
  rounds: number,
  threads: number,
): Promise<OnnxForwardTiming> {
  const net = new S3DG(config);
  const bytes = buildOnnxModel(net, benchWeights(net), {
    clip: { clipLength: clip.frames, frameHeight: clip.size, frameWidth: clip.size },
    producer: 's3dg bench',
  });
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const gemm = await gemmSession(ort, threads);
  try {
    const shape = [1, clip.frames, clip.size, clip.size, 3];
    const input = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i) * 0.9);
    const feed = { [ONNX_INPUT]: new ort.Tensor('float32', input, shape) };
    const t0 = performance.now();
    await session.run(feed);
    await gemm.run();
    const warmupMs = performance.now() - t0;
    const ms: number[] = [];
    const cpu: number[] = [];
    const gemmMs: number[] = [];
    const fractions: number[] = [];
    const cpuFractions: number[] = [];
    const cpuMsSince = (since: NodeJS.CpuUsage) => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1000;
    };
    for (let i = 0; i < rounds; i++) {
      const gemmCpu = process.cpuUsage();
      let start = performance.now();
      await gemm.run();
      const g = performance.now() - start;
      const gc = cpuMsSince(gemmCpu);
      const cpuStart = process.cpuUsage();
      start = performance.now();
      await session.run(feed);
      const m = performance.now() - start;
      const c = cpuMsSince(cpuStart);
      ms.push(m);
      cpu.push(c);
      gemmMs.push(g);
      fractions.push(flops / m / (GEMM_FLOPS / g));
      cpuFractions.push(flops / c / (GEMM_FLOPS / gc));
    }
    return {
      ms: median(ms),
      cpuMs: median(cpu),
      gemmMs: median(gemmMs),
      peakFraction: median(fractions),
      cpuPeakFraction: median(cpuFractions),
      runs: rounds,
      warmupMs,
    };
  } finally {
    await session.release();
    await gemm.release();
  }
}
