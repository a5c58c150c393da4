import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURES_SKIP, fixture, SERVING_DIR, TFX_DIR } from '../shared_fixtures.ts';
import { encodeTFRecords } from '../../core/formats/tfrecord_writer.ts';
import { bytesFeature, encodeExample, encodeSequenceExample, floatFeature, int64Feature } from '../../core/formats/example.ts';
import type { Inspection } from '../../core/formats/inspect.ts';
import { saveCheckpoint } from '../../core/formats/checkpoint_writer.ts';
import { EventWriter } from '../../core/formats/event_writer.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `s3dg inspect ...args`; resolves with exit code, stdout and stderr. */
function inspect(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['node/bin/s3dg.js', 'inspect', ...args], { cwd: REPO, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Runs `s3dg inspect --json` and checks the kind of what it found. */
async function inspectJson<K extends Inspection['kind']>(kind: K, ...args: string[]): Promise<Extract<Inspection, { kind: K }>> {
  const r = await inspect(...args, '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as Inspection;
  assert.equal(json.kind, kind);
  return json as Extract<Inspection, { kind: K }>;
}

test('inspect a model dir: latest checkpoint, text and JSON, leading and full values', { skip: FIXTURES_SKIP }, async () => {
  const text = await inspect(fixture(TFX_DIR));
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /model\.ckpt-1000: 60 tensors/);
  assert.match(text.stdout, /global_step\s+int64\s+\[\]\s+1000\n/);
  assert.match(text.stdout, /training\/Ftrl\/learning_rate\s+float32\s+\[\]\s+0\.005\n/);
  const json = await inspectJson('checkpoint', fixture(`${TFX_DIR}model.ckpt-1000.index`));
  assert.equal(json.tensors.length, 60);
  const kernel = json.tensors.find((t) => t.name === 'dnn/hiddenlayer_0/kernel');
  assert.deepEqual([kernel?.dtype, kernel?.shape, kernel?.values.length], ['float32', [3, 100], 4]);
  const full = await inspectJson('checkpoint', fixture(`${TFX_DIR}model.ckpt-1000`), '--values');
  assert.equal(full.tensors.find((t) => t.name === 'dnn/hiddenlayer_0/kernel')?.values.length, 300);
});

test('inspect a SavedModel: signatures and variables', { skip: FIXTURES_SKIP }, async () => {
  const json = await inspectJson('saved_model', fixture(`${SERVING_DIR}saved_model_half_plus_two_cpu/00000123`));
  const g = json.metaGraphs[0];
  assert.deepEqual(g.tags, ['serve']);
  assert.deepEqual(g.signatures.serving_default.inputs.x, { name: 'x:0', dtype: 'DT_FLOAT', shape: [-1, 1] });
  const values = Object.fromEntries((json.variables ?? []).map((v) => [v.name, v.values[0]]));
  assert.deepEqual(values, { a: 0.5, a2: 0.5, b: 2, c: 3, c2: 3 });
  const text = await inspect(fixture(`${SERVING_DIR}saved_model_half_plus_two_cpu/00000123/saved_model.pb`));
  assert.match(text.stdout, /signature 'serving_default' \(tensorflow\/serving\/predict\)\n\s+in {2}x: x:0 DT_FLOAT \[-1,1\]/);
});

test('inspect a checkpoint .meta MetaGraphDef', { skip: FIXTURES_SKIP }, async () => {
  const json = await inspectJson('meta_graph', fixture(`${TFX_DIR}model.ckpt-1000.meta`));
  assert.equal(json.metaGraph.nodes, 2502);
  assert.ok(json.metaGraph.saver);
  assert.ok(json.metaGraph.collections.includes('global_step'));
});

test('inspect event files: tags, steps and (with --values) scalar series', { skip: FIXTURES_SKIP }, async () => {
  const json = await inspectJson('events', fixture(`${TFX_DIR}events.out.tfevents.1646034739.jiyongjung.c.googlers.com`), '--values');
  assert.equal(json.events, 28);
  assert.deepEqual(json.steps, [1, 901]);
  assert.deepEqual(json.sessionLogs, { CHECKPOINT: 3, START: 1 });
  const loss = json.tags.find((t) => t.tag === 'loss');
  assert.equal(loss?.kind, 'scalar');
  assert.equal(loss?.series?.length, loss?.count);
  assert.equal(json.tags.find((t) => t.tag === 'dnn/hiddenlayer_0/activation')?.kind, 'histogram');
});

test('inspect TFRecords: the GZIP penguin file and an s3dg clip record', { skip: FIXTURES_SKIP }, async () => {
  const penguin = await inspectJson(
    'tfrecord',
    fixture('tfx-estimator/tfx/components/testdata/penguin/data/Split-eval/data_tfrecord-00000-of-00001.gz'),
  );
  assert.deepEqual([penguin.compression, penguin.records], ['GZIP', 100]);
  assert.deepEqual(penguin.kinds, { example: 100, sequence_example: 0, raw: 0 });
  const first = penguin.items[0];
  assert.equal(first.kind, 'example');
  assert.deepEqual(
    (first.kind === 'example' ? first.features : []).map((f) => `${f.key}:${f.kind}`),
    ['body_mass_g:float', 'culmen_depth_mm:float', 'culmen_length_mm:float', 'flipper_length_mm:float', 'species:int64'],
  );
  const dir = await mkdtemp(path.join(tmpdir(), 's3dg-inspect-'));
  const file = path.join(dir, 'clips.tfrecord');
  const clip = new Uint8Array(8 * 16 * 16 * 3).map((_, i) => i & 255);
  await writeFile(file, encodeTFRecords([encodeExample({ feature: clip, label: new Uint8Array([0, 1, 1]) })]));
  const text = await inspect(file);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /: 1 record\(s\), 1 tf\.Example\n {2}record 0: tf\.Example\n/);
  assert.match(text.stdout, /feature {2}bytes\[1\] {2}"hex:000102030405060708090a0b0c0d0e0f… \(6144 bytes\)"/);
  assert.match(text.stdout, /label {2}bytes\[1\] {2}"hex:000101"/);
});

test('inspect a TFRecord of tf.SequenceExamples and raw records: decoded lists, length + preview, nothing refused', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 's3dg-inspect-'));
  const file = path.join(dir, 'mixed.tfrecord');
  const sequence = encodeSequenceExample(
    { video: bytesFeature('crossing-12.mp4'), fps: int64Feature(15) },
    {
      frames: [0, 1, 2, 3, 4, 5].map((i) => bytesFeature(Uint8Array.of(i, 255 - i))),
      gates_down: [floatFeature(0), floatFeature(0.5), floatFeature(1)],
    },
  );
  const records = [
    sequence,
    new TextEncoder().encode('a plain string record'),
    Uint8Array.from({ length: 100 }, (_, i) => (i * 37) & 255),
    encodeExample({ label: new Uint8Array([1, 0]) }),
    new Uint8Array(0),
  ];
  await writeFile(file, encodeTFRecords(records));
  const text = await inspect(file);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stderr, '');
  const lines = text.stdout.split('\n');
  assert.match(lines[0], /mixed\.tfrecord: 5 record\(s\), 1 tf\.Example, 1 tf\.SequenceExample, 3 other$/);
  assert.deepEqual(lines.slice(1, 13), [
    '  record 0: tf.SequenceExample',
    '    context:',
    '      fps  int64[1]  15',
    '      video  bytes[1]  "crossing-12.mp4"',
    '    feature lists:',
    '      frames  6 step(s)',
    '        [0] bytes[1]  "hex:00ff"',
    '        [1] bytes[1]  "hex:01fe"',
    '        [2] bytes[1]  "hex:02fd"',
    '        [3] bytes[1]  "hex:03fc"',
    '        …',
    '      gates_down  3 step(s)',
  ]);
  assert.match(text.stdout, / {8}\[1\] float\[1\] {2}0\.5\n/);
  assert.match(text.stdout, /record 1: 21 bytes, neither tf\.Example nor tf\.SequenceExample: "a plain string record"\n/);
  assert.match(
    text.stdout,
    /record 2: 100 bytes, neither tf\.Example nor tf\.SequenceExample: "hex:00254a6f94b9de03284d7297bce1062b… \(100 bytes\)"\n/,
  );
  assert.match(text.stdout, /record 3: tf\.Example\n {4}label {2}bytes\[1\] {2}"hex:0100"\n/);
  assert.match(text.stdout, /record 4: 0 bytes, neither/);
  // JSON, every value: all six steps of the list.
  const json = await inspectJson('tfrecord', file, '--values');
  assert.deepEqual(json.kinds, { example: 1, sequence_example: 1, raw: 3 });
  const seq = json.items[0];
  assert.equal(seq.kind, 'sequence_example');
  if (seq.kind !== 'sequence_example') return;
  assert.deepEqual(
    seq.featureLists.map((l) => [l.key, l.steps, l.features.length]),
    [
      ['frames', 6, 6],
      ['gates_down', 3, 3],
    ],
  );
  assert.deepEqual(json.items[1], { record: 1, kind: 'raw', length: 21, preview: 'a plain string record' });
});

