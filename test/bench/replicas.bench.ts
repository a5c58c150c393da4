/**
 * `npm run bench -- --replicas [--quick]`: training throughput of data-parallel replicas on wasm.
 * Each round runs one optimizer step in this thread (`trainStep`, today's `--num_workers 1` path)
 * on a batch of B clips, then one step of 2 worker-thread replicas (`ReplicatedTrainer` over a
 * `ReplicaPool`, what `--num_workers 2` runs) on B clips each, so both see the same machine load.
 * Reported: samples/s of each and their ratio, median over rounds (target: 2 replicas ≥ 1.7×),
 * and the ceiling of that ratio on this machine: the replicas' forward and backward passes alone
 * (no update, no weights sent) over this thread's alone, which only the cores' contention limits.
 * Cases: the demo's model (depth multiplier 0.25, min depth 8, 5 classes, 16×64²) at B = 2 (the
 * demo's batch of 4 split over 2 replicas) and B = 4, and full-size S3D-G (400 classes) at
 * 16×224², B = 1.
 */
import * as tf from '@tensorflow/tfjs';
import type { S3DGConfig } from '../../core/model/config.ts';
import { TfjsModel } from '../../core/tfjs/model.ts';
import { Optimizer } from '../../core/tfjs/training/optimizer.ts';
import { ReplicatedTrainer, replicaSetup } from '../../core/tfjs/training/replicated_step.ts';
import { disposeStepGradients, stepGradients, trainStep } from '../../core/tfjs/training/train_step.ts';
import { setupBackend } from '../../node/backend.ts';
import { startReplicas } from '../../node/replicas/start_replicas.ts';
import { median } from './measure.ts';

export const REPLICA_SPEEDUP_TARGET = 1.7;
const DEMO_CONFIG = { depthMultiplier: 0.25, minDepth: 8, numClasses: 5 };
const REPLICAS = 2;

export interface ReplicaRow {
  model: string;
  frames: number;
  size: number;
  /** Clips per replica per step. */
  batch: number;
  rounds: number;
  single_ms: number;
  replicated_ms: number;
  single_samples_per_s: number;
  replicated_samples_per_s: number;
  /** Replicated samples/s over single, median over rounds. */
  speedup: number;
  /** The same ratio for the gradients alone (no coordinator): what contention between the cores leaves. */
  ceiling: number;
}

interface Case {
  model: string;
  config: Partial<S3DGConfig>;
  frames: number;
  size: number;
  batch: number;
  rounds: number;
}

function randomBatch(c: Case, numClasses: number, seed: number) {
  const shape = [c.batch, c.frames, c.size, c.size, 3];
  const clips = tf.tidy(() => tf.randomUniform(shape, -1, 1, 'float32', seed).dataSync() as Float32Array);
  const labels = tf.tidy(
    () =>
      tf
        .randomUniform([c.batch, numClasses], 0, 1, 'float32', seed + 1)
        .round()
        .dataSync() as Float32Array,
  );
  return { clips: Float32Array.from(clips), labels: Float32Array.from(labels), shape };
}

