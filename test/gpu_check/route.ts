/**
 * One GPU route of the GPU check, in its own process (test/gpu_check.ts starts it, so a route
 * that crashes or hangs cannot take the others with it): starts the backend, runs the parity
 * cases against cpu, then times full S3D-G forward and training passes at each clip size.
 * Prints one JSON line per result on stdout; progress goes to stderr.
 *
 * `tsx test/gpu_check/route.ts --route webgpu|tensorflow --sizes 16x224,64x224 --runs 3`
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../node/backend.ts';
import { adapterName } from '../../node/webgpu_adapter.ts';
import { releaseWebgpu } from '../../node/webgpu_backend.ts';
import { S3DG } from '../../core/model/s3dg.ts';
import { TfjsModel } from '../../core/tfjs/model.ts';
import { useBackend } from '../harness.ts';
import { runParityCases } from '../parity_cases.ts';
import { TRAIN_FLOPS_FACTOR, forwardFlops } from '../bench/flops.ts';
import { passOf, timeInterleaved } from '../bench/measure.ts';
import type { Pass } from '../bench/cases.ts';
import { parseSizes } from '../bench/sizes.ts';

const CONFIG = { numClasses: 400 };

const { values: flags } = parseArgs({
  options: {
    route: { type: 'string' },
    sizes: { type: 'string', default: '16x224,64x224' },
    runs: { type: 'string', default: '3' },
  },
});
const route = flags.route ?? '';
const emit = ({ kind, ...rest }: { kind: string } & Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ kind, route, ...rest })}\n`);
const progress = (m: string) => process.stderr.write(`[${route}] ${m}\n`);

if (route !== 'webgpu' && route !== 'tensorflow') throw new Error(`--route ${route}: choose webgpu or tensorflow`);
const sizes = parseSizes(flags.sizes ?? '');
const runs = Number(flags.runs);

const choice = await setupBackend(route, progress);
const adapter = choice.adapter && adapterName(choice.adapter);
if (route === 'tensorflow' && choice.binding !== '@tensorflow/tfjs-node-gpu') {
  emit({ kind: 'route', status: 'skipped', why: `only ${choice.binding} (TensorFlow on the CPU) loads, not @tensorflow/tfjs-node-gpu` });
  process.exit(0);
}
emit({ kind: 'route', status: 'started', ...(adapter ? { adapter, software: choice.adapter?.software } : { binding: choice.binding }) });

const activate = async (name: string) => {
  await useBackend(name);
  return true;
};
await runParityCases(activate, route, 'all', (c) =>
  emit({ kind: 'parity', case: c.name, ok: c.ok, max_abs_diff: c.maxAbsDiff, max_abs_value: c.maxAbsValue, tolerance: c.tolerance }),
);

await useBackend(route);
const model = new TfjsModel(CONFIG);
const shapes = new S3DG(CONFIG);
for (const { frames, size } of sizes) {
  const input = tf.randomUniform([1, frames, size, size, 3], -1, 1, 'float32', 1);
  const passes: Pass[] = ['forward', 'train'];
  progress(`${frames}×${size}²: warm-up, then ${runs} timed rounds of forward and training`);
  try {
    const timings = await timeInterleaved(
      passes.map((pass) => passOf(model, pass, input)),
      runs,
    );
    passes.forEach((pass, i) => {
      const gflops = (forwardFlops(shapes, [1, frames, size, size, 3]) * (pass === 'train' ? TRAIN_FLOPS_FACTOR : 1)) / 1e9;
      const t = timings[i];
      emit({
        kind: 'bench',
        ...(adapter ? { adapter } : {}),
        frames,
        size,
        pass,
        batch: 1,
        ms: t.ms,
        clips_per_s: 1000 / t.ms,
        gflops_per_s: gflops / (t.ms / 1000),
        runs: t.runs.length,
        warmup_ms: t.warmupMs,
      });
    });
  } catch (e) {
    emit({ kind: 'bench', frames, size, error: (e as Error).message.split('\n')[0] });
  } finally {
    input.dispose();
  }
}
model.dispose();
releaseWebgpu();
