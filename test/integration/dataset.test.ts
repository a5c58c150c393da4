/**
 * The clip data path end to end: videos made by ffmpeg (and by the synthetic generator) →
 * `s3dg dataset` → TFRecord shards → the input pipeline.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDataset } from '../../node/data/dataset_builder.ts';
import type { DatasetBuildOptions } from '../../node/data/dataset_builder.ts';
import { labelTableSource, unlabelledSource } from '../../node/data/video_labels_source.ts';
import { subsetSources, listTfrecordFiles } from '../../node/data/tfrecord_files.ts';
import { PreprocessPool } from '../../node/data/preprocess_pool.ts';
import { writeCrossingScenes } from '../../node/demo/scenes.ts';
import { readClipRecords, RecordShapeError } from '../../core/data/clip_records.ts';
import type { ClipRecord } from '../../core/data/clip_records.ts';
import { inputPipeline } from '../../core/data/input_pipeline.ts';
import { clipLabel, frameTimes } from '../../core/data/clip_labels.ts';
import { parseLabelTable } from '../../core/data/label_files.ts';
import { ModelFrameMaker } from '../../core/data/model_frame.ts';
import { rawFormatOf } from '../../node/video/raw_format.ts';
import { ffmpegBinary } from '../../node/video/ffmpeg_binary.ts';

/** The ffmpeg the CLI runs (the system's, else the bundled one) makes the test videos too. */
const FFMPEG = ffmpegBinary().ffmpeg;
const root = mkdtempSync(join(tmpdir(), 's3dg-dataset-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function records(file: string, spec: Parameters<typeof readClipRecords>[1]): Promise<ClipRecord[]> {
  const { fileRecordSource } = await import('../../node/data/tfrecord_files.ts');
  const out: ClipRecord[] = [];
  for await (const r of readClipRecords(fileRecordSource(file), spec)) out.push({ ...r, clip: r.clip.slice(), label: r.label.slice() });
  return out;
}

test('H.264 160×120 and VP9 161×121 videos at 7 fps: clips decode to the source frames (crop + resize) and carry their time-range labels', async () => {
  const dir = join(root, 'testsrc');
  const videos = join(dir, 'videos');
  execFileSync('mkdir', ['-p', videos]);
  const make = (size: string, args: string[], file: string) =>
    execFileSync(FFMPEG, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=7`, '-t', '2', ...args, file]);
  make('160x120', ['-c:v', 'libx264', '-crf', '8', '-pix_fmt', 'yuv420p'], join(videos, 'a.mp4'));
  make('161x121', ['-c:v', 'libvpx-vp9', '-crf', '8', '-b:v', '0', '-pix_fmt', 'yuv420p'], join(videos, 'b.webm'));
  writeFileSync(join(dir, 'names.txt'), 'first\nsecond\n');
  // a.mp4: 'first' for 0.5–1.5 s; b.webm: 'second' for the whole video.
  writeFileSync(
    join(dir, 'labels.json'),
    JSON.stringify({ 'a.mp4': [{ start: 0.5, end: 1.5, class: 'first' }], 'b.webm': [{ start: 0, end: 2, class: 1 }] }),
  );
  const crop = { x: 8, y: 4, width: 96, height: 80 };
  const options: DatasetBuildOptions = {
    videosDir: videos,
    outDir: join(dir, 'out'),
    classNames: ['first', 'second'],
    labels: await labelTableSource(join(dir, 'labels.json'), ['first', 'second']),
    clip: { clipLength: 4, frameHeight: 40, frameWidth: 48, channels: 3, stride: 2, fps: null, crop, minLabelFraction: 0.5 },
    evalFraction: 0,
    seed: 0,
    clipsPerShard: 3,
    jobs: 2,
  };
  const result = await buildDataset(options);
  assert.deepEqual(result.built.sort(), ['a.mp4', 'b.webm']);
  assert.deepEqual(result.skipped, []);
  const spec = { clipLength: 4, frameHeight: 40, frameWidth: 48, channels: 3, numClasses: 2 };
  for (const [video, size] of [
    ['a.mp4', '160x120'],
    ['b.webm', '161x121'],
  ]) {
    const entry = result.manifest.videos[video];
    // 14 frames, clips of 4 every 2 frames: starts 0,2,…,10 → 6 clips in shards of ≤ 3.
    assert.equal(entry.clips, 6);
    assert.equal(entry.shards.length, 2);
    // Reference: the same frames straight from the generator (4:2:0, no codec), made model
    // frames the way the CLI and the web app make them: core's YUV→RGB, crop and resize.
    const [w, h] = size.split('x').map(Number);
    const yuv = execFileSync(
      FFMPEG,
      ['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=7`, '-t', '2', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'],
      { maxBuffer: 1 << 26 },
    );
    const format = rawFormatOf({ width: w, height: h, pixelFormat: 'yuv420p', colorMatrix: null, colorRange: null });
    const maker = new ModelFrameMaker(
      { width: w, height: h, pixelStride: format.pixelStride },
      { frameHeight: 40, frameWidth: 48, channels: 3, crop },
    );
    const raw = Buffer.concat(
      Array.from({ length: yuv.length / format.frameBytes }, (_, f) =>
        maker.make(format.toRgb(yuv.subarray(f * format.frameBytes, (f + 1) * format.frameBytes))),
      ),
    );
    const frameBytes = 40 * 48 * 3;
    const clips = (await Promise.all(entry.shards.map((s) => records(join(options.outDir, s), spec)))).flat();
    assert.equal(clips.length, 6);
    clips.forEach((r, i) => {
      const want = raw.subarray(2 * i * frameBytes, (2 * i + 4) * frameBytes);
      let sum = 0;
      for (let j = 0; j < want.length; j++) sum += Math.abs(r.clip[j] - want[j]);
      assert.ok(sum / want.length < 2, `${video} clip ${i}: mean abs error ${sum / want.length}`);
      // Frame centres of clip i: (2i + 0.5 … 2i + 3.5) / 7 s.
      const times = [0, 1, 2, 3].map((f) => (2 * i + f + 0.5) / 7);
      const firstOn = times.filter((t) => t >= 0.5 && t < 1.5).length >= 2;
      assert.deepEqual(Array.from(r.label), video === 'a.mp4' ? [firstOn ? 1 : 0, 0] : [0, 1], `${video} clip ${i}`);
    });
  }
});