async function benchCase(c: Case, log: (m: string) => void): Promise<ReplicaRow> {
  const single = new TfjsModel(c.config, { seed: 1 });
  const coordinator = new TfjsModel(c.config, { seed: 1 });
  const numClasses = single.config.numClasses;
  const options = { trains: () => true, weightDecay: 1e-7, freezeBatchNorm: false };
  const singleOptimizer = new Optimizer('adam', 1e-4);
  const replicatedOptimizer = new Optimizer('adam', 1e-4);
  const pool = startReplicas({ count: REPLICAS, transport: 'threads', backend: 'wasm' });
  const trainer = new ReplicatedTrainer(coordinator, replicatedOptimizer, pool, replicaSetup(coordinator, options));
  const batches = Array.from({ length: REPLICAS }, (_, r) => randomBatch(c, numClasses, 10 * r));
  try {
    await trainer.start();
    const singleStep = async (seed: number) => {
      const clips = tf.tensor5d(batches[0].clips, batches[0].shape as [number, number, number, number, number]);
      const labels = tf.tensor2d(batches[0].labels, [c.batch, numClasses]);
      await trainStep(single, singleOptimizer, { clips, labels }, { ...options, seed }).finally(() => tf.dispose([clips, labels]));
    };
    const replicatedStep = (seed: number) => trainer.step(batches, { seed, keepEndpoints: false });
    // The gradients alone: this thread's pass, and both replicas' on the weights they hold.
    const singleGradients = async (seed: number) => {
      const clips = tf.tensor5d(batches[0].clips, batches[0].shape as [number, number, number, number, number]);
      const labels = tf.tensor2d(batches[0].labels, [c.batch, numClasses]);
      const s = stepGradients(single, { clips, labels }, { ...options, seed });
      await s.total.data();
      disposeStepGradients(s);
      tf.dispose([clips, labels]);
    };
    const replicaGradients = (seed: number) =>
      pool.compute(batches.map((b, r) => ({ ...b, weights: { which: 'none', values: [] }, seed: seed + r, keepEndpoints: false })));
    log(`replicas ${c.model} ${c.frames}×${c.size}², batch ${c.batch} per replica: warm-up, then ${c.rounds} rounds`);
    await singleStep(0);
    await replicatedStep(0);
    const singleMs: number[] = [];
    const replicatedMs: number[] = [];
    const ceilings: number[] = [];
    for (let i = 1; i <= c.rounds; i++) {
      let t = performance.now();
      await singleStep(i);
      singleMs.push(performance.now() - t);
      t = performance.now();
      await replicatedStep(i);
      replicatedMs.push(performance.now() - t);
      t = performance.now();
      await singleGradients(i);
      const alone = performance.now() - t;
      t = performance.now();
      await replicaGradients(i);
      ceilings.push((REPLICAS * alone) / (performance.now() - t));
    }
    const speedup = median(singleMs.map((s, i) => (REPLICAS * s) / replicatedMs[i]));
    const [sMs, rMs] = [median(singleMs), median(replicatedMs)];
    return {
      model: c.model,
      frames: c.frames,
      size: c.size,
      batch: c.batch,
      rounds: c.rounds,
      single_ms: sMs,
      replicated_ms: rMs,
      single_samples_per_s: (1000 * c.batch) / sMs,
      replicated_samples_per_s: (1000 * REPLICAS * c.batch) / rMs,
      speedup,
      ceiling: median(ceilings),
    };
  } finally {
    await pool.close();
    single.dispose();
    coordinator.dispose();
    singleOptimizer.dispose();
    replicatedOptimizer.dispose();
  }
}

export async function benchReplicas(quick: boolean, log: (m: string) => void, emit: (r: ReplicaRow) => void): Promise<void> {
  await setupBackend('wasm', log);
  const cases: Case[] = [
    { model: 'demo', config: DEMO_CONFIG, frames: 16, size: 64, batch: 2, rounds: quick ? 5 : 20 },
    { model: 'demo', config: DEMO_CONFIG, frames: 16, size: 64, batch: 4, rounds: quick ? 5 : 20 },
    { model: 'full', config: { numClasses: 400 }, frames: 16, size: 224, batch: 1, rounds: quick ? 1 : 3 },
  ];
  for (const c of cases) emit(await benchCase(c, log));
}

export function describeReplicaRow(r: ReplicaRow): string {
  const verdict = r.speedup >= REPLICA_SPEEDUP_TARGET ? 'meets' : 'below';
  return (
    `replicas ${r.model} ${r.frames}×${r.size}² batch ${r.batch}/replica: 1 thread ${r.single_samples_per_s.toFixed(2)} samples/s ` +
    `(${r.single_ms.toFixed(0)} ms/step), ${REPLICAS} replicas ${r.replicated_samples_per_s.toFixed(2)} samples/s ` +
    `(${r.replicated_ms.toFixed(0)} ms/step): ${r.speedup.toFixed(2)}× (${verdict} the ${REPLICA_SPEEDUP_TARGET}× target; ${r.rounds} rounds); ` +
    `gradients alone, without the coordinator: ${r.ceiling.toFixed(2)}×`
  );
}
