/**
 * `s3dg --mode train` on several replicas, through the CLI on real TFRecords: `--batch_size` is
 * per replica (TF's Estimator under a distribution strategy), replicas as worker threads
 * (`--num_workers`) and as processes (as `--num_gpus N` runs them, here on the cpu backend)
 * give the same run bit for bit, a killed replica fails the run and leaves the last checkpoint
 * as it was, and Ctrl-C then resume equals an uninterrupted run.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticSubset } from './synthetic_records.ts';
import { CheckpointReader } from '../../core/formats/checkpoint_reader.ts';
import { readEvents } from '../../core/formats/event_reader.ts';

const CLI = new URL('../../node/bin/s3dg.js', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 's3dg-replicas-cli-'));
const SPEC = { clipLength: 4, frameHeight: 16, frameWidth: 16, channels: 3, numClasses: 3 };
const THREADS = { ...process.env, S3DG_BACKEND: 'cpu' };
const PROCESSES = { ...THREADS, S3DG_REPLICA_TRANSPORT: 'processes' };

function args(modelDir: string, extra: string[], mode = 'train'): string[] {
  return [
    '--mode', mode, '--model_dir', modelDir, '--train_subset_dir_path', join(root, 'train'),
    '--num_classes', '3', '--clip_length', '4', '--frame_height', '16', '--frame_width', '16',
    '--depth_multiplier', '0.125', '--min_depth', '4', '--monitor_steps', '2', '--seed', '3', ...extra,
  ]; // biome-ignore format: flag pairs
}

/** Adam, batch norm and dropout training: everything replicas must agree on. */
const FULL = ['--batch_size', '2', '--optimizer', 'adam', '--learning_rate', '0.01', '--num_workers', '2'];
const STEPS = 6;

function s3dg(modelDir: string, extra: string[], env: NodeJS.ProcessEnv, mode = 'train') {
  return spawnSync(process.execPath, [CLI, ...args(modelDir, extra, mode)], { encoding: 'utf8', env });
}

/** Every scalar summary in a folder's event files, as "tag@step" → value. */
async function scalars(dir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const f of readdirSync(dir).filter((n) => n.startsWith('events.out.tfevents.')))
    for await (const e of readEvents(readFileSync(join(dir, f))))
      for (const v of e.summary ?? []) if (v.kind === 'scalar') out.set(`${v.tag}@${e.step}`, v.value);
  return out;
}

/** Every tensor of a checkpoint as float32 values. */
async function tensors(prefix: string): Promise<Map<string, Float32Array>> {
  const reader = await CheckpointReader.open(prefix, async (p) => new Uint8Array(readFileSync(p)));
  const out = new Map<string, Float32Array>();
  for (const e of reader.list()) {
    const v = (await reader.read(e.name)).values;
    if (v instanceof Float32Array) out.set(e.name, v);
  }
  return out;
}

async function assertBitIdentical(a: string, b: string, what: string): Promise<void> {
  const [x, y] = [await tensors(a), await tensors(b)];
  assert.deepEqual([...x.keys()], [...y.keys()]);
  for (const [name, v] of x) assert.ok(Buffer.from(v.buffer).equals(Buffer.from(y.get(name)!.buffer)), `${what}: ${name} differs`);
}

