/**
 * The `s3dg` CLI as users run it (a child process): flag and data errors before any work,
 * Ctrl-C or SIGTERM writes a checkpoint and a rerun resumes there, predict writes CSV and JSON, the same
 * seeded command trains the same weights (dropout included), Adam's state survives a restart.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticSubset } from './synthetic_records.ts';
import { CheckpointReader } from '../../core/formats/checkpoint_reader.ts';

const CLI = new URL('../../node/bin/s3dg.js', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 's3dg-cli-'));
const SPEC = { clipLength: 8, frameHeight: 32, frameWidth: 32, channels: 3, numClasses: 3 };
const COMMON = [
  '--num_classes',
  '3',
  '--clip_length',
  '8',
  '--frame_height',
  '32',
  '--frame_width',
  '32',
  '--depth_multiplier',
  '0.125',
  '--min_depth',
  '4',
];
const data = (s: string) => join(root, 'data', s);

function s3dg(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, S3DG_BACKEND: 'cpu' } });
}

describe('s3dg CLI (estimator modes)', () => {
  before(() => {
    writeSyntheticSubset(data('train'), SPEC, 8, 3);
    writeSyntheticSubset(data('eval'), SPEC, 4, 4);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('rejects bad flags and mismatched records by name before any work', () => {
    // Configurations that cannot fit are refused before anything is allocated (here: cpu, this machine's memory).
    for (const [flag, value] of [
      ['--batch_size', '1000000000'],
      ['--batch_size', '200000'],
      ['--depth_multiplier', '1000000000'],
    ]) {
      const big = s3dg([
        '--mode',
        'train',
        '--model_dir',
        join(root, 'big'),
        '--train_subset_dir_path',
        data('train'),
        ...COMMON,
        flag,
        value,
      ]);
      assert.equal(big.status, 2, `${flag} ${value}: ${big.stderr}`);
      assert.match(big.stderr, /needs about [\d,.]+ GiB \(estimated from the model's shapes\), more than this machine's \d+ GiB of memory/);
    }
    writeFileSync(join(root, 'a-file'), '');
    const file = s3dg(['--mode', 'train', '--model_dir', join(root, 'a-file'), '--train_subset_dir_path', data('train'), ...COMMON]);
    assert.equal(file.status, 2);
    assert.match(file.stderr, /--model_dir .*a-file is a file, not a folder/);
    let r = s3dg(['--mode', 'train', '--train_subset_dir_path', data('train')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--model_dir is required/);
    r = s3dg(['--mode', 'train_and_eval', '--model_dir', join(root, 'm0'), '--train_subset_dir_path', data('train'), ...COMMON]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--mode train_and_eval needs --eval_subset_dir_path/);
    r = s3dg([
      '--mode',
      'train',
      '--model_dir',
      join(root, 'm0'),
      '--train_subset_dir_path',
      data('train'),
      ...COMMON,
      '--learning_rate',
      'fast',
    ]);
    assert.match(r.stderr, /--learning_rate must be a positive number, got "fast"/);
    r = s3dg(['--mode', 'train', '--model_dir', join(root, 'm0'), '--train_subset_dir_path', data('nowhere'), ...COMMON]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /nowhere: no such directory/);
    const wrong = COMMON.map((a) => (a === '8' ? '16' : a));
    r = s3dg(['--mode', 'train', '--model_dir', join(root, 'm0'), '--train_subset_dir_path', data('train'), ...wrong]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /part-0\.tfrecord.*record 0.*--clip_length 16/s);
    assert.ok(!existsSync(join(root, 'm0')), 'nothing written before the data check');
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} (Ctrl-C; a stop by Kubernetes, systemd or Docker) writes a checkpoint; the same command resumes at that global step`, async () => {
      const modelDir = join(root, `interrupted-${signal}`);
      const args = [
        '--mode',
        'train',
        '--model_dir',
        modelDir,
        '--train_subset_dir_path',
        data('train'),
        ...COMMON,
        '--batch_size',
        '2',
        '--monitor_steps',
        '1',
      ];
      const child = spawn(process.execPath, [CLI, ...args, '--train_steps', '1000'], { env: { ...process.env, S3DG_BACKEND: 'cpu' } });
      let stderr = '';
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      await new Promise<void>((resolve) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (/saved checkpoint .*model\.ckpt-2\b/.test(stderr)) resolve();
        });
      });
      child.kill(signal);
      assert.equal(await exited, 0, stderr);
      const saved = [...stderr.matchAll(/saved checkpoint .*model\.ckpt-(\d+)/g)].map((m) => Number(m[1]));
      const stopped = saved[saved.length - 1];
      assert.ok(stopped >= 2, stderr);
      assert.match(stderr, /interrupted: finishing this step and writing a checkpoint/);
      // In train mode --train_steps is steps more (Estimator.train(steps=2)).
      const r = s3dg([...args, '--train_steps', '2']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`resuming from .*model\\.ckpt-${stopped} at global step ${stopped}`));
      assert.match(r.stderr, new RegExp(`saved checkpoint .*model\\.ckpt-${stopped + 2}`));
    });
  }

  it("one training run per model dir: a second run refuses, naming the first; a dead run's lock is taken over", async () => {
    const modelDir = join(root, 'locked');
    const args = [
      '--mode',
      'train',
      '--model_dir',
      modelDir,
      '--train_subset_dir_path',
      data('train'),
      ...COMMON,
      '--batch_size',
      '2',
      '--monitor_steps',
      '2',
    ];
    const first = spawn(process.execPath, [CLI, ...args, '--train_steps', '1000'], { env: { ...process.env, S3DG_BACKEND: 'cpu' } });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => first.on('close', resolve));
    await new Promise<void>((resolve) => {
      first.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/saved checkpoint .*model\.ckpt-2\b/.test(stderr)) resolve();
      });
    });
    const second = s3dg([...args, '--train_steps', '1000']);
    assert.equal(second.status, 1);
    assert.match(second.stderr, new RegExp(`locked is in use by process ${first.pid} on ${hostname()}`));
    first.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
    assert.ok(!existsSync(join(modelDir, '.s3dg-lock')), 'the lock is released');
    // kill -9 leaves the lock behind; its process is gone, so the next run takes it over.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(modelDir, '.s3dg-lock'), JSON.stringify({ pid: dead, host: hostname(), started: 'then', command: 'train' }));
    // Its half-written temporaries (a 1.6 MB .tmp per kill that filled the disk again on every rerun) go too;
    // a live process's stay.
    const stale = join(modelDir, `model.ckpt-9.data-00000-of-00001.tmp-${dead}-1`);
    const live = join(modelDir, `checkpoint.tmp-${process.pid}-1`);
    writeFileSync(stale, 'half');
    writeFileSync(live, 'in progress');
    const next = s3dg([...args, '--train_steps', '1']);
    assert.equal(next.status, 0, next.stderr);
    assert.match(next.stderr, new RegExp(`taking over the lock of process ${dead}`));
    assert.ok(!existsSync(join(modelDir, '.s3dg-lock')));
    assert.ok(!existsSync(stale) && existsSync(live), next.stderr);
  });

  it('train_and_eval prints eval metrics; predict writes per-clip CSV and JSON', () => {
    const modelDir = join(root, 'predict');
    let r = s3dg([
      '--mode',
      'train_and_eval',
      '--model_dir',
      modelDir,
      '--train_subset_dir_path',
      data('train'),
      '--eval_subset_dir_path',
      data('eval'),
      ...COMMON,
      '--batch_size',
      '2',
      '--monitor_steps',
      '2',
      '--train_steps',
      '2',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^eval f1: [0-9.]+$/m);
    r = s3dg(['--mode', 'predict', '--model_dir', modelDir, '--predict_subset_dir_path', data('eval'), ...COMMON, '--batch_size', '3']);
    assert.equal(r.status, 0, r.stderr);
    const csv = readFileSync(join(modelDir, 'predictions-2.csv'), 'utf8').trim().split('\n');
    assert.equal(csv.length, 1 + 4);
    assert.equal(
      csv[0],
      'file,index,class_ids,class_0_probability,class_1_probability,class_2_probability,class_0_abs_error,class_1_abs_error,class_2_abs_error',
    );
    const json = JSON.parse(readFileSync(join(modelDir, 'predictions-2.json'), 'utf8')) as {
      predictions: Array<{ file: string; index: number; absolute_errors: Record<string, number> }>;
    };
    assert.deepEqual(
      json.predictions.map((p) => p.index),
      [0, 1, 2, 3],
    );
    assert.ok(json.predictions.every((p) => p.file.endsWith('part-0.tfrecord') && Object.keys(p.absolute_errors).length === 3));
    // A second run at the same step keeps the first run's files and writes beside them.
    const first = readFileSync(join(modelDir, 'predictions-2.csv'));
    r = s3dg(['--mode', 'predict', '--model_dir', modelDir, '--predict_subset_dir_path', data('eval'), ...COMMON, '--batch_size', '1']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /predictions-2-2\.csv/);
    assert.deepEqual(readFileSync(join(modelDir, 'predictions-2.csv')), first);
    assert.equal(readFileSync(join(modelDir, 'predictions-2-2.csv'), 'utf8').trim().split('\n').length, 1 + 4);
  });

  it('the same command trains bit-identical weights, default --seed 0 included (dropout is seeded per step); adam resumes its state', () => {
    // No --seed: the default, 0, which tfjs's random ops once took for "unseeded".
    const train = (dir: string, steps: number, seed?: string) =>
      s3dg([
        '--mode',
        'train',
        '--model_dir',
        join(root, dir),
        '--train_subset_dir_path',
        data('train'),
        ...COMMON,
        '--batch_size',
        '2',
        '--monitor_steps',
        '2',
        '--train_steps',
        String(steps),
        '--optimizer',
        'adam',
        '--learning_rate',
        '0.01',
        '--dropout_rate',
        '0.5',
        ...(seed ? ['--seed', seed] : []),
      ]);
    for (const dir of ['same-a', 'same-b']) assert.equal(train(dir, 4).status, 0);
    const weights = (dir: string, step: number) => readFileSync(join(root, dir, `model.ckpt-${step}.data-00000-of-00001`));
    assert.ok(weights('same-a', 4).equals(weights('same-b', 4)), 'two runs of one command differ');
    assert.equal(train('other-seed', 4, '4').status, 0);
    assert.ok(!weights('same-a', 4).equals(weights('other-seed', 4)), 'another --seed gave the same weights');
    // Stopping at step 2 and resuming for 2 more carries Adam's state on: β1^t counts all 4 steps
    // (TF keeps β^(t+1) after t steps), not the 2 since the restart.
    assert.equal(train('resumed', 2).status, 0);
    const r = train('resumed', 2);
    assert.equal(r.status, 0, r.stderr);
    const beta1Power = async () => {
      const reader = await CheckpointReader.open(join(root, 'resumed', 'model.ckpt-4'), async (p) => new Uint8Array(readFileSync(p)));
      assert.ok(reader.has('InceptionV1/Logits/Conv2d_0c_1x1/weights/Adam_1'), 'Adam slots are checkpointed');
      return (await reader.read('beta1_power')).values[0] as number;
    };
    return beta1Power().then((p) => assert.ok(Math.abs(p - 0.9 ** 5) < 1e-6, `beta1_power ${p}, expected 0.9^5`));
  });
});
