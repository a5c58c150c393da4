/**
 * `npm run bench -- --recompute [--quick]`: training steps with activations recomputed per block
 * (`recompute.ts`) on wasm, full-size S3D-G (depth multiplier 1, 400 classes), batch 1:
 *  - a 64×224² step, which does not fit wasm's 4 GiB heap without recomputation: its time and peak
 *    memory (the wasm heap, which only grows, and the process's resident-set high-water);
 *  - at 16×224² (8×112² with --quick), the step time with recomputation over without, from
 *    interleaved rounds (target ≤ 1.4×).
 * Each step is the trainer's `stepGradients` (forward, loss, every trainable variable's gradient).
 */
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../node/backend.ts';
import { trainingStepBytes } from '../../core/model/pass_cost.ts';
import { TfjsModel } from '../../core/tfjs/model.ts';
import { disposeStepGradients, stepGradients } from '../../core/tfjs/training/train_step.ts';
import { pairRatio, timeInterleaved } from './measure.ts';

const CONFIG = { numClasses: 400 };
const RATIO_TARGET = 1.4;
const MiB = 2 ** 20;

export interface RecomputeRow {
  frames: number;
  size: number;
  recompute: boolean;
  /** Median ms per step (the 64-frame row: one timed step after a warm-up step). */
  ms: number;
  /** Process CPU ms of that step (median): tells contention for the cores from slowness. */
  cpu_ms: number;
  runs: number;
  warmup_ms: number;
  /** The step's memory estimate (pass_cost.ts), MiB. */
  estimate_mb: number;
  /** wasm heap size after the row (it only grows: the high-water so far), MiB. */
  wasm_heap_mb: number;
  max_rss_mb: number;
  /** Recomputed step time over the plain one, median over interleaved rounds. */
  ratio?: number;
}

/** The wasm backend's memory (its Emscripten module exports it; the threaded build keeps it in wasmMemory). */
interface WasmModule {
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
}
const heapMb = () => {
  const wasm = (tf.backend() as unknown as { wasm: WasmModule }).wasm;
  return ((wasm.wasmMemory ?? wasm.asm?.memory)?.buffer.byteLength ?? Number.NaN) / MiB;
};
const rssMb = () => (process.resourceUsage().maxRSS * 1024) / MiB;

/** One training step's gradients of `model` on `input`, read back and freed. */
function stepOf(model: TfjsModel, input: tf.Tensor5D, labels: tf.Tensor2D, recompute: boolean): () => Promise<void> {
  let seed = 0;
  return async () => {
    const s = stepGradients(model, { clips: input, labels }, { trains: () => true, weightDecay: 1e-7, seed: seed++, recompute });
    await s.total.data();
    disposeStepGradients(s);
  };
}

export async function benchRecompute(quick: boolean, progress: (m: string) => void, emit: (row: RecomputeRow) => void): Promise<void> {
  await setupBackend('wasm', progress);
  const model = new TfjsModel(CONFIG);
  const labels = tf.zeros([1, CONFIG.numClasses]) as tf.Tensor2D;
  const estimate = (frames: number, size: number, recompute: boolean) =>
    trainingStepBytes(model.net, [frames, size, size, 3], 1, recompute) / MiB;
  // The 64-frame step first, while the heap has held nothing larger: its size after is this step's high-water.
  if (!quick) {
    const input = tf.randomUniform([1, 64, 224, 224, 3], -1, 1, 'float32', 1) as tf.Tensor5D;
    progress(`wasm 64×224² training step with --recompute: a warm-up step, then one timed (minutes)`);
    const [t] = await timeInterleaved([stepOf(model, input, labels, true)], 1);
    emit({
      frames: 64,
      size: 224,
      recompute: true,
      ms: t.ms,
      cpu_ms: t.cpuMs,
      runs: t.runs.length,
      warmup_ms: t.warmupMs,
      estimate_mb: estimate(64, 224, true),
      wasm_heap_mb: heapMb(),
      max_rss_mb: rssMb(),
    });
    input.dispose();
  }
  const [frames, size, rounds] = quick ? [8, 112, 3] : [16, 224, 3];
  const input = tf.randomUniform([1, frames, size, size, 3], -1, 1, 'float32', 2) as tf.Tensor5D;
  progress(`wasm ${frames}×${size}² training step, plain and with --recompute: ${rounds} interleaved rounds after a warm-up each`);
  const [plain, again] = await timeInterleaved([stepOf(model, input, labels, false), stepOf(model, input, labels, true)], rounds);
  for (const [t, recompute] of [
    [plain, false],
    [again, true],
  ] as const) {
    emit({
      frames,
      size,
      recompute,
      ms: t.ms,
      cpu_ms: t.cpuMs,
      runs: t.runs.length,
      warmup_ms: t.warmupMs,
      estimate_mb: estimate(frames, size, recompute),
      wasm_heap_mb: heapMb(),
      max_rss_mb: rssMb(),
      ...(recompute ? { ratio: pairRatio(again, plain) } : {}),
    });
  }
  progress(`recompute/plain step time at ${frames}×${size}²: ${pairRatio(again, plain).toFixed(2)} (target ≤ ${RATIO_TARGET})`);
  tf.dispose([input, labels]);
  model.dispose();
}

/** The rows as lines for people. */
export function describeRecompute(r: RecomputeRow): string {
  const what = `wasm ${r.frames}×${r.size}² batch 1 training step${r.recompute ? ' with --recompute' : ''}`;
  const ratio = r.ratio === undefined ? '' : `; ${r.ratio.toFixed(2)}× the plain step (target ≤ ${RATIO_TARGET})`;
  return (
    `${what}: ${(r.ms / 1000).toFixed(1)} s, CPU ${(r.cpu_ms / 1000).toFixed(1)} s (median of ${r.runs}; warm-up ${(r.warmup_ms / 1000).toFixed(1)} s), ` +
    `estimate ${r.estimate_mb.toFixed(0)} MiB, wasm heap ${r.wasm_heap_mb.toFixed(0)} MiB, max RSS ${r.max_rss_mb.toFixed(0)} MiB${ratio}`
  );
}
