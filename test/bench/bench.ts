/**
 * `npm run bench [-- --json] [--backend wasm|onnxruntime] [--quick] [--no-stream | --stream-only]`: full S3D-G
 * (depth multiplier 1, 400 classes) at batch 1, forward and training step, per available Node
 * backend and clip size, then stream throughput of 64×224² clips through an inference pool of 1
 * and 2 wasm worker threads, then the forward pass on onnxruntime (where installed) beside the
 * same rounds' GEMM peak. Prints a table (progress on stderr), or one JSON object per row.
 * `--sizes 8x32,16x224` replaces the clip sizes (frames×side). webgpu rows name their adapter;
 * a software adapter is measured only with --backend webgpu. `--recompute`: only the training steps
 * with activations recomputed per block (recompute.bench.ts: 64×224² on wasm, and the cost at 16×224²).
 * `--replicas`: only training throughput of 2 worker-thread replicas against one thread
 * (replicas.bench.ts: the demo's model and 16×224²); the full run ends with it too.
 */
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { NODE_BACKENDS, setupBackend } from '../../node/backend.ts';
import { adapterName, probeAdapter } from '../../node/webgpu_adapter.ts';
import { releaseWebgpu } from '../../node/webgpu_backend.ts';
import { S3DG } from '../../core/model/s3dg.ts';
import { TfjsModel } from '../../core/tfjs/model.ts';
import type { NamedWeights } from '../../core/model/named_weights.ts';
import { CLIP_SIZES, runsFor, skipReason, type Pass } from './cases.ts';
import { parseSizes } from './sizes.ts';
import { TRAIN_FLOPS_FACTOR, forwardFlops } from './flops.ts';
import { pairRatio, passOf, timeInterleaved } from './measure.ts';
import { streamThroughput } from './stream.ts';
import { table, toJsonLine, type Row } from './report.ts';
import { loadOnnxruntime } from '../../node/onnx/onnxruntime.ts';
import { timeOnnxForward } from './onnx_forward.ts';
import { GEMM_FLOPS, GEMM_SIZE, numpyGemm } from './gemm_peak.ts';
import { benchRecompute, describeRecompute, type RecomputeRow } from './recompute.bench.ts';
import { benchReplicas, describeReplicaRow, type ReplicaRow } from './replicas.bench.ts';

const CONFIG = { numClasses: 400 };
const STREAM_TARGET_GFLOPS = 40;
const TRAIN_RATIO_TARGET = 3.5;
const ONNX_PEAK_TARGET_PCT = 40;

const { values: flags } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    backend: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'no-stream': { type: 'boolean', default: false },
    'stream-only': { type: 'boolean', default: false },
    sizes: { type: 'string' },
    recompute: { type: 'boolean', default: false },
    replicas: { type: 'boolean', default: false },
  },
});
const clipSizes = (() => {
  try {
    return flags.sizes ? parseSizes(flags.sizes) : CLIP_SIZES;
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exit(2);
  }
})();
const quick = flags.quick ?? false;
const rows: Row[] = [];
const notes: string[] = [];
const progress = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const emit = (row: Row) => {
  rows.push(row);
  if (flags.json) process.stdout.write(`${toJsonLine(row)}\n`);
  progress(
    `${row.backend} ${row.frames}×${row.size}² ${row.pass} ${row.mode}×${row.threads}: ${row.ms.toFixed(0)} ms, ${row.gflops_per_s.toFixed(1)} GFLOP/s`,
  );
};
const note = (m: string) => {
  notes.push(m);
  progress(m);
};

const model = new S3DG(CONFIG);
const flopsOf = (frames: number, size: number, pass: Pass) =>
  forwardFlops(model, [1, frames, size, size, 3]) * (pass === 'train' ? TRAIN_FLOPS_FACTOR : 1);
const mb = (bytes: number) => bytes / 2 ** 20;

/** Why the all-backends run leaves webgpu out (no adapter, or a software one), or null. */
async function webgpuLeftOut(): Promise<string | null> {
  const probe = await probeAdapter();
  if ('why' in probe) return probe.why;
  return probe.adapter.software ? `${adapterName(probe.adapter)} is a software adapter (--backend webgpu measures it anyway)` : null;
}

