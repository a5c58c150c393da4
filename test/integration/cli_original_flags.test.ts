/**
 * Flags that mean what they meant in the original s3dg_estimator.py, driven through the CLI on
 * real records: --metric_weights <group>, --num_gpus 0 and > 1, which checkpoint eval and
 * predict read, training flags in other modes, --warm_start alone, and every checkpoint kept.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticClip, writeSyntheticSubset } from './synthetic_records.ts';
import { Rng } from '../../core/data/rng.ts';
import { evalMetricsAt } from '../../core/export/eval_metrics.ts';
import { nodePlatform } from '../../node/platform.ts';

const CLI = new URL('../../node/bin/s3dg.js', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 's3dg-original-flags-'));
// 96 classes: the size the original's metric_weights_96 groups are written for.
const SPEC = { clipLength: 4, frameHeight: 32, frameWidth: 32, channels: 3, numClasses: 96 };
const EVAL_SEED = 5;
const EVAL_CLIPS = 6;
const MODEL = ['--num_classes', '96', '--clip_length', '4', '--frame_height', '32', '--frame_width', '32'];
const COMMON = [...MODEL, '--depth_multiplier', '0.125', '--min_depth', '4', '--batch_size', '2'];
const dir = (name: string) => join(root, name);
const TRAIN = ['--train_subset_dir_path', dir('train')];
const EVAL = ['--eval_subset_dir_path', dir('eval')];

function s3dg(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args, ...COMMON], { encoding: 'utf8', env: { ...process.env, S3DG_BACKEND: 'cpu' } });
}

const checkpointSteps = (modelDir: string) =>
  readdirSync(modelDir)
    .map((f) => /^model\.ckpt-(\d+)\.index$/.exec(f)?.[1])
    .filter((s) => s !== undefined)
    .map(Number)
    .sort((a, b) => a - b);

/** `eval <name>: <value>` lines of the CLI's standard output. */
const printed = (stdout: string) => Object.fromEntries([...stdout.matchAll(/^eval (\w+): ([0-9.]+)$/gm)].map((m) => [m[1], Number(m[2])]));

