/**
 * Interrupted and resumed = uninterrupted, bit for bit: every checkpoint carries the training
 * input's position and Adam's exact β powers, so a run stopped by Ctrl-C (any step) or killed with SIGKILL (after a
 * checkpoint) and started again reaches exactly the weights and optimizer state of a run that
 * was never stopped — same batches, same colour distortion, same dropout.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticSubset } from './synthetic_records.ts';
import { CheckpointReader } from '../../core/formats/checkpoint_reader.ts';

const CLI = new URL('../../node/bin/s3dg.js', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 's3dg-resume-'));
const SPEC = { clipLength: 4, frameHeight: 16, frameWidth: 16, channels: 3, numClasses: 3 };
const STEPS = 8;
const env = { ...process.env, S3DG_BACKEND: 'cpu' };

/** Training flags of every run here; 6 files of 5 records, so batches cross files and epochs. */
function args(modelDir: string): string[] {
  return [
    '--mode', 'train', '--model_dir', modelDir, '--train_subset_dir_path', join(root, 'train'),
    '--num_classes', '3', '--clip_length', '4', '--frame_height', '16', '--frame_width', '16',
    '--depth_multiplier', '0.125', '--min_depth', '4', '--batch_size', '4', '--monitor_steps', '2',
    '--optimizer', 'adam', '--learning_rate', '0.01', '--seed', '3',
  ]; // biome-ignore format: flag pairs
}

/** Every tensor of a checkpoint (model variables, optimizer slots, global_step), as bytes. */
async function tensors(prefix: string): Promise<Map<string, string>> {
  const reader = await CheckpointReader.open(prefix, async (p) => new Uint8Array(readFileSync(p)));
  const out = new Map<string, string>();
  for (const e of reader.list()) {
    const t = await reader.read(e.name);
    const v = t.values;
    if (Array.isArray(v)) throw new Error(`${e.name}: a string tensor in a training checkpoint`);
    out.set(e.name, Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'));
  }
  return out;
}

/** Starts training and stops it with `signal` once `checkpoint` is logged; returns the last saved step. */
async function stopAfter(modelDir: string, checkpoint: number, signal: 'SIGINT' | 'SIGKILL'): Promise<number> {
  const child = spawn(process.execPath, [CLI, ...args(modelDir), '--train_steps', String(STEPS)], { env });
  let stderr = '';
  let sent = false;
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!sent && new RegExp(`saved checkpoint .*model\\.ckpt-${checkpoint}\\b`).test(stderr)) sent = child.kill(signal);
  });
  const code = await exited;
  if (signal === 'SIGINT') assert.equal(code, 0, stderr);
  const saved = [...stderr.matchAll(/saved checkpoint .*model\.ckpt-(\d+)/g)].map((m) => Number(m[1]));
  const last = saved[saved.length - 1];
  assert.ok(last >= checkpoint && last < STEPS, `stopped at ${last}: ${stderr}`);
  return last;
}

describe('exact resume', () => {
  before(() => writeSyntheticSubset(join(root, 'train'), SPEC, 30, 11, 5));
  after(() => rmSync(root, { recursive: true, force: true }));

  let reference: Map<string, string>;
  it(`trains ${STEPS} steps uninterrupted (the reference)`, async () => {
    const r = spawnSync(process.execPath, [CLI, ...args(join(root, 'whole')), '--train_steps', String(STEPS)], { encoding: 'utf8', env });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(root, 'whole', `model.ckpt-${STEPS}.resume.json`)));
    reference = await tensors(join(root, 'whole', `model.ckpt-${STEPS}`));
  });

  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it(`${signal} during training, then the same command: the final checkpoint equals the reference bit for bit`, async () => {
      const modelDir = join(root, signal);
      const stopped = await stopAfter(modelDir, 2, signal);
      const r = spawnSync(process.execPath, [CLI, ...args(modelDir), '--train_steps', String(STEPS - stopped)], { encoding: 'utf8', env });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`input: continuing after the batch of global step ${stopped}, as saved with its checkpoint`));
      const resumed = await tensors(join(modelDir, `model.ckpt-${STEPS}`));
      assert.deepEqual([...resumed.keys()], [...reference.keys()]);
      for (const [name, bytes] of reference) assert.equal(resumed.get(name), bytes, `${name} differs after a ${signal} at step ${stopped}`);
    });
  }

  it('a position that no longer fits the input (other batch size) is said, and the input starts over', () => {
    const modelDir = join(root, 'SIGINT');
    const r = spawnSync(process.execPath, [CLI, ...args(modelDir), '--train_steps', '1', '--batch_size', '2'], { encoding: 'utf8', env });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /input: starting from the beginning; the input changed since the position was saved: --batch_size 4 → 2/);
  });

  it('a damaged resume state is named, with what to do', () => {
    const modelDir = join(root, 'SIGKILL');
    writeFileSync(join(modelDir, `model.ckpt-${STEPS}.resume.json`), '{"inputPosition": {"format": "s3dg-inp');
    const r = spawnSync(process.execPath, [CLI, ...args(modelDir), '--train_steps', '1'], { encoding: 'utf8', env });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /model\.ckpt-8\.resume\.json: not a readable resume state .*; delete it to resume without it/);
  });
});