async function benchBackend(backend: string): Promise<void> {
  const leftOut = backend === 'webgpu' && !flags.backend ? await webgpuLeftOut() : null;
  if (leftOut) {
    note(`webgpu: not measured (${leftOut})`);
    return;
  }
  let software = false;
  let adapter: string | undefined;
  try {
    const choice = await setupBackend(backend, progress);
    software = choice.adapter?.software ?? false;
    adapter = choice.adapter && adapterName(choice.adapter);
  } catch (e) {
    note(`${backend}: not measured (${(e as Error).message})`);
    return;
  }
  if (adapter) note(`${backend}: adapter ${adapter}`);
  const runnable = new TfjsModel(CONFIG);
  for (const { frames, size } of flags['stream-only'] ? [] : clipSizes) {
    const passes: Pass[] = [];
    for (const pass of ['forward', 'train'] as Pass[]) {
      const why = skipReason(backend, { frames, size, pass }, quick, software);
      if (why) note(`${backend} ${frames}×${size}² ${pass}: skipped (${why})`);
      else passes.push(pass);
    }
    if (passes.length === 0) continue;
    const input = tf.randomUniform([1, frames, size, size, 3], -1, 1, 'float32', 1);
    const runs = Math.min(...passes.map((pass) => runsFor(backend, { frames, size, pass }, quick, software)));
    const timings = await timeInterleaved(
      passes.map((pass) => passOf(runnable, pass, input)),
      runs,
    );
    input.dispose();
    passes.forEach((pass, i) => {
      const t = timings[i];
      const gflops = flopsOf(frames, size, pass) / 1e9;
      emit({
        backend,
        ...(adapter ? { adapter } : {}),
        frames,
        size,
        pass,
        mode: 'single',
        threads: 1,
        batch: 1,
        ms: t.ms,
        cpu_ms: t.cpuMs,
        clips_per_s: 1000 / t.ms,
        gflops_per_clip: gflops,
        gflops_per_s: gflops / (t.ms / 1000),
        ...(pass === 'train' && passes[0] === 'forward' ? { train_over_forward: pairRatio(t, timings[0]) } : {}),
        runs: t.runs.length,
        warmup_ms: t.warmupMs,
        peak_tensor_mb: mb(t.peakTensorBytes),
        max_rss_mb: mb(t.maxRssBytes),
      });
    });
  }
  const weights = backend === 'wasm' && !flags['no-stream'] ? await runnable.namedWeights() : null;
  runnable.dispose();
  if (weights) await benchStream(weights);
}

/** Stream rows: 64×224² clips (16×224² with --quick) through pools of 1 and 2 wasm workers. */
async function benchStream(weights: NamedWeights): Promise<void> {
  const [frames, size] = quick ? [16, 224] : [64, 224];
  const gflops = flopsOf(frames, size, 'forward') / 1e9;
  for (const threads of [1, 2]) {
    const clips = quick ? threads : threads === 1 ? 3 : 4;
    progress(`stream: ${threads} worker thread(s), ${clips} clips of ${frames}×${size}² after one warm-up clip per thread`);
    const s = await streamThroughput(CONFIG, weights, [frames, size, size, 3], threads, clips);
    emit({
      backend: 'wasm',
      frames,
      size,
      pass: 'forward',
      mode: 'stream',
      threads,
      batch: 1,
      ms: s.msPerClip,
      cpu_ms: s.cpuMsPerClip,
      clips_per_s: 1000 / s.msPerClip,
      gflops_per_clip: gflops,
      gflops_per_s: gflops / (s.msPerClip / 1000),
      runs: s.clips,
      warmup_ms: s.warmupMs,
      max_rss_mb: mb(process.resourceUsage().maxRSS * 1024),
    });
  }
}

/**
 * onnxruntime rows: the forward pass at 16×224² and 64×224² (16 only with --quick), each round
 * running the 2048² GEMM first, so the % of peak compares both under the same load.
 */
