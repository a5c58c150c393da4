/**
 * The guide's three-phase recipe end to end on real TFRecords in the original format (tiny clips,
 * small depth_multiplier), through the core Estimator with the Node platform.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../harness.ts';
import { nodePlatform } from '../../node/platform.ts';
import { subsetSources } from '../../node/data/tfrecord_files.ts';
import { inputPipeline } from '../../core/data/input_pipeline.ts';
import type { ClipSpec } from '../../core/data/clip_spec.ts';
import { Estimator, type EstimatorOptions } from '../../core/tfjs/training/estimator.ts';
import { parseVariableSelection } from '../../core/model/variable_selection.ts';
import { saveModelCheckpoint } from '../../core/tfjs/training/checkpoints.ts';
import { resolveCheckpoint } from '../../core/model/checkpoint_weights.ts';
import { TfjsModel } from '../../core/tfjs/model.ts';
import { CheckpointReader } from '../../core/formats/checkpoint_reader.ts';
import { readEvents } from '../../core/formats/event_reader.ts';
import { writeSyntheticSubset } from './synthetic_records.ts';
import { FIXTURES_SKIP, fixture, TFX_DIR } from '../shared_fixtures.ts';

// At 16×32² the last blocks see 2×1×1 maps. Where a batch norm in training mode sees one distinct
// value per channel (batch 1, or Branch_3's 3×3×3 max pool over a 2×1×1 map) it outputs exactly
// its offset and ReLU passes no gradient — in TF too. Phase 2 therefore runs at batch 2 here.
const SPEC: ClipSpec = { clipLength: 16, frameHeight: 32, frameWidth: 32, channels: 3, numClasses: 3 };
const FRAME = { height: SPEC.frameHeight, width: SPEC.frameWidth };
const MODEL = { numClasses: 3, depthMultiplier: 0.125, minDepth: 4 };
const root = mkdtempSync(join(tmpdir(), 's3dg-recipe-'));
const dir = (name: string) => join(root, name);

function options(modelDir: string, extra: Partial<EstimatorOptions>): EstimatorOptions {
  return {
    platform: { ...nodePlatform, log: () => {} },
    run: { modelDir, saveSummarySteps: 2, saveCheckpointsSteps: 2, logStepCountSteps: 1, keepCheckpointMax: 5 },
    model: MODEL,
    optimizer: 'momentum',
    learningRate: 0.1,
    weightDecay: 1e-7,
    seed: 7,
    ...extra,
  };
}

async function trainInput(batchSize: number) {
  return inputPipeline({ sources: await subsetSources(dir('data/train')), spec: SPEC, batchSize, mode: 'train', shuffleBuffer: 8 });
}
async function evalInput() {
  const sources = await subsetSources(dir('data/eval'));
  return () => inputPipeline({ sources, spec: SPEC, batchSize: 4, mode: 'eval' });
}

async function readCheckpoint(path: string): Promise<Map<string, Float32Array | BigInt64Array>> {
  const prefix = (await resolveCheckpoint(nodePlatform, path))!;
  const reader = await CheckpointReader.open(prefix, nodePlatform.readFile);
  const out = new Map<string, Float32Array | BigInt64Array>();
  for (const t of await reader.readAll()) out.set(t.name, t.values as Float32Array | BigInt64Array);
  return out;
}

const same = (a: ArrayLike<number | bigint>, b: ArrayLike<number | bigint>) =>
  a.length === b.length && Array.from(a).every((v, i) => v === b[i]);
const isLogits = (n: string) => n.startsWith('InceptionV1/Logits/');

async function eventTags(eventDir: string): Promise<Set<string>> {
  const tags = new Set<string>();
  for (const f of readdirSync(eventDir).filter((n) => n.startsWith('events.out.tfevents.'))) {
    for await (const e of readEvents(readFileSync(join(eventDir, f)))) for (const v of e.summary ?? []) tags.add(v.tag);
  }
  return tags;
}

describe('three-phase recipe on TFRecords', () => {
  before(async () => {
    await useBackend('cpu');
    writeSyntheticSubset(dir('data/train'), SPEC, 16, 1);
    writeSyntheticSubset(dir('data/eval'), SPEC, 8, 2);
    // The "Kinetics" checkpoint: same body, a 5-class head, as a pretraining run leaves it.
    const pre = new TfjsModel({ ...MODEL, numClasses: 5 }, { seed: 99 });
    await saveModelCheckpoint(nodePlatform, dir('pretrained'), 1000, pre, null, 5);
    pre.dispose();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('phase 1 (warm start s3dg_convs, train s3dg_logits, lr 0.1, batch 2) changes only the logits and batch-norm statistics', async () => {
    const est = new Estimator(
      options(dir('phase1'), {
        warmStart: { from: dir('pretrained'), select: parseVariableSelection('s3dg_convs', '--variables_to_warm_start') },
        variablesToTrain: parseVariableSelection('s3dg_logits', '--variables_to_train'),
      }),
      FRAME,
    );
    const result = await est.trainAndEvaluate(await trainInput(2), await evalInput(), 4);
    assert.equal(result.globalStep, 4);
    assert.ok(result.metrics.f1 >= 0 && result.metrics.auc >= 0);
    est.dispose();
    const source = await readCheckpoint(dir('pretrained'));
    const trained = await readCheckpoint(dir('phase1'));
    assert.equal((trained.get('global_step') as BigInt64Array)[0], 4n);
    for (const [name, values] of trained) {
      if (name === 'global_step' || name.endsWith('/Momentum')) continue;
      if (isLogits(name)) continue;
      // Batch norm runs in training mode in every layer, trained or not (the original's
      // is_training=True and UPDATE_OPS): its moving averages follow the new data.
      if (/\/moving_(mean|variance)$/.test(name)) assert.ok(!same(values, source.get(name)!), `${name} did not follow the batches`);
      else assert.ok(same(values, source.get(name)!), `${name} changed in phase 1`);
    }
    assert.ok(trained.has('InceptionV1/Logits/Conv2d_0c_1x1/weights/Momentum'), 'momentum slots saved under TF names');
    assert.ok(![...trained.keys()].some((n) => n.endsWith('/Momentum') && !isLogits(n)), 'no slots for frozen variables');
    const step2 = await CheckpointReader.open(join(dir('phase1'), 'model.ckpt-2'), nodePlatform.readFile);
    const w2 = (await step2.read('InceptionV1/Logits/Conv2d_0c_1x1/weights')).values as Float32Array;
    assert.ok(!same(w2, trained.get('InceptionV1/Logits/Conv2d_0c_1x1/weights')!), 'logits trained');
  });

  it('phase 2 (warm start everything from phase 1, lr 1e-3) changes every variable', async () => {
    const est = new Estimator(
      options(dir('phase2'), { learningRate: 1e-3, warmStart: { from: dir('phase1'), select: () => true } }),
      FRAME,
    );
    await est.trainAndEvaluate(await trainInput(2), await evalInput(), 2);
    est.dispose();
    const before = await readCheckpoint(dir('phase1'));
    const after = await readCheckpoint(dir('phase2'));
    for (const [name, values] of after) {
      if (name === 'global_step' || name.endsWith('/Momentum')) continue;
      assert.ok(!same(values, before.get(name)!), `${name} did not change in phase 2`);
    }
  });

  it('phase 3 continues at lr 1e-5; event files decode with the expected tags', async () => {
    const est = new Estimator(
      options(dir('phase3'), { learningRate: 1e-5, warmStart: { from: dir('phase2'), select: () => true } }),
      FRAME,
    );
    await est.trainAndEvaluate(await trainInput(1), await evalInput(), 2);
    est.dispose();
    const train = await eventTags(dir('phase3'));
    for (const tag of [
      'Losses/total_loss',
      'Losses/sigmoid_loss',
      'loss',
      'Metrics/train/f1',
      'global_step/sec',
      'activations/Mixed_5c',
      'sparsity/Conv2d_1a_7x7',
      'InceptionV1/Logits/Conv2d_0c_1x1/weights_1',
    ]) {
      assert.ok(train.has(tag), `train events lack ${tag}`);
    }
    const evalTags = await eventTags(join(dir('phase3'), 'eval'));
    for (const tag of ['loss', 'Metrics/eval/auc', 'Metrics/eval/precision', 'Metrics/eval/recall', 'Metrics/eval/f1'])
      assert.ok(evalTags.has(tag), `eval events lack ${tag}`);
  });

  it('a stopped run resumes at its global step with its momentum; tensors do not grow across steps', async () => {
    const first = new Estimator(options(dir('resume'), {}), FRAME);
    const input = await trainInput(2);
    let counts: number[] = [];
    const stepper = new Estimator(options(dir('resume'), { onStep: () => counts.push(tf.memory().numTensors) }), FRAME);
    first.dispose();
    await stepper.train(input, { maxSteps: 3 });
    assert.equal(stepper.globalStep, 3);
    assert.equal(new Set(counts.slice(1)).size, 1, `tensor counts per step: ${counts}`);
    stepper.dispose();
    counts = [];
    const resumed = new Estimator(options(dir('resume'), {}), FRAME);
    await resumed.prepare();
    assert.equal(resumed.globalStep, 3);
    const slot = await readCheckpoint(dir('resume'));
    const w = 'InceptionV1/Mixed_5c/Branch_0/Conv2d_0a_1x1/weights';
    assert.ok(slot.has(`${w}/Momentum`));
    await resumed.train(input, { maxSteps: 5 });
    assert.equal(resumed.globalStep, 5);
    resumed.dispose();
    await input.return(undefined);
  });

  it('warm start from an unrelated TF checkpoint reports missing variables by name', { skip: FIXTURES_SKIP }, async () => {
    const tfx = fixture(TFX_DIR);
    const est = new Estimator(options(dir('tfx'), { warmStart: { from: tfx, select: () => true } }), FRAME);
    await assert.rejects(
      est.prepare(),
      /warm start from .*model\.ckpt-1000: the weights do not match the model: \d+ problems over \d+ variables:\n.*missing: InceptionV1\/Conv2d_1a_7x7\//,
    );
    est.dispose();
  });
});