describe('s3dg flags as the original s3dg_estimator.py reads them', () => {
  before(() => {
    writeSyntheticSubset(dir('train'), SPEC, 4, 3);
    writeSyntheticSubset(dir('eval'), SPEC, EVAL_CLIPS, EVAL_SEED);
    // A: six steps with a checkpoint after each, at the defaults.
    const r = s3dg(['--mode', 'train', '--model_dir', dir('A'), ...TRAIN, '--monitor_steps', '1', '--train_steps', '6']);
    assert.equal(r.status, 0, r.stderr);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('keeps every checkpoint, as the original (keep_checkpoint_max=10000); --keep_checkpoint_max N keeps the newest N', () => {
    assert.deepEqual(checkpointSteps(dir('A')), [1, 2, 3, 4, 5, 6]);
    assert.equal((readFileSync(join(dir('A'), 'checkpoint'), 'utf8').match(/^all_model_checkpoint_paths:/gm) ?? []).length, 6);
    const r = s3dg([
      '--mode',
      'train',
      '--model_dir',
      dir('K'),
      ...TRAIN,
      '--monitor_steps',
      '1',
      '--train_steps',
      '3',
      '--keep_checkpoint_max',
      '2',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(checkpointSteps(dir('K')), [2, 3]);
  });

  it('--num_gpus 0 runs on the CPU alone (CUDA devices hidden); --num_gpus 2 in eval says it runs on one device', () => {
    let r = s3dg(['--mode', 'train', '--model_dir', dir('G'), ...TRAIN, '--train_steps', '1', '--num_gpus', '0']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /--num_gpus 0: CPU only \(CUDA_VISIBLE_DEVICES=''\)/);
    assert.deepEqual(checkpointSteps(dir('G')), [1]);
    r = s3dg(['--mode', 'eval', '--model_dir', dir('A'), ...EVAL, '--num_gpus', '2', '--gpu_num', '1']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /--num_gpus 2: --mode eval runs on one device, CUDA device 1 \(--gpu_num\)/);
  });

  it("eval and predict read model_dir's latest checkpoint; --checkpoint_path only where model_dir has none; the log names it", () => {
    let r = s3dg(['--mode', 'eval', '--model_dir', dir('A'), ...EVAL, '--checkpoint_path', dir('K')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /A\/model\.ckpt-6, the latest checkpoint in --model_dir \(--checkpoint_path .*K is ignored/);
    assert.match(r.stdout, /^eval at global step 6 /m);
    r = s3dg(['--mode', 'predict', '--model_dir', dir('P'), '--predict_subset_dir_path', dir('eval'), '--checkpoint_path', dir('K')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /K\/model\.ckpt-3 \(--checkpoint_path; .*P has no checkpoint\)/);
    assert.ok(existsSync(join(dir('P'), 'predictions-3.csv')), r.stderr);
    r = s3dg(['--mode', 'eval', '--model_dir', dir('empty'), ...EVAL]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--mode eval: .*empty has no checkpoint \(train first, or give --checkpoint_path\)/);
  });

  it('a guide command switched to --mode eval runs, its training flags ignored in one line; --warm_start alone starts from model_dir', () => {
    // The guide's phase 1, as the original's readme writes it, with --mode eval.
    let r = s3dg([
      '--mode',
      'eval',
      '--model_dir',
      dir('A'),
      '--warm_start',
      '--checkpoint_path',
      dir('K'),
      ...TRAIN,
      ...EVAL,
      '--monitor_steps',
      '532',
      '--learning_rate',
      '0.1',
      '--variables_to_warm_start',
      's3dg_convs',
      '--variables_to_train',
      's3dg_logits',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const notes = r.stderr.split('\n').filter((l) => l.includes('ignores'));
    assert.deepEqual(notes, [
      '--mode eval ignores --warm_start, --variables_to_warm_start, --variables_to_train, --train_subset_dir_path, --learning_rate, ' +
        '--monitor_steps (flags this mode does not read)',
    ]);
    // As the original's WarmStartSettings(ckpt_to_initialize_from=model_dir): a model dir with a
    // checkpoint resumes from it; one without has nothing to start from.
    r = s3dg(['--mode', 'train', '--model_dir', dir('K'), ...TRAIN, '--warm_start', '--train_steps', '1']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /warm start from .*K \(--warm_start without --checkpoint_path: from --model_dir, as the original\)/);
    assert.match(r.stderr, /resuming from .*K\/model\.ckpt-3 at global step 3/);
    assert.match(r.stderr, /saved checkpoint .*K\/model\.ckpt-4/);
    r = s3dg(['--mode', 'train', '--model_dir', dir('W'), ...TRAIN, '--warm_start']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--warm_start without --checkpoint_path starts from --model_dir, and .*W has no checkpoint yet/);
  });

  it("--metric_weights gate: precision, recall and F1 over the original's gate classes (1-5) only, under the original's tags", async () => {
    // Model dirs of their own (reading A's checkpoint), so their eval events and predictions are these runs' alone.
    const r = s3dg(['--mode', 'eval', '--model_dir', dir('M'), '--checkpoint_path', dir('A'), ...EVAL, '--metric_weights', 'gate']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /--metric_weights gate: metrics over classes 1-5 only/);
    const p = s3dg(['--mode', 'predict', '--model_dir', dir('Q'), '--checkpoint_path', dir('A'), '--predict_subset_dir_path', dir('eval')]);
    assert.equal(p.status, 0, p.stderr);
    // Counted here from the predicted class ids and the records' labels, over classes 1-5 and over all.
    const predicted = (JSON.parse(readFileSync(join(dir('Q'), 'predictions-6.json'), 'utf8')) as { predictions: { class_ids: number[] }[] })
      .predictions;
    const rng = new Rng(EVAL_SEED);
    const labels = Array.from({ length: EVAL_CLIPS }, () => syntheticClip(SPEC, rng).label);
    const count = (classes: number[]) => {
      const c = { tp: 0, fp: 0, fn: 0 };
      labels.forEach((label, i) => {
        for (const k of classes) {
          const yes = predicted[i].class_ids.includes(k);
          if (yes && label[k]) c.tp++;
          else if (yes) c.fp++;
          else if (label[k]) c.fn++;
        }
      });
      const precision = c.tp / (c.tp + c.fp || 1);
      const recall = c.tp / (c.tp + c.fn || 1);
      return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
    };
    const gate = count([1, 2, 3, 4, 5]);
    const all = count(Array.from({ length: 96 }, (_, k) => k));
    assert.notDeepEqual(gate, all, 'the test data must tell the group from all classes');
    const shown = printed(r.stdout);
    assert.deepEqual(Object.keys(shown).sort(), ['auc', 'f1', 'loss', 'precision', 'recall']);
    // TensorBoard: Metrics/eval/<name>, the original's tags, hold the group's values.
    const events = await evalMetricsAt(nodePlatform, dir('M'), 6);
    assert.deepEqual(Object.keys(events ?? {}).sort(), ['auc', 'f1', 'loss', 'precision', 'recall']);
    for (const k of ['precision', 'recall', 'f1'] as const) {
      assert.ok(Math.abs(shown[k] - gate[k]) < 1e-4, `printed ${k}: ${shown[k]} vs ${gate[k]}`);
      assert.ok(Math.abs(events![k] - gate[k]) < 1e-6, `Metrics/eval/${k}: ${events![k]} vs ${gate[k]}`);
    }
  });

  it('--metric_weights: a name the original does not have is refused, listing the valid ones', () => {
    for (const [name, why] of [
      ['cyc', 'not a group of metric_weights_96, the table for 96 classes'],
      ['gates', 'no such group'],
    ]) {
      const r = s3dg(['--mode', 'eval', '--model_dir', dir('A'), ...EVAL, '--metric_weights', name]);
      assert.equal(r.status, 2);
      assert.equal(
        r.stderr.trim(),
        `s3dg: --metric_weights ${name}: ${why}. Valid: gate, trn, veh, ped, ped_in_crossing, ped_not_in_crossing (metric_weights_96, 96 classes); ` +
          'gate, trn, veh, cyc, ped (metric_weights_204, 204 classes); fra96; or your own groups as name:1-5;other:6-29',
      );
    }
  });
});
