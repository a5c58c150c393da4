/**
 * Flags that mean what they meant in s3dg_estimator.py (issue #20, rows 7–11), driven through
 * the CLI on real TFRecords: batch norm trains in frozen layers too (--freeze_batch_norm keeps
 * the Keras-style alternative), the original's TensorBoard tags, --add_image_summaries True/False
 * (on by default), --train_steps as Estimator.train(steps) in train mode and TrainSpec(max_steps)
 * in train_and_eval, --prefetch_size -1 (AUTOTUNE) and --tfrecord_size as the read buffer.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticSubset } from './synthetic_records.ts';
import { CheckpointReader } from '../../core/formats/checkpoint_reader.ts';
import { readEvents, type SummaryValue } from '../../core/formats/event_reader.ts';

const CLI = new URL('../../node/bin/s3dg.js', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 's3dg-original-'));
const SPEC = { clipLength: 8, frameHeight: 32, frameWidth: 32, channels: 3, numClasses: 3 };
const data = (s: string) => join(root, 'data', s);
const model = (s: string) => join(root, 'models', s);
const MODEL_FLAGS = ['--num_classes', '3', '--clip_length', '8', '--frame_height', '32', '--frame_width', '32'];
const TINY = [...MODEL_FLAGS, '--depth_multiplier', '0.125', '--min_depth', '4', '--batch_size', '2', '--monitor_steps', '1'];
const FIRST_BN = 'InceptionV1/Conv2d_1a_7x7/BatchNorm';

function s3dg(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, S3DG_BACKEND: 'cpu' } });
}

/** Trains the logits only, as the guide's phase 1. */
function trainLogits(dir: string, extra: string[]) {
  const r = s3dg([
    '--mode',
    'train',
    '--model_dir',
    dir,
    '--train_subset_dir_path',
    data('train'),
    ...TINY,
    '--variables_to_train',
    's3dg_logits',
    ...extra,
  ]);
  assert.equal(r.status, 0, r.stderr);
  return r;
}

async function variable(dir: string, step: number, name: string): Promise<Float32Array> {
  const reader = await CheckpointReader.open(join(dir, `model.ckpt-${step}`), async (p) => new Uint8Array(readFileSync(p)));
  return (await reader.read(name)).values as Float32Array;
}

/** Every summary value in the event files of `dir`, with its step. */
async function summaries(dir: string): Promise<Array<SummaryValue & { step: number }>> {
  const out: Array<SummaryValue & { step: number }> = [];
  for (const f of readdirSync(dir).filter((n) => n.startsWith('events.out.tfevents.'))) {
    for await (const e of readEvents(readFileSync(join(dir, f)))) for (const v of e.summary ?? []) out.push({ ...v, step: e.step });
  }
  return out;
}

const checkpointSteps = (dir: string) =>
  readdirSync(dir)
    .map((n) => /^model\.ckpt-(\d+)\.index$/.exec(n)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number)
    .sort((a, b) => a - b);