describe('training on several replicas (CLI)', () => {
  before(() => {
    writeSyntheticSubset(join(root, 'train'), SPEC, 30, 11, 5);
    // 7 clips at --batch_size 2: rounds of two batches (one per replica), then a round of one.
    writeSyntheticSubset(join(root, 'eval'), SPEC, 7, 12, 4);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('frozen batch norm, no dropout: 2 replicas × --batch_size 2 = 1 replica × --batch_size 4 within 1e-5 after 3 steps', async () => {
    const frozen = ['--variables_to_train', 's3dg_logits', '--freeze_batch_norm', '--dropout_rate', '0', '--train_steps', '3'];
    const two = s3dg(join(root, 'two'), [...frozen, '--batch_size', '2', '--num_workers', '2'], THREADS);
    assert.equal(two.status, 0, two.stderr);
    assert.match(two.stderr, /training on 2 replicas \(worker threads, cpu each\): global batch 2 × --batch_size 2 = 4/);
    const one = s3dg(join(root, 'one'), [...frozen, '--batch_size', '4', '--num_workers', '1'], THREADS);
    assert.equal(one.status, 0, one.stderr);
    assert.doesNotMatch(one.stderr, /training on \d+ replicas/);
    const [a, b] = [await tensors(join(root, 'two', 'model.ckpt-3')), await tensors(join(root, 'one', 'model.ckpt-3'))];
    let moved = 0;
    for (const [name, want] of b) {
      const got = a.get(name)!;
      // Only the float32 rounding of two sums (a batch mean of 4 vs the mean of two means of 2) differs.
      const scale = Math.max(...want.map(Math.abs), 1e-30);
      const diff = Math.max(...got.map((x, i) => Math.abs(x - want[i])));
      assert.ok(diff <= 1e-5 * scale, `${name}: max abs diff ${diff} (scale ${scale})`);
      if (name.startsWith('InceptionV1/Logits') && name.endsWith('/Momentum')) moved++;
    }
    assert.ok(moved > 0, 'the logits should have trained');
  });

  it('train_and_eval on 2 replicas evaluates on them: each evaluation equals one thread evaluating that checkpoint, bit for bit', async () => {
    const dir = join(root, 'train-and-eval');
    const evalData = ['--eval_subset_dir_path', join(root, 'eval')];
    const run = s3dg(dir, [...FULL, ...evalData, '--train_steps', '4'], THREADS, 'train_and_eval');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /evaluation at global step 2 over 7 clips on 2 replicas:/);
    assert.match(run.stderr, /evaluation at global step 4 over 7 clips on 2 replicas:/);
    const onReplicas = await scalars(join(dir, 'eval'));
    for (const step of [2, 4]) {
      const alone = join(root, `eval-alone-${step}`);
      const checkpoint = ['--checkpoint_path', join(dir, `model.ckpt-${step}`), '--batch_size', '2', '--num_workers', '1'];
      const evaluated = s3dg(alone, [...evalData, ...checkpoint], THREADS, 'eval');
      assert.equal(evaluated.status, 0, evaluated.stderr);
      assert.match(evaluated.stderr, new RegExp(`evaluation at global step ${step} over 7 clips:`));
      const want = await scalars(join(alone, 'eval'));
      assert.ok(want.size >= 5, `${[...want.keys()]}`);
      for (const [tag, value] of want)
        assert.ok(Object.is(onReplicas.get(tag), value), `${tag}: ${onReplicas.get(tag)} on replicas, ${value} alone`);
    }
  });

  it('2 replicas: two runs give bit-identical checkpoints, as threads and as processes', async () => {
    const t1 = s3dg(join(root, 'threads'), [...FULL, '--train_steps', String(STEPS)], THREADS);
    assert.equal(t1.status, 0, t1.stderr);
    const t2 = s3dg(join(root, 'threads-again'), [...FULL, '--train_steps', String(STEPS)], THREADS);
    assert.equal(t2.status, 0, t2.stderr);
    await assertBitIdentical(join(root, 'threads', `model.ckpt-${STEPS}`), join(root, 'threads-again', `model.ckpt-${STEPS}`), 'run 2');
    const p = s3dg(join(root, 'processes'), [...FULL, '--train_steps', String(STEPS)], PROCESSES);
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stderr, /training on 2 replicas \(processes, cpu each\)/);
    assert.match(p.stderr, /replicas: pid \d+, pid \d+/);
    await assertBitIdentical(join(root, 'threads', `model.ckpt-${STEPS}`), join(root, 'processes', `model.ckpt-${STEPS}`), 'processes');
  });

  it('Ctrl-C (to the whole process group) with process replicas, then resume: equals the uninterrupted run bit for bit', async () => {
    const modelDir = join(root, 'interrupted');
    // A terminal's Ctrl-C reaches every process of the group, replicas included.
    const child = spawn(process.execPath, [CLI, ...args(modelDir, [...FULL, '--train_steps', String(STEPS)])], {
      env: PROCESSES,
      detached: true,
    });
    let stderr = '';
    let sent = false;
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && /saved checkpoint .*model\.ckpt-2\b/.test(stderr)) {
        process.kill(-child.pid!, 'SIGINT');
        sent = true;
      }
    });
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /interrupted: finishing this step and writing a checkpoint/);
    const saved = [...stderr.matchAll(/saved checkpoint .*model\.ckpt-(\d+)/g)].map((m) => Number(m[1]));
    const stopped = saved[saved.length - 1];
    assert.ok(stopped >= 2 && stopped < STEPS, stderr);
    const r = s3dg(modelDir, [...FULL, '--train_steps', String(STEPS - stopped)], PROCESSES);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`input: continuing after the batch of global step ${stopped}`));
    await assertBitIdentical(join(root, 'threads', `model.ckpt-${STEPS}`), join(modelDir, `model.ckpt-${STEPS}`), 'resumed');
  });

  it('killing a replica fails the run at once with its pid and signal; the last checkpoint is the one written before', async () => {
    const modelDir = join(root, 'killed');
    const child = spawn(process.execPath, [CLI, ...args(modelDir, [...FULL, '--train_steps', '40'])], { env: PROCESSES });
    let stderr = '';
    let victim = 0;
    const files = ['model.ckpt-2.index', 'model.ckpt-2.data-00000-of-00001', 'checkpoint'].map((f) => join(modelDir, f));
    let written: Buffer[] = [];
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (victim === 0 && /saved checkpoint .*model\.ckpt-2\b/.test(stderr)) {
        victim = Number(/replicas: pid \d+, pid (\d+)/.exec(stderr)![1]);
        process.kill(victim, 'SIGKILL');
        written = files.map((f) => readFileSync(f));
      }
    });
    const code = await exited;
    assert.notEqual(code, 0, stderr);
    const lines = stderr.trim().split('\n');
    assert.match(
      lines[lines.length - 1],
      new RegExp(`replica 1 of 2 \\(pid ${victim}\\) was killed by SIGKILL; the other replicas are stopped`),
    );
    assert.doesNotMatch(stderr, /at .*\.ts:\d+/, 'no stack trace');
    // Nothing was written after the failure: checkpoint 2 is still the last, byte for byte, and loads.
    assert.match(readFileSync(join(modelDir, 'checkpoint'), 'utf8'), /^model_checkpoint_path: "model\.ckpt-2"/);
    files.forEach((f, i) => assert.ok(readFileSync(f).equals(written[i]), `${f} changed after the kill`));
    assert.ok((await tensors(join(modelDir, 'model.ckpt-2'))).size > 0, 'the last checkpoint loads');
    const saved = [...stderr.matchAll(/saved checkpoint .*model\.ckpt-(\d+)/g)].map((m) => Number(m[1]));
    assert.deepEqual(saved, [2]);
  });
});