test('synthetic crossing videos → dataset: split by video, manifest, resumable, corrupt video skipped, records load through the pipeline', async () => {
  const dir = join(root, 'crossing');
  const scenes = await writeCrossingScenes({ outDir: dir, videos: 5, seed: 3, width: 32, height: 32, fps: 8, durationSeconds: 4 });
  writeFileSync(join(scenes.videosDir, 'broken.mp4'), 'not a video'.repeat(100));
  const classNames = scenes.classNames;
  const out = join(dir, 'dataset');
  const options: DatasetBuildOptions = {
    videosDir: scenes.videosDir,
    outDir: out,
    classNames,
    labels: await labelTableSource(scenes.labelsFile, classNames),
    clip: { clipLength: 8, frameHeight: 32, frameWidth: 32, channels: 3, stride: 4, fps: null, crop: null, minLabelFraction: 0.5 },
    evalFraction: 0.4,
    seed: 1,
    clipsPerShard: 4,
    jobs: 2,
  };
  const first = await buildDataset(options);
  assert.equal(first.built.length, 5);
  assert.deepEqual(
    first.skipped.map((s) => s.video),
    ['broken.mp4'],
  );
  assert.match(first.skipped[0].reason, /(ffprobe|ffmpeg) exited with code 1|no video stream/);
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.deepEqual(m.classNames, classNames);
  assert.equal(m.splits.eval.videos, 2);
  assert.equal(m.splits.train.videos, 3);
  // 32 frames, clips of 8 every 4 → 7 clips per video.
  assert.equal(m.splits.train.clips + m.splits.eval.clips, 35);
  // No video has shards in both splits; shard names say which video they hold.
  for (const [video, entry] of Object.entries(m.videos) as Array<[string, { split: string; shards: string[] }]>) {
    assert.ok(
      entry.shards.every((s) => s.startsWith(`${entry.split}/${video.replace('.', '_')}-`)),
      video,
    );
  }
  // Labels in the records equal the labels computed from the CSV ranges.
  const table = parseLabelTable(readFileSync(scenes.labelsFile, 'utf8'), scenes.labelsFile, classNames);
  const spec = { clipLength: 8, frameHeight: 32, frameWidth: 32, channels: 3, numClasses: classNames.length };
  const counts = new Array(classNames.length).fill(0);
  for (const split of ['train', 'eval']) {
    for (const file of await listTfrecordFiles(join(out, split))) {
      const video = file
        .split('/')
        .pop()!
        .replace(/-[0-9a-f]{10}-\d{5}\.tfrecord$/, '')
        .replace('_mp4', '.mp4');
      const shardIndex = Number(/-(\d{5})\.tfrecord$/.exec(file)![1]);
      (await records(file, spec)).forEach((r, i) => {
        const clip = shardIndex * 4 + i;
        const want = clipLabel(table.get(video)!, frameTimes(clip * 4, 8, 8), classNames.length, 0.5);
        assert.deepEqual(Array.from(r.label), Array.from(want), `${video} clip ${clip}`);
        want.forEach((v, k) => (counts[k] += v));
      });
    }
  }
  assert.deepEqual(
    counts,
    classNames.map((_, k) => m.splits.train.classCounts[k] + m.splits.eval.classCounts[k]),
  );

  // The shards feed the input pipeline, with preprocessing in worker threads.
  const pool = new PreprocessPool(2, { height: 32, width: 32, channels: 3 });
  try {
    let seen = 0;
    for await (const batch of inputPipeline({
      sources: await subsetSources(join(out, 'train')),
      spec,
      batchSize: 4,
      mode: 'train',
      epochs: 1,
      preprocess: pool.preprocess,
      parallelism: 2,
    })) {
      assert.equal(batch.clips.length, 4 * 8 * 32 * 32 * 3);
      assert.ok(batch.clips.every((v) => v >= -1 && v <= 1));
      seen += batch.size;
    }
    assert.equal(seen, Math.floor(m.splits.train.clips / 4) * 4);
  } finally {
    await pool.close();
  }

  // A record of the wrong size for the spec fails naming the shard, the record and the options.
  const wrong = { ...spec, frameHeight: 64 };
  await assert.rejects(
    (async () => {
      for await (const _ of inputPipeline({ sources: await subsetSources(join(out, 'eval')), spec: wrong, batchSize: 1, mode: 'eval' }))
        void _;
    })(),
    (e: Error) =>
      e instanceof RecordShapeError &&
      /eval\/crossing-\d{3}_mp4-[0-9a-f]{10}-00000\.tfrecord record 0: 'feature' holds 24576 bytes, but `clipLength` 8 `frameHeight` 64 .* = 49152 \(it would fit `clipLength` 4, or `frameHeight` 32, or `frameWidth` 16\)/.test(
        e.message,
      ),
  );

  // Re-running skips what is done and removes leftovers of an interrupted run.
  writeFileSync(join(out, 'train', 'crossing-000_mp4-00000.tfrecord.partial'), 'half');
  const second = await buildDataset(options);
  assert.deepEqual(second.built, []);
  assert.equal(second.alreadyDone.length, 5);
  assert.ok(!readdirSync(join(out, 'train')).some((n) => n.endsWith('.partial')));
  // Other settings are refused rather than mixed into the same data set.
  await assert.rejects(
    buildDataset({ ...options, clip: { ...options.clip, clipLength: 4 } }),
    /built with other settings \(--clip_length 8 → 4\)/,
  );
});

