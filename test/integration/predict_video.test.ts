/**
 * `s3dg predict` as users run it (child processes) on videos made with ffmpeg: the timeline
 * and events files, the same numbers as the Node reference path the browser tests hold the
 * web app to, checkpoints / web models / SavedModels, shards as separate processes, resuming
 * after SIGKILL, SIGTERM, a broken video among good ones, and bad flags.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../harness.ts';
import { randomModel } from '../export_helpers.ts';
import { nodePlatform } from '../../node/platform.ts';
import { saveModelCheckpoint } from '../../core/tfjs/training/checkpoints.ts';
import { exportSavedModel } from '../../core/export/saved_model_export.ts';
import { writeCrossingScenes } from '../../node/demo/scenes.ts';
import { writeSensitiveModel } from '../browser/sensitive_model.ts';
import { nodePredictions } from '../browser/node_reference.ts';
import { parseTimelineJson, windowSpan } from '../../core/predict/timeline.ts';
import { eventsJson, timelineEvents } from '../../core/predict/events.ts';
import { loadOnnxruntime } from '../../node/onnx/onnxruntime.ts';
import { ffmpegBinary } from '../../node/video/ffmpeg_binary.ts';

const CLI = new URL('../../node/bin/s3dg.js', import.meta.url).pathname;
const onnxruntime = await loadOnnxruntime();
const root = mkdtempSync(join(tmpdir(), 's3dg-predict-'));
const modelDir = join(root, 'model');
const videos = join(root, 'videos');
const MODEL = ['--model_dir', modelDir, '--num_classes', '5', '--depth_multiplier', '0.125', '--min_depth', '4'];
const CLIP = ['--clip_length', '8', '--frame_height', '32', '--frame_width', '32', '--stride', '4'];
/** The seven videos: 64×48 testsrc H.264 at 8 fps, 2–4 s, two in a sub-folder. */
const NAMES = ['a.mp4', 'b.mp4', 'c.mp4', 'd.mp4', 'e.mp4', 'cam2/f.mp4', 'cam2/g.mp4'];

function s3dg(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

function start(args: string[]): ChildProcess & { out: string; err: string } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }) as ChildProcess & {
    out: string;
    err: string;
  };
  child.out = '';
  child.err = '';
  child.stdout!.on('data', (d) => (child.out += d));
  child.stderr!.on('data', (d) => (child.err += d));
  return child;
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
}

