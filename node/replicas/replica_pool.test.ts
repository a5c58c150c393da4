/**
 * Data-parallel training in one process: 2 worker-thread replicas (cpu backend each) against a
 * reference computed here — one model applying, in replica order, the mean of stepGradients over
 * the same sub-batches (real TFRecords through the input pipeline) — and no tensor growth in the
 * coordinator or in the replica function.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../test/harness.ts';
import { writeSyntheticSubset } from '../../test/integration/synthetic_records.ts';
import { inputPipeline, type ClipBatch } from '../../core/index.ts';
import {
  disposeStepGradients,
  meanInOrder,
  Optimizer,
  ReplicaModel,
  ReplicatedTrainer,
  replicaSeed,
  replicaSetup,
  stepGradients,
  TfjsModel,
} from '../../core/tfjs/index.ts';
import { subsetSources } from '../data/tfrecord_files.ts';
import { startReplicas } from './start_replicas.ts';

const SPEC = { clipLength: 4, frameHeight: 16, frameWidth: 16, channels: 3, numClasses: 3 };
const CONFIG = { numClasses: 3, depthMultiplier: 0.125, minDepth: 4 };
const SHAPE = [2, 4, 16, 16, 3];
const STEPS = 3;
const root = mkdtempSync(join(tmpdir(), 's3dg-replicas-'));

async function batches(count: number): Promise<ClipBatch[]> {
  const input = inputPipeline({ sources: await subsetSources(join(root, 'train')), spec: SPEC, batchSize: 2, mode: 'train', seed: 5 });
  const out: ClipBatch[] = [];
  for (let i = 0; i < count; i++) out.push((await input.next()).value as ClipBatch);
  await input.return(undefined);
  return out;
}

/** Every variable's values by name. */
async function values(model: TfjsModel): Promise<Map<string, Float32Array>> {
  return new Map([...(await model.namedWeights())].map(([k, v]) => [k, v.values]));
}

/** The reference: stepGradients per sub-batch on the same weights, fixed-order means, one optimizer update. */
async function referenceStep(model: TfjsModel, optimizer: Optimizer, parts: ClipBatch[], seed: number): Promise<void> {
  const start = await values(model);
  const stateNames = model
    .specs()
    .filter((s) => !s.trainable)
    .map((s) => s.name);
  const grads: Map<string, Float32Array>[] = [];
  const states: Map<string, Float32Array>[] = [];
  for (const [r, part] of parts.entries()) {
    for (const name of stateNames)
      tf.tidy(() => model.variables.assign(name, tf.tensor(start.get(name)!, model.variables.get(name).shape)));
    const batch = {
      clips: tf.tensor5d(part.clips, SHAPE as [number, number, number, number, number]),
      labels: tf.tensor2d(part.labels, [2, 3]),
    };
    const s = stepGradients(model, batch, { trains: () => true, weightDecay: 1e-4, seed: replicaSeed(seed, r) });
    grads.push(new Map(await Promise.all([...s.grads].map(async ([k, g]) => [k, Float32Array.from(await g.data())] as const))));
    states.push(
      new Map(await Promise.all(stateNames.map(async (n) => [n, Float32Array.from(await model.variables.get(n).data())] as const))),
    );
    disposeStepGradients(s);
    tf.dispose([batch.clips, batch.labels]);
  }
  const mean = new Map(
    [...grads[0].keys()].map((k) => [k, tf.tensor(meanInOrder(grads.map((g) => g.get(k)!)), model.variables.get(k).shape)]),
  );
  optimizer.apply(mean, (n) => model.variables.get(n));
  tf.dispose([...mean.values()]);
  for (const name of stateNames)
    tf.tidy(() => model.variables.assign(name, tf.tensor(meanInOrder(states.map((s) => s.get(name)!)), model.variables.get(name).shape)));
}