test('s3dg dataset on the command line: bad flags exit 2 with the flag named; a run prints the summary', () => {
  const cli = join(import.meta.dirname, '../../node/cli.ts');
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', cli, 'dataset', ...args], {
      encoding: 'utf8',
      cwd: join(import.meta.dirname, '../..'),
    });
  const dir = join(root, 'crossing');
  const base = ['--videos', join(dir, 'videos'), '--labels', join(dir, 'labels.csv'), '--class_names', join(dir, 'class_names.txt')];
  const bad = run([...base, '--out', join(root, 'cli'), '--frame_height', '0']);
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /--frame_height must be a positive integer, got "0"/);
  const badCrop = run([...base, '--out', join(root, 'cli'), '--crop', '1,2,3']);
  assert.equal(badCrop.status, 2);
  assert.match(badCrop.stderr, /--crop must be x,y,width,height/);
  const ok = run([
    ...base,
    '--out',
    join(root, 'cli'),
    '--clip_length',
    '8',
    '--frame_height',
    '32',
    '--frame_width',
    '32',
    '--stride',
    '8',
    '--eval_videos',
    'crossing-001.mp4',
    '--no-progress',
  ]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /eval: 1 videos, 4 clips/);
  assert.match(ok.stdout, /skipped broken\.mp4/);
  assert.match(ok.stderr, /dataset: 6 videos, 0 already done, 6 to build/);
  assert.ok(existsSync(join(root, 'cli', 'manifest.json')));
  // A crop no video can hold: every video is skipped with the reason, and the command fails.
  const none = run([
    ...base,
    '--out',
    join(root, 'cli-none'),
    '--clip_length',
    '8',
    '--frame_height',
    '32',
    '--frame_width',
    '32',
    '--crop',
    '0,0,64,64',
    '--no-progress',
  ]);
  assert.equal(none.status, 1);
  assert.match(none.stdout, /skipped crossing-000\.mp4: crop x=0 y=0 width=64 height=64 does not fit in a 32×32 frame/);
  assert.match(none.stderr, /the data set holds no clips/);
});