test('broken or unknown files get a clear one-line error and exit code 1', { skip: FIXTURES_SKIP }, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 's3dg-inspect-'));
  const bytes = await readFile(fixture('torch-tb-events/tests/runs/strict/run_1/events.out.tfevents.1622543341.janoshs-mbp.lan.86862.0'));
  bytes[300] ^= 0xff;
  const damaged = path.join(dir, 'events.out.tfevents.1.host');
  await writeFile(damaged, bytes);
  const r = await inspect(damaged);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^s3dg: ${damaged.replace(/[.]/g, '\\.')}: record \\d+ .*checksum mismatch \\(at byte \\d+\\)\\n$`));
  const readme = await inspect(fixture('README.md'));
  assert.equal(readme.code, 1);
  assert.match(readme.stderr, /README\.md: is not a checkpoint, SavedModel, event file or TFRecord file/);
  const missing = await inspect(path.join(dir, 'nothing-here'));
  assert.match(missing.stderr, /nothing-here: no such file, directory or checkpoint prefix/);
  const ckpt = path.join(dir, 'model.ckpt-1');
  await writeFile(`${ckpt}.index`, (await readFile(fixture(`${TFX_DIR}model.ckpt-1000.index`))).subarray(0, 2000));
  const cut = await inspect(ckpt);
  assert.match(cut.stderr, /model\.ckpt-1\.index: bad magic number/);
});

test('a reader that stops early (inspect … | head -1) ends inspect quietly: no EPIPE trace', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 's3dg-inspect-pipe-'));
  const prefix = path.join(dir, 'model.ckpt-1');
  // ~2 MB of text with --values: far more than a pipe holds.
  await saveCheckpoint(writeFile, prefix, [{ name: 'w', dtype: 'float32', shape: [200000], values: new Float32Array(200000).fill(0.25) }]);
  const r = spawnSync('sh', ['-c', `"${process.execPath}" node/bin/s3dg.js inspect --values "${prefix}" | head -1`], {
    cwd: REPO,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^checkpoint .*model\.ckpt-1: 1 tensors/);
  assert.equal(r.stderr, '');
});

test('an event file cut off inside its last record (a killed writer, a full disk): the events before it, with a warning; damage before the end stays an error', async () => {
  const parts: Uint8Array[] = [];
  const writer = new EventWriter({ append: async (b) => void parts.push(b.slice()), startSeconds: 1, wallTime: () => 1 });
  for (let step = 1; step <= 5; step++) writer.scalar('loss', 1 / step, step);
  await writer.close();
  const whole = Buffer.concat(parts);
  const dir = await mkdtemp(path.join(tmpdir(), 's3dg-inspect-events-'));
  const cut = path.join(dir, 'events.out.tfevents.1.cut');
  await writeFile(cut, whole.subarray(0, whole.length - 7));
  const r = await inspect(cut, '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as Extract<Inspection, { kind: 'events' }>;
  assert.deepEqual(json.steps, [1, 4]);
  assert.match(
    r.stderr,
    /^s3dg: warning: .*events\.out\.tfevents\.1\.cut: record 5: truncated data, file ends after \d+ of \d+ bytes.*; the events before it are shown/m,
  );
  const damaged = Buffer.from(whole);
  damaged[whole.length - 60] ^= 0xff;
  const bad = path.join(dir, 'events.out.tfevents.1.bad');
  await writeFile(bad, damaged);
  const b = await inspect(bad);
  assert.equal(b.code, 1);
  assert.match(b.stderr, /checksum mismatch/);
});

test('a gzip bomb (zeros) is refused at its first record header, without inflating it', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 's3dg-inspect-gz-'));
  const bomb = path.join(dir, 'zeros.tfrecord.gz');
  await writeFile(bomb, gzipSync(Buffer.alloc(256 << 20), { level: 9 }));
  const r = await inspect(bomb);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^s3dg: .*zeros\.tfrecord\.gz: record 0: length checksum mismatch \(corrupt or not a TFRecord file\)/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});