describe('s3dg CLI: flags with the original meaning', () => {
  before(() => {
    writeSyntheticSubset(data('train'), SPEC, 8, 11);
    writeSyntheticSubset(data('eval'), SPEC, 4, 12);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('trains batch norm in layers not trained, writes the original tags and one frame per clip; --train_steps adds steps in train mode', async () => {
    const dir = model('default');
    // The original's AUTOTUNE (-1) and a 1 MiB read buffer; --add_image_summaries as a bare switch.
    const r = trainLogits(dir, ['--train_steps', '2', '--prefetch_size', '-1', '--tfrecord_size', '1', '--add_image_summaries']);
    assert.match(r.stderr, /--prefetch_size -1: automatic, from 1 batch ahead up to \d+/);
    assert.match(r.stderr, /reading TFRecord files in 1 MiB reads \(--tfrecord_size\)/);

    // Row 7: the first layer is not trained, but its moving averages follow the batches (TF-slim's UPDATE_OPS).
    const mean = await variable(dir, 2, `${FIRST_BN}/moving_mean`);
    assert.ok(
      mean.some((v) => v !== 0),
      'moving_mean of a layer not trained stayed at its initial zeros',
    );
    assert.deepEqual(
      await variable(dir, 2, 'InceptionV1/Conv2d_1a_7x7/weights'),
      await variable(dir, 1, 'InceptionV1/Conv2d_1a_7x7/weights'),
    );

    // Row 8: the original's tags, at every summary step.
    const values = await summaries(dir);
    const tags = new Set(values.map((v) => v.tag));
    for (const tag of [
      'Losses/sigmoid_loss',
      'Losses/l1_loss',
      'Losses/l2_loss',
      'Losses/regularization_loss',
      'Losses/total_loss',
      'loss',
      'Metrics/train/f1',
      'activations/Logits',
      'sparsity/Conv2d_1a_7x7',
      'InceptionV1/Conv2d_1a_7x7/weights_1',
      `${FIRST_BN}/moving_mean_1`,
      'InceptionV1/Logits/Conv2d_0c_1x1/biases_1',
      'global_step_1',
    ]) {
      assert.ok(tags.has(tag), `no ${tag} among ${[...tags].slice(0, 12).join(', ')}, …`);
    }
    for (const old of ['Losses/cross_entropy', 'Losses/l1_regularization', 'Losses/l2_regularization', 'processed_video_frame'])
      assert.ok(!tags.has(old), `${old} is not the original's tag`);
    const at = (tag: string, step: number) => values.find((v) => v.tag === tag && v.step === step);
    const total = at('Losses/total_loss', 2);
    assert.ok(total?.kind === 'scalar' && at('loss', 2)?.kind === 'scalar');
    const parts = ['Losses/sigmoid_loss', 'Losses/regularization_loss'].map((t) => (at(t, 2) as { value: number }).value);
    assert.ok(Math.abs(parts[0] + parts[1] - (total as { value: number }).value) < 1e-6, 'total = sigmoid + regularization');
    // Row 9: on by default; one image per clip of the batch (2), as tf.summary.image names them.
    const images = values.filter((v) => v.kind === 'image' && v.step === 2).map((v) => v.tag);
    assert.deepEqual(images.sort(), ['processed_video_frame/image/0', 'processed_video_frame_1/image/0']);

    // Row 10: in train mode --train_steps is N more steps (Estimator.train(steps=N)).
    const more = trainLogits(dir, ['--train_steps', '1', '--add_image_summaries', 'True']);
    assert.match(more.stderr, /training 1 more steps: global step 2 to 3/);
    assert.deepEqual(checkpointSteps(dir), [1, 2, 3]);
    // … and in train_and_eval the global step to stop at (TrainSpec(max_steps=N)): 3 is reached.
    const tae = s3dg([
      '--mode',
      'train_and_eval',
      '--model_dir',
      dir,
      '--train_subset_dir_path',
      data('train'),
      '--eval_subset_dir_path',
      data('eval'),
      ...TINY,
      '--train_steps',
      '3',
    ]);
    assert.equal(tae.status, 0, tae.stderr);
    assert.match(tae.stdout, /^eval at global step 3 over 4 clips$/m);
    assert.deepEqual(checkpointSteps(dir), [1, 2, 3]);
    const evalTags = new Set((await summaries(join(dir, 'eval'))).map((v) => v.tag));
    assert.ok(evalTags.has('loss') && evalTags.has('Metrics/eval/f1') && !evalTags.has('Losses/cross_entropy'), [...evalTags].join());
  });

  it('--freeze_batch_norm keeps frozen layers on their moving statistics; --add_image_summaries False writes no frames', async () => {
    const dir = model('frozen');
    trainLogits(dir, ['--train_steps', '2', '--freeze_batch_norm', '--add_image_summaries', 'False']);
    assert.ok((await variable(dir, 2, `${FIRST_BN}/moving_mean`)).every((v) => v === 0));
    assert.ok((await variable(dir, 2, `${FIRST_BN}/moving_variance`)).every((v) => v === 1));
    // The logits (no batch norm) did train.
    const logits = 'InceptionV1/Logits/Conv2d_0c_1x1/weights';
    assert.notDeepEqual(await variable(dir, 2, logits), await variable(dir, 1, logits));
    assert.ok(!(await summaries(dir)).some((v) => v.kind === 'image'), 'an image was written with --add_image_summaries False');
  });

  it('refuses values these flags cannot take, naming the flag', () => {
    const base = ['--mode', 'train', '--model_dir', model('refused'), '--train_subset_dir_path', data('train'), ...TINY];
    let r = s3dg([...base, '--add_image_summaries', 'maybe']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--add_image_summaries must be True or False, got "maybe"/);
    r = s3dg([...base, '--prefetch_size', '-2']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--prefetch_size must be -1 \(automatic\) or an integer ≥ 0, got "-2"/);
  });
});