/** A minimal .npy v1 file of uint8 values (what np.save writes for dtype uint8). */
function npyBytes(shape: number[], values: number[]): Buffer {
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(values)]);
}

test('labels from a folder of .npy files: [K] for the whole video, [frames, K] per source frame', async () => {
  const dir = join(root, 'npy');
  const videos = join(dir, 'videos');
  const labels = join(dir, 'labels');
  execFileSync('mkdir', ['-p', videos, labels]);
  const make = (file: string) =>
    execFileSync(FFMPEG, [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=64x48:rate=4',
      '-t',
      '4',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      join(videos, file),
    ]);
  make('whole.mp4');
  make('frames.mp4');
  make('unlabelled.mp4');
  make('short.mp4');
  // 10 rows for 16 frames: its last row would label the last 6 frames; refused, naming file, rows and frames.
  writeFileSync(
    join(labels, 'short.npy'),
    npyBytes(
      [10, 3],
      Array.from({ length: 30 }, () => 0),
    ),
  );
  writeFileSync(join(labels, 'whole.npy'), npyBytes([3], [0, 1, 1]));
  // 16 source frames at 4 fps: class 0 on for frames 0–7, class 2 on for frames 8–15.
  writeFileSync(
    join(labels, 'frames.npy'),
    npyBytes([16, 3], Array.from({ length: 16 }, (_, f) => (f < 8 ? [1, 0, 0] : [0, 0, 1])).flat()),
  );
  const { npyLabelSource } = await import('../../node/data/video_labels_source.ts');
  const result = await buildDataset({
    videosDir: videos,
    outDir: join(dir, 'out'),
    classNames: ['a', 'b', 'c'],
    labels: npyLabelSource(labels, 3),
    // Decoded at 2 fps: 8 frames, clips of 4 → 2 clips per video, each 2 s long.
    clip: { clipLength: 4, frameHeight: 24, frameWidth: 32, channels: 3, stride: 4, fps: 2, crop: null, minLabelFraction: 0.5 },
    evalFraction: 0,
    seed: 0,
    clipsPerShard: 8,
    jobs: 2,
  });
  assert.deepEqual(result.skipped, [
    {
      video: 'short.mp4',
      reason: `${labels}: the per-frame labels of short.mp4 have 10 rows, but the video has 16 frames at 4 fps (4.00 s): give one row per frame`,
    },
    { video: 'unlabelled.mp4', reason: `no labels for this video in ${labels}` },
  ]);
  const spec = { clipLength: 4, frameHeight: 24, frameWidth: 32, channels: 3, numClasses: 3 };
  const whole = await records(join(dir, 'out', result.manifest.videos['whole.mp4'].shards[0]), spec);
  assert.deepEqual(
    whole.map((r) => Array.from(r.label)),
    [
      [0, 1, 1],
      [0, 1, 1],
    ],
  );
  const frames = await records(join(dir, 'out', result.manifest.videos['frames.mp4'].shards[0]), spec);
  assert.deepEqual(
    frames.map((r) => Array.from(r.label)),
    [
      [1, 0, 0],
      [0, 0, 1],
    ],
  );
  assert.equal(frames[0].clip.length, 4 * 24 * 32 * 3);
});