async function benchOnnxruntime(): Promise<void> {
  const ort = await loadOnnxruntime();
  if (!ort.available) {
    note(`onnxruntime: not measured (${ort.reason})`);
    return;
  }
  const threads = availableParallelism();
  const numpy = numpyGemm();
  if ('gflops' in numpy)
    note(`numpy ${GEMM_SIZE}² fp32 GEMM (measured once, before the onnxruntime rounds): ${numpy.gflops.toFixed(1)} GFLOP/s`);
  else note(`numpy GEMM: not measured (${numpy.skipped})`);
  const clips = quick
    ? [{ frames: 16, size: 224 }]
    : [
        { frames: 16, size: 224 },
        { frames: 64, size: 224 },
      ];
  for (const clip of clips) {
    const gflops = flopsOf(clip.frames, clip.size, 'forward') / 1e9;
    const rounds = quick ? 2 : clip.frames === 64 ? 3 : 5;
    progress(`onnxruntime ${clip.frames}×${clip.size}²: ${rounds} rounds of GEMM + forward after a warm-up, ${threads} threads`);
    const t = await timeOnnxForward(ort.ort, CONFIG, clip, gflops * 1e9, rounds, threads);
    emit({
      backend: `onnxruntime ${ort.version}`,
      frames: clip.frames,
      size: clip.size,
      pass: 'forward',
      mode: 'single',
      threads,
      batch: 1,
      ms: t.ms,
      cpu_ms: t.cpuMs,
      clips_per_s: 1000 / t.ms,
      gflops_per_clip: gflops,
      gflops_per_s: gflops / (t.ms / 1000),
      gemm_gflops_per_s: GEMM_FLOPS / 1e9 / (t.gemmMs / 1000),
      peak_pct: t.peakFraction * 100,
      peak_pct_cpu: t.cpuPeakFraction * 100,
      runs: t.runs,
      warmup_ms: t.warmupMs,
      max_rss_mb: mb(process.resourceUsage().maxRSS * 1024),
    });
  }
}

const started = performance.now();
if (flags.recompute) {
  const found: RecomputeRow[] = [];
  await benchRecompute(quick, progress, (r) => {
    found.push(r);
    if (flags.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    progress(describeRecompute(r));
  });
  progress(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (!flags.json) for (const r of found) console.log(describeRecompute(r));
  process.exit(0);
}
/** Replica rows: printed as they come (JSON) or after the table. */
const replicaRows: ReplicaRow[] = [];
const runReplicas = () =>
  benchReplicas(quick, progress, (r) => {
    replicaRows.push(r);
    if (flags.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    progress(describeReplicaRow(r));
  });
if (flags.replicas) {
  await runReplicas();
  progress(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (!flags.json) for (const r of replicaRows) console.log(describeReplicaRow(r));
  process.exit(0);
}
const tfjsBackends = flags.backend ? (flags.backend === 'onnxruntime' ? [] : [flags.backend]) : NODE_BACKENDS;
for (const backend of tfjsBackends) await benchBackend(backend);
// Frees the Dawn device: its instance can keep the event loop alive (see releaseWebgpu).
releaseWebgpu();
if (!flags['stream-only'] && (!flags.backend || flags.backend === 'onnxruntime')) await benchOnnxruntime();
if (!flags['stream-only'] && (!flags.backend || flags.backend === 'wasm')) await runReplicas();
progress(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);

if (!flags.json) {
  console.log(table(rows));
  console.log('\nFLOPs: counted by the model on CountingOps (2 per multiply-add); train = 3 × forward.');
  console.log('ms: median of the timed runs after one warm-up run (stream: wall time per clip, all workers busy).');
  console.log('train/fwd: median over rounds that each run forward then train (interleaved, so drift in machine speed cancels).');
  console.log(
    'peak tensors: tfjs bytes high-water during the warm-up run (tfjs counts each reshaped view again, so it overstates memory held); max RSS: process high-water so far.',
  );
  for (const n of notes) console.log(`note: ${n}`);
  for (const r of replicaRows) console.log(describeReplicaRow(r));
  const best = Math.max(0, ...rows.filter((r) => r.mode === 'stream' && r.frames === 64).map((r) => r.gflops_per_s));
  if (best > 0) console.log(`stream 64×224² best: ${best.toFixed(1)} GFLOP/s (target ≥ ${STREAM_TARGET_GFLOPS})`);
  for (const r of rows.filter((r) => r.peak_pct !== undefined)) {
    console.log(
      `${r.backend} ${r.frames}×${r.size}² forward: ${r.gflops_per_s.toFixed(1)} GFLOP/s = ${r.peak_pct!.toFixed(0)}% of the same rounds' ` +
        `GEMM peak (${r.gemm_gflops_per_s!.toFixed(1)} GFLOP/s, onnxruntime MatMul ${GEMM_SIZE}², ${r.threads} threads); ` +
        `${r.peak_pct_cpu!.toFixed(0)}% by CPU time` +
        (r.frames === 64 ? ` (target ≥ ${ONNX_PEAK_TARGET_PCT}%)` : ''),
    );
  }
  for (const r of rows.filter((r) => r.train_over_forward !== undefined)) {
    console.log(`train/forward ${r.backend} ${r.frames}×${r.size}²: ${r.train_over_forward!.toFixed(2)} (target ≤ ${TRAIN_RATIO_TARGET})`);
  }
}