describe('data-parallel replicas (worker threads)', () => {
  let parts: ClipBatch[];
  before(async () => {
    await useBackend('cpu');
    writeSyntheticSubset(join(root, 'train'), SPEC, 12, 21, 4);
    parts = await batches(2 * STEPS);
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    tf.disposeVariables();
  });

  it(`2 threads × ${STEPS} steps with batch norm and dropout training = the fixed-order mean of stepGradients, bit for bit; no tensor growth`, async () => {
    const model = new TfjsModel(CONFIG, { seed: 1 });
    const optimizer = new Optimizer('momentum', 0.05);
    const reference = new TfjsModel(CONFIG, { seed: 1 });
    const referenceOptimizer = new Optimizer('momentum', 0.05);
    const pool = startReplicas({ count: 2, transport: 'threads', backend: 'cpu' });
    try {
      const trainer = new ReplicatedTrainer(model, optimizer, pool, replicaSetup(model, { trains: () => true, weightDecay: 1e-4 }));
      await trainer.start();
      let tensors = 0;
      for (let step = 1; step <= STEPS; step++) {
        const mine = parts.slice(2 * (step - 1), 2 * step);
        const r = await trainer.step(
          mine.map((b) => ({ clips: b.clips, labels: b.labels, shape: SHAPE })),
          { seed: 100 + step, keepEndpoints: step === 1 },
        );
        assert.ok(Number.isFinite(r.loss) && r.probabilities.length === 12);
        if (step === 1) assert.ok(r.endpoints && r.endpoints.size > 0, 'replica 0 returns endpoints when asked');
        // Step 1 creates the optimizer's slots; from then on a step leaves no tensor behind.
        if (step === 2) tensors = tf.memory().numTensors;
        if (step === 3) assert.equal(tf.memory().numTensors, tensors, 'the coordinator leaks tensors');
        await referenceStep(reference, referenceOptimizer, mine, 100 + step);
      }
      const got = await values(model);
      let differing = 0;
      for (const [name, want] of await values(reference)) {
        assert.equal(Buffer.compare(Buffer.from(got.get(name)!.buffer), Buffer.from(want.buffer)) === 0, true, `${name} differs`);
        if (name.endsWith('moving_mean') && want.some((x) => x !== 0)) differing++;
      }
      assert.ok(differing > 0, 'moving means should have moved');
    } finally {
      await pool.close();
      model.dispose();
      optimizer.dispose();
      reference.dispose();
      referenceOptimizer.dispose();
    }
  });

  it('the replica function leaves no tensors behind', async () => {
    const source = new TfjsModel(CONFIG, { seed: 2 });
    const setup = replicaSetup(source, { trains: (n) => n.startsWith('InceptionV1/Logits'), weightDecay: 1e-4, freezeBatchNorm: true });
    const replica = new ReplicaModel(setup);
    const all = [...(await source.namedWeights()).values()].map((w) => w.values);
    const request = (i: number) => ({
      weights: { which: 'all' as const, values: all.map((v) => v.slice()) },
      clips: parts[i].clips,
      labels: parts[i].labels,
      shape: SHAPE,
      seed: i,
      keepEndpoints: i === 1,
    });
    await replica.step(request(0));
    const before = tf.memory().numTensors;
    const r = await replica.step(request(1));
    assert.equal(tf.memory().numTensors, before);
    assert.equal(r.grads.length, setup.trained.length);
    await assert.rejects(replica.step({ ...request(2), weights: { which: 'updated', values: [] } }), /0 weights sent where the model has/);
    assert.equal(tf.memory().numTensors, before);
    replica.dispose();
    source.dispose();
  });

  it("a replica's own error fails the step, naming the replica and its thread", async () => {
    const model = new TfjsModel(CONFIG);
    const pool = startReplicas({ count: 2, transport: 'threads', backend: 'cpu' });
    try {
      await pool.start(replicaSetup(model, { trains: () => true, weightDecay: 0 }));
      const bad = {
        weights: { which: 'updated' as const, values: [] },
        clips: parts[0].clips,
        labels: parts[0].labels,
        shape: SHAPE,
        seed: 0,
        keepEndpoints: false,
      };
      await assert.rejects(
        pool.compute([bad, bad]),
        /^Error: replica [01] of 2 \(thread \d+\): replica: 0 weights sent where the model has \d+ \(updated\)$/,
      );
      await assert.rejects(pool.compute([bad, bad]), /replica [01] of 2/, 'a failed pool stays failed');
    } finally {
      await pool.close();
      model.dispose();
    }
  });
});
