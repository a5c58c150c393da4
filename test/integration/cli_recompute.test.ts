/**
 * `s3dg --recompute` on real TFRecords: training with activations recomputed per block writes the
 * checkpoint the plain run writes (to float rounding); automatic mode turns it on, with a log line,
 * when the plain step's estimate exceeds the memory limit (lowered here by S3DG_MEMORY_LIMIT_MB);
 * a step that fits neither way is refused naming --recompute.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticSubset } from './synthetic_records.ts';
import { readCheckpoint } from '../../core/formats/checkpoint_reader.ts';
import { S3DG } from '../../core/model/s3dg.ts';
import { trainingStepBytes } from '../../core/model/pass_cost.ts';

const CLI = new URL('../../node/bin/s3dg.js', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 's3dg-recompute-'));
const SPEC = { clipLength: 8, frameHeight: 32, frameWidth: 32, channels: 3, numClasses: 3 };
const MODEL = { numClasses: 3, depthMultiplier: 0.125, minDepth: 4 };
const MiB = 2 ** 20;

function train(dir: string, extra: string[], limitMiB?: number) {
  const args = [
    '--mode',
    'train',
    '--model_dir',
    join(root, dir),
    '--train_subset_dir_path',
    join(root, 'train'),
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
    '--batch_size',
    '2',
    '--train_steps',
    '2',
    '--monitor_steps',
    '2',
    '--learning_rate',
    '0.01',
    '--dropout_rate',
    '0.5',
    '--weight_decay',
    '1e-4',
    ...extra,
  ];
  const env = { ...process.env, S3DG_BACKEND: 'cpu', S3DG_MEMORY_LIMIT_MB: limitMiB === undefined ? '' : String(limitMiB) };
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env });
}

const checkpoint = (dir: string) => readCheckpoint(join(root, dir, 'model.ckpt-2'), async (p) => new Uint8Array(readFileSync(p)));

describe('s3dg --recompute', () => {
  // The two estimates at this configuration; a limit between them makes automatic mode recompute.
  const net = new S3DG(MODEL);
  const plain = trainingStepBytes(net, [8, 32, 32, 3], 2) / MiB;
  const recomputed = trainingStepBytes(net, [8, 32, 32, 3], 2, true) / MiB;

  before(() => writeSyntheticSubset(join(root, 'train'), SPEC, 8, 3));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes the checkpoint the plain run writes; automatic mode turns it on when the plain step would not fit', async () => {
    assert.ok(recomputed < plain / 1.5, `estimates ${plain} MiB plain, ${recomputed} MiB recomputed`);
    const off = train('off', ['--recompute', 'False']);
    assert.equal(off.status, 0, off.stderr);
    assert.doesNotMatch(off.stderr, /--recompute: on/);
    const on = train('on', ['--recompute', 'True']);
    assert.equal(on.status, 0, on.stderr);
    const auto = train('auto', [], (plain + recomputed) / 2);
    assert.equal(auto.status, 0, auto.stderr);
    assert.match(
      auto.stderr,
      /--recompute: on, as a training step of --batch_size 2 on 8×32×32×3 clips needs about \d+ MiB .*, more than the [\d.]+ MiB of S3DG_MEMORY_LIMIT_MB, and about \d+ MiB with --recompute/,
    );

    const [a, b, c] = await Promise.all([checkpoint('off'), checkpoint('on'), checkpoint('auto')]);
    assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
    let compared = 0;
    for (const [name, t] of a) {
      const u = b.get(name)!;
      if (t.dtype !== 'float32') {
        assert.deepEqual(u.values, t.values, name);
        continue;
      }
      // Two SGD-with-momentum steps from gradients equal to ~1e-6 relative (recompute.test.ts):
      // the weights, slots and moving averages agree to well within 1e-5 of their magnitude.
      const x = t.values as Float32Array;
      const y = u.values as Float32Array;
      let scale = 0;
      let diff = 0;
      for (let i = 0; i < x.length; i++) {
        scale = Math.max(scale, Math.abs(x[i]));
        diff = Math.max(diff, Math.abs(x[i] - y[i]));
      }
      assert.ok(diff <= 1e-5 * Math.max(scale, 1e-3), `${name}: differs by ${diff} (largest magnitude ${scale})`);
      compared++;
    }
    assert.ok(compared > 200, `${compared} float tensors compared`);
    // The automatic run recomputed: bit for bit the --recompute True run.
    for (const [name, t] of b) assert.deepEqual(c.get(name)!.values, t.values, name);
  });

  it('refuses a step that fits neither way, or only with recomputation under --recompute False, naming --recompute', () => {
    const neither = train('neither', [], recomputed / 2);
    assert.equal(neither.status, 2, neither.stderr);
    assert.match(
      neither.stderr,
      /needs about \d+ MiB .*, more than the [\d.]+ MiB of S3DG_MEMORY_LIMIT_MB, and about \d+ MiB with --recompute .*: lower --batch_size/,
    );
    const refused = train('refused', ['--recompute', 'False'], (plain + recomputed) / 2);
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /give --recompute True, or leave it automatic/);
    const bad = train('bad', ['--recompute', 'sometimes']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--recompute must be True, False or auto, got "sometimes"/);
    const badEnv = train('bad-env', [], -1);
    assert.equal(badEnv.status, 2);
    assert.match(badEnv.stderr, /S3DG_MEMORY_LIMIT_MB must be a positive number of MiB, got "-1"/);
  });
});