test('videos whose names sanitise alike (x.y / x_y, "a b" / "a(b") and a 240-character name each keep their own shards; the counts are what is on disk', async () => {
  const dir = join(root, 'collide');
  const videos = join(dir, 'videos');
  execFileSync('mkdir', ['-p', videos]);
  const long = `${'v'.repeat(236)}.mp4`;
  const names = ['x.y.mp4', 'x_y.mp4', 'a b.mp4', 'a(b.mp4', long];
  names.forEach((name, i) => {
    execFileSync(FFMPEG, [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc=size=32x24:rate=4,hue=h=${i * 60}`,
      '-t',
      String(2 + i),
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      join(videos, name),
    ]);
  });
  const options: DatasetBuildOptions = {
    videosDir: videos,
    outDir: join(dir, 'out'),
    classNames: ['a', 'b'],
    labels: unlabelledSource(2),
    clip: { clipLength: 4, frameHeight: 24, frameWidth: 32, channels: 3, stride: 4, fps: null, crop: null, minLabelFraction: 0.5 },
    evalFraction: 0,
    seed: 0,
    clipsPerShard: 2,
    jobs: 2,
  };
  const onDisk = async (split: string) => {
    let n = 0;
    for (const f of readdirSync(join(dir, 'out', split)))
      n += (await records(join(dir, 'out', split, f), { clipLength: 4, frameHeight: 24, frameWidth: 32, channels: 3, numClasses: 2 }))
        .length;
    return n;
  };
  const first = await buildDataset(options);
  assert.deepEqual(first.built.sort(), [...names].sort());
  assert.deepEqual(first.skipped, []);
  // 2, 3, 4, 5, 6 s at 4 fps in clips of 4 frames: 2 + 3 + 4 + 5 + 6 clips.
  assert.equal(first.manifest.splits.train.clips, 20);
  assert.equal(await onDisk('train'), 20);
  for (const name of names) assert.equal(first.manifest.videos[name].clips, names.indexOf(name) + 2, name);
  // A rerun keeps them all.
  const second = await buildDataset(options);
  assert.deepEqual(second.built, []);
  assert.equal(await onDisk('train'), 20);
});

test('a cut-off video (its header promises 160 frames, 30 decode) is kept with a warning in the manifest; a whole one has none', async () => {
  const dir = join(root, 'cut');
  const videos = join(dir, 'videos');
  execFileSync('mkdir', ['-p', videos]);
  const whole = join(dir, 'whole.mp4');
  // faststart: the header (with the full duration) comes first, so the cut file still opens.
  const encode = ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=8', '-t', '20', '-c:v', 'libx264'];
  execFileSync(FFMPEG, [...encode, '-pix_fmt', 'yuv420p', '-movflags', '+faststart', whole]);
  const bytes = readFileSync(whole);
  writeFileSync(join(videos, 'cut.mp4'), bytes.subarray(0, Math.floor(bytes.length * 0.4)));
  writeFileSync(join(videos, 'whole.mp4'), bytes);
  const result = await buildDataset({
    videosDir: videos,
    outDir: join(dir, 'out'),
    classNames: ['a', 'b'],
    labels: unlabelledSource(2),
    clip: { clipLength: 8, frameHeight: 24, frameWidth: 32, channels: 3, stride: 8, fps: null, crop: null, minLabelFraction: 0.5 },
    evalFraction: 0,
    seed: 0,
    clipsPerShard: 8,
    jobs: 1,
  });
  const cut = result.manifest.videos['cut.mp4'];
  assert.match(cut.warning ?? '', /^decoded (\d+) of the 160 frames its header promises \(cut off or damaged\)/);
  assert.equal(cut.frames, Number(/decoded (\d+)/.exec(cut.warning ?? '')?.[1]));
  assert.ok(cut.frames < 80);
  assert.equal(result.manifest.videos['whole.mp4'].warning, undefined);
  assert.equal(result.manifest.videos['whole.mp4'].frames, 160);
});

test('s3dg dataset stops cleanly on SIGTERM (exit 0, manifest kept, no partial shard) and the rerun ends byte-identical to an uninterrupted build; a held folder is refused', async () => {
  const cli = join(import.meta.dirname, '../../node/cli.ts');
  const dir = join(root, 'sigterm');
  const videos = join(dir, 'videos');
  execFileSync('mkdir', ['-p', videos]);
  // Long enough that the build is still running when the first video is reported done.
  for (const name of ['v1', 'v2', 'v3', 'v4']) {
    execFileSync(FFMPEG, [
      '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30', '-t', '8',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', join(videos, `${name}.mp4`),
    ]); // biome-ignore format: argument pairs
  }
  writeFileSync(join(dir, 'names.txt'), 'a\n');
  const args = (out: string) => [
    '--import', 'tsx', cli, 'dataset', '--videos', videos, '--class_names', join(dir, 'names.txt'), '--out', out,
    '--clip_length', '8', '--frame_height', '32', '--frame_width', '32', '--eval_fraction', '0', '--jobs', '1', '--no-progress',
  ]; // biome-ignore format: argument pairs
  const shards = (out: string) =>
    readdirSync(join(out, 'train'))
      .sort()
      .map((n) => [n, readFileSync(join(out, 'train', n)).toString('base64')]);

  const reference = spawnSync(process.execPath, args(join(dir, 'whole')), { encoding: 'utf8' });
  assert.equal(reference.status, 0, reference.stderr);

  const out = join(dir, 'stopped');
  const child = spawn(process.execPath, args(out), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (/\[1\/4\]/.test(stderr) && child.signalCode === null && !signalled) signalled = child.kill('SIGTERM');
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.match(stderr, /interrupted: abandoning the videos in progress and saving the manifest/);
  const left = Number(/interrupted before (\d+) videos were built: run the same command again/.exec(stdout)?.[1]);
  assert.ok(left >= 1 && left <= 3, stdout);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { videos: Record<string, unknown> };
  assert.equal(Object.keys(manifest.videos).length, 4 - left);
  assert.ok(!readdirSync(join(out, 'train')).some((n) => n.endsWith('.partial')));
  assert.ok(!readdirSync(out).some((n) => n.includes('.tmp-') || n === '.s3dg-lock'));

  const rerun = spawnSync(process.execPath, args(out), { encoding: 'utf8' });
  assert.equal(rerun.status, 0, rerun.stderr);
  assert.match(rerun.stdout, new RegExp(`this run: ${left} videos built, ${4 - left} already done`));
  assert.deepEqual(shards(out), shards(join(dir, 'whole')));

  // A folder another live build holds (here: this test process) is refused, naming the holder.
  const held = join(dir, 'held');
  execFileSync('mkdir', ['-p', held]);
  const owner = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command: 'dataset …' };
  writeFileSync(join(held, '.s3dg-lock'), JSON.stringify(owner));
  const refused = spawnSync(process.execPath, args(held), { encoding: 'utf8' });
  assert.equal(refused.status, 1, refused.stderr);
  assert.match(refused.stderr, new RegExp(`${held} is in use by process ${process.pid} .*one data set build per folder at a time`));
  assert.ok(!existsSync(join(held, 'manifest.json')));
});