/** Resolves once `child` has printed `lines` summary lines on stdout. */
async function summaries(child: ChildProcess & { out: string }, lines: number): Promise<void> {
  while (child.out.split('\n').filter((l) => l.includes(' windows over ')).length < lines) {
    if (child.exitCode !== null) throw new Error(`the run ended early: ${child.out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Videos named on stdout (one summary line each). */
function scannedNames(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.includes(' windows over '))
    .map((l) => l.slice(0, l.indexOf(': ')));
}

/** Every file under `dir`, relative. */
function filesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

const outputsOf = (name: string) => [`${name}.events.json`, `${name}.timeline.csv`, `${name}.timeline.json`];

describe('s3dg predict', () => {
  let webModel: string;
  let crossing: string;
  before(async () => {
    await useBackend('wasm');
    const { tfjs } = randomModel();
    await saveModelCheckpoint(nodePlatform, modelDir, 7, tfjs, null, 5);
    tfjs.dispose();
    mkdirSync(join(videos, 'cam2'), { recursive: true });
    NAMES.forEach((name, i) => {
      const args = ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=64x48:rate=8`, '-t', String(2 + (i % 3))];
      execFileSync(ffmpegBinary().ffmpeg, [...args, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(videos, name)]);
    });
    writeFileSync(join(root, 'names.txt'), 'gate\ntrain\nperson\ncar\nempty\n');
    const scenes = await writeCrossingScenes({
      fps: 8,
      durationSeconds: 6,
      videos: 1,
      seed: 3,
      width: 64,
      height: 64,
      outDir: join(root, 'crossing'),
      codec: 'h264',
    });
    crossing = join(scenes.videosDir, scenes.videos[0]);
    webModel = await writeSensitiveModel(join(root, 'web-model'), crossing);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('a web model on a crossing video: timeline CSV/JSON equal the Node reference path (the one the web app is held to) within 1e-5; events follow the rule', async () => {
    const out = join(root, 'out-web');
    const r = s3dg([
      'predict',
      crossing,
      '--model',
      webModel,
      '--stride',
      '4',
      '--threshold',
      '0.3',
      '--min_event_seconds',
      '2.5',
      '--output_dir',
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const name = crossing.split('/').pop()!;
    assert.deepEqual(filesIn(out), outputsOf(name));
    // auto: onnxruntime where the optional onnxruntime-node is installed, else tfjs, the log saying why.
    assert.match(
      r.stderr,
      onnxruntime.available
        ? /engine: onnxruntime \S+ \(cpu, \d+ threads?; [^)]*\) — --engine auto: onnxruntime is installed/
        : /engine: tfjs wasm \(\d+ worker threads?\) — --engine auto: onnxruntime is not available/,
    );
    assert.match(r.stdout, new RegExp(`^${name}: \\d+ windows over 6\\.0 s; events: `));

    const want = await nodePredictions(webModel, crossing, 4);
    const t = parseTimelineJson(readFileSync(join(out, `${name}.timeline.json`), 'utf8'));
    assert.deepEqual(t.classNames, want.classNames);
    assert.equal(t.windows.length, want.windows.length);
    assert.equal(t.windows.length, 9); // 48 frames, 16-frame windows every 4
    let worst = 0;
    t.windows.forEach((w, i) => {
      const span = windowSpan(want.windows[i].start, 16, 8);
      assert.deepEqual(
        [w.startFrame, w.endFrame, w.startSeconds, w.endSeconds],
        [span.startFrame, span.endFrame, span.startSeconds, span.endSeconds],
      );
      Array.from(w.probabilities).forEach((p, k) => (worst = Math.max(worst, Math.abs(p - want.windows[i].probabilities[k]))));
    });
    assert.ok(worst <= 1e-5, `largest |cli − reference| = ${worst}`);
    const spread = Math.max(...t.windows.map((w) => w.probabilities[0])) - Math.min(...t.windows.map((w) => w.probabilities[0]));
    assert.ok(spread > 0.01, `the model should tell windows apart (spread ${spread})`);

    // The CSV holds the same numbers, one line per window.
    const csv = readFileSync(join(out, `${name}.timeline.csv`), 'utf8')
      .trimEnd()
      .split('\n');
    assert.equal(csv[0], `start_seconds,end_seconds,start_frame,end_frame,padded,${want.classNames.join(',')}`);
    assert.equal(csv.length, 1 + t.windows.length);
    csv.slice(1).forEach((line, i) => assert.deepEqual(line.split(',').slice(5).map(Number), t.windows[i].probabilities));

    // Events: exactly what the core rule gives on this timeline, with the flags' threshold and minimum.
    const options = { threshold: 0.3, minEventSeconds: 2.5 };
    const events = readFileSync(join(out, `${name}.events.json`), 'utf8');
    assert.equal(events, eventsJson(t, timelineEvents(t, options), options));
    for (const c of JSON.parse(events).classes) {
      for (const e of c.events) {
        assert.ok(e.endSeconds - e.startSeconds >= 2.5);
        assert.ok(e.peak >= e.mean && e.mean >= 0.3);
      }
    }
  });

  it('a checkpoint and the SavedModel exported from it give the same timeline; class names from --class_names', async () => {
    const saved = await exportSavedModel(nodePlatform, {
      exportPath: join(root, 'export'),
      checkpoint: modelDir,
      config: { numClasses: 5, depthMultiplier: 0.125, minDepth: 4 },
      clip: { clipLength: 8, frameHeight: 32, frameWidth: 32 },
      input: 'tensor',
      exporter: 's3dg tests',
    });
    const video = join(videos, 'a.mp4');
    const fromCheckpoint = s3dg([
      'predict',
      video,
      ...MODEL,
      ...CLIP,
      '--class_names',
      join(root, 'names.txt'),
      '--output_dir',
      join(root, 'out-ckpt'),
    ]);
    assert.equal(fromCheckpoint.status, 0, fromCheckpoint.stderr);
    assert.match(fromCheckpoint.stderr, /model: checkpoint .*model\.ckpt-7 \(global step 7\); 5 classes; clips of 8×32×32 every 4 frames/);
    const savedArgs = ['--model', saved.dir, '--num_classes', '5', '--depth_multiplier', '0.125', '--min_depth', '4', '--stride', '4'];
    const fromSaved = s3dg(['predict', video, ...savedArgs, '--output_dir', join(root, 'out-saved')]);
    assert.equal(fromSaved.status, 0, fromSaved.stderr);
    const a = parseTimelineJson(readFileSync(join(root, 'out-ckpt', 'a.mp4.timeline.json'), 'utf8'));
    const b = parseTimelineJson(readFileSync(join(root, 'out-saved', 'a.mp4.timeline.json'), 'utf8'));
    assert.deepEqual(a.classNames, ['gate', 'train', 'person', 'car', 'empty']);
    assert.equal(a.windows.length, 3); // 2 s at 8 fps: 16 frames, windows of 8 every 4
    assert.deepEqual(
      b.windows.map((w) => w.probabilities),
      a.windows.map((w) => w.probabilities),
    );
  });

  it('3 shards as 3 processes over 7 videos scan every video exactly once; a rerun does nothing', async () => {
    const out = join(root, 'out-shards');
    const runs = [0, 1, 2].map((k) =>
      k === 2
        ? s3dg(['predict', videos, ...MODEL, ...CLIP, '--threads', '1', '--output_dir', out], {
            JOB_COMPLETION_INDEX: '2',
            S3DG_NUM_SHARDS: '3',
          })
        : s3dg(['predict', videos, ...MODEL, ...CLIP, '--threads', '1', '--shard', `${k}/3`, '--output_dir', out]),
    );
    const seen: string[] = [];
    runs.forEach((r, k) => {
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`shard ${k}/3 .*: \\d+ of 7 videos`));
      seen.push(...scannedNames(r.stdout));
    });
    assert.deepEqual([...seen].sort(), [...NAMES].sort());
    assert.deepEqual(filesIn(out), NAMES.flatMap(outputsOf).sort());
    const again = s3dg(['predict', videos, ...MODEL, ...CLIP, '--shard', '1/3', '--output_dir', out]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /(\d+) of 7 videos; \1 already done, 0 to scan/);
    assert.equal(again.stdout, '');
  });

  it('deploy/kubernetes/predict-job.yaml: its command, run as each of its indexed pods, scans every video exactly once', () => {
    const yaml = readFileSync(new URL('../../deploy/kubernetes/predict-job.yaml', import.meta.url), 'utf8');
    assert.match(yaml, /completionMode: Indexed/);
    const completions = Number(/\n {2}completions: (\d+)/.exec(yaml)?.[1]);
    assert.equal(Number(/\n {2}parallelism: (\d+)/.exec(yaml)?.[1]), completions);
    assert.equal(Number(/name: S3DG_NUM_SHARDS\s+value: "(\d+)"/.exec(yaml)?.[1]), completions);
    // The pod's command line: the container's command (npx s3dg predict …) and its args.
    const command = /command: (\[.*\])/.exec(yaml)?.[1];
    assert.ok(command, 'the container has a command');
    const argv = [
      ...(JSON.parse(command) as string[]),
      ...[...(/\n {10}args:\n((?: {12}- .*\n)+)/.exec(yaml)?.[1] ?? '').matchAll(/- (.*)/g)].map((m) => m[1]),
    ];
    assert.deepEqual(argv.slice(0, 3), ['npx', 's3dg', 'predict'], 'the container runs npx s3dg predict');
    const out = join(root, 'out-k8s');
    const paths: Record<string, string> = { '/data/footage': videos, '/data/model': webModel, '/data/timelines': out };
    const args = argv.slice(2).map((a) => a.replace(/\/data\/[a-z]+/, (p) => paths[p] ?? p));
    const seen: string[] = [];
    for (let k = 0; k < completions; k++) {
      const r = s3dg(args, { JOB_COMPLETION_INDEX: String(k), S3DG_NUM_SHARDS: String(completions) });
      assert.equal(r.status, 0, r.stderr);
      seen.push(...scannedNames(r.stdout));
    }
    assert.deepEqual([...seen].sort(), [...NAMES].sort());
  });

  it('a run killed with SIGKILL resumes: the rerun scans only the videos it had not finished', async () => {
    const out = join(root, 'out-kill');
    const args = ['predict', videos, ...MODEL, ...CLIP, '--threads', '1', '--output_dir', out];
    const child = start(args);
    await summaries(child, 2);
    child.kill('SIGKILL');
    await exited(child);
    const done = scannedNames(child.out);
    assert.ok(done.length >= 2 && done.length < 7, `killed after ${done.length} videos`);
    const times = new Map(done.map((n) => [n, statSync(join(out, `${n}.events.json`)).mtimeMs]));
    const rerun = s3dg(args);
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.match(rerun.stderr, new RegExp(`7 of 7 videos; ${done.length} already done, ${7 - done.length} to scan`));
    assert.deepEqual([...done, ...scannedNames(rerun.stdout)].sort(), [...NAMES].sort());
    for (const [n, t] of times) assert.equal(statSync(join(out, `${n}.events.json`)).mtimeMs, t, `${n} was redone`);
    // Whatever the kill left, no video is half there: each has all three outputs.
    const finals = filesIn(out).filter((f) => !/\.tmp-\d+-\d+$/.test(f));
    assert.deepEqual(finals, NAMES.flatMap(outputsOf).sort());
  });

  it('SIGTERM abandons the video in progress and exits 0; every video has all its outputs or none', async () => {
    const out = join(root, 'out-term');
    const child = start(['predict', videos, ...MODEL, ...CLIP, '--threads', '1', '--output_dir', out]);
    await summaries(child, 1);
    child.kill('SIGTERM');
    const { code } = await exited(child);
    assert.equal(code, 0, child.err);
    assert.match(child.err, /SIGTERM: abandoning the video in progress/);
    assert.match(child.err, /stopped by SIGTERM: rerun the same command to scan the rest/);
    const files = filesIn(out);
    assert.deepEqual(
      files.filter((f) => f.includes('.tmp-')),
      [],
    );
    const done = scannedNames(child.out);
    assert.ok(done.length >= 1 && done.length < 7, `stopped after ${done.length} videos`);
    assert.deepEqual(files, done.flatMap(outputsOf).sort());
  });

  it('a broken video is reported with its reason at the end; the others are scanned; exit 1', () => {
    const dir = join(root, 'mixed');
    mkdirSync(dir, { recursive: true });
    for (const n of ['a.mp4', 'b.mp4']) writeFileSync(join(dir, n), readFileSync(join(videos, n)));
    writeFileSync(join(dir, 'broken.mp4'), 'not a video\n'.repeat(40));
    const out = join(root, 'out-mixed');
    const r = s3dg(['predict', dir, ...MODEL, ...CLIP, '--output_dir', out]);
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(scannedNames(r.stdout), ['a.mp4', 'b.mp4']);
    assert.match(r.stderr, /2 scanned, 1 failed/);
    assert.match(r.stderr, /s3dg: 1 of 3 videos failed:\n {2}.*broken\.mp4: .*Invalid data found/);
    assert.deepEqual(filesIn(out), [...outputsOf('a.mp4'), ...outputsOf('b.mp4')].sort());
  });

  it('bad flags and inputs: one clear line, exit 2, nothing written', () => {
    const out = join(root, 'out-bad');
    const video = join(videos, 'a.mp4');
    const cases: Array<[string[], RegExp, NodeJS.ProcessEnv?]> = [
      [['predict', video, ...MODEL], /predict needs --output_dir/],
      [['predict', video, '--output_dir', out], /predict needs a model: --model_dir/],
      [['predict', join(root, 'nope.mp4'), ...MODEL, '--output_dir', out], /nope\.mp4: no such file or folder/],
      [['predict', join(root, '*.mkv'), ...MODEL, '--output_dir', out], /\*\.mkv: the pattern matches no video files/],
      [['predict', video, ...MODEL, '--output_dir', out, '--shard', '3/3'], /--shard: shard index 3 is outside 0…2/],
      [['predict', video, ...MODEL, '--output_dir', out, '--shard', 'two'], /--shard two: expected K\/N/],
      [
        ['predict', video, ...MODEL, '--output_dir', out],
        /JOB_COMPLETION_INDEX=1 is set, but not the number of shards/,
        { JOB_COMPLETION_INDEX: '1' },
      ],
      [['predict', video, ...MODEL, '--output_dir', out, '--threshold', '0'], /--threshold must be in \(0, 1\], got 0/],
      [['predict', video, ...MODEL, '--output_dir', out, '--stride', '0'], /--stride must be a positive integer/],
      ...(onnxruntime.available
        ? []
        : [
            [
              ['predict', video, ...MODEL, '--output_dir', out, '--engine', 'onnxruntime'],
              /--engine onnxruntime: .+; use --engine tfjs/,
            ] as [string[], RegExp],
          ]),
      [['predict', video, ...MODEL, '--output_dir', out, '--engine', 'gpu'], /--engine gpu: choose one of auto, tfjs, onnxruntime/],
      [
        ['predict', video, '--model', join(root, 'web-model'), '--num_classes', '3', '--output_dir', out],
        /is a web model, which carries its own config; drop --num_classes/,
      ],
      [
        ['predict', video, '--model', join(root, 'web-model'), '--clip_length', '8', '--output_dir', out],
        /model\.json sets how clips are made; do not give --clip_length/,
      ],
      [
        ['predict', video, ...MODEL, '--class_names', join(root, 'names.txt'), '--num_classes', '4', '--output_dir', out],
        /5 class names for a model of 4 classes/,
      ],
      [['predict', video, ...MODEL, '--output_dir', video], /--output_dir .*a\.mp4 is a file, not a folder/],
    ];
    for (const [args, message, env] of cases) {
      const r = s3dg(args, env);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(
        r.stderr
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('s3dg:')).length,
        1,
        r.stderr,
      );
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    // A checkpoint that does not fit the model flags: exit 1, the variable named.
    const r = s3dg([
      'predict',
      video,
      ...MODEL.slice(0, 2),
      '--num_classes',
      '6',
      '--depth_multiplier',
      '0.125',
      '--min_depth',
      '4',
      '--output_dir',
      out,
    ]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /Logits\/Conv2d_0c_1x1\/biases: \[5\] in the checkpoint, \[6\] in the model/);
    assert.ok(!existsSync(out));
  });
});
