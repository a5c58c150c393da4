import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { decode as decodePng } from 'fast-png';
import { readEvents } from './event_reader.ts';
import type { EventRecord } from './event_reader.ts';
import { EventWriter, eventFileName } from './event_writer.ts';
import { DEFAULT_BUCKET_LIMITS, histogramOf } from './histogram.ts';
import { FIXTURES_SKIP, fixture, TFX_DIR } from '../../test/shared_fixtures.ts';

const TRAIN = fixture(`${TFX_DIR}events.out.tfevents.1646034739.jiyongjung.c.googlers.com`);
const EVAL = fixture(`${TFX_DIR}eval_chicago-taxi-eval/events.out.tfevents.1646034751.jiyongjung.c.googlers.com`);
const TORCH = fixture('torch-tb-events/tests/runs/strict/run_1/events.out.tfevents.1622543341.janoshs-mbp.lan.86862.0');

async function events(input: Uint8Array | string): Promise<EventRecord[]> {
  const bytes = typeof input === 'string' ? new Uint8Array(await readFile(input)) : input;
  const out: EventRecord[] = [];
  for await (const e of readEvents(bytes, { source: typeof input === 'string' ? input : 'written' })) out.push(e);
  return out;
}

const DBL_MAX = Number.MAX_VALUE;

test('TFX Estimator training events: the README sequence', { skip: FIXTURES_SKIP }, async () => {
  const ev = await events(TRAIN);
  assert.equal(ev.length, 28);
  assert.deepEqual(ev[0], { wallTime: 1646034739, step: 0, kind: 'fileVersion', fileVersion: 'brain.Event:2' });
  assert.deepEqual(
    ev.slice(1, 5).map((e) => e.kind),
    ['graphDef', 'metaGraphDef', 'graphDef', 'metaGraphDef'],
  );
  assert.equal(ev[5].sessionLog?.status, 'CHECKPOINT');
  assert.deepEqual([ev[6].sessionLog?.status, ev[6].step], ['START', 1]);
  const summarySteps = [...new Set(ev.filter((e) => e.kind === 'summary').map((e) => e.step))];
  assert.deepEqual(summarySteps, [1, 101, 201, 301, 401, 501, 601, 701, 801, 901]);
  const checkpoints = ev.filter((e) => e.sessionLog?.status === 'CHECKPOINT').map((e) => e.step);
  assert.deepEqual(checkpoints, [0, 999, 1000]);
  const values = ev.flatMap((e) => e.summary ?? []);
  assert.ok(values.some((v) => v.tag === 'loss' && v.kind === 'scalar'));
  assert.ok(values.some((v) => v.tag === 'global_step/sec' && v.kind === 'scalar'));
  const histos = values.filter((v) => v.kind === 'histogram');
  assert.ok(histos.some((v) => v.tag === 'dnn/hiddenlayer_0/activation'));
  const edges = new Set(DEFAULT_BUCKET_LIMITS);
  for (const v of histos) {
    if (v.kind !== 'histogram') continue;
    const h = v.histogram;
    const limits = h.bucketLimit ?? [];
    const counts = h.bucket ?? [];
    assert.ok(
      limits.every((l) => edges.has(l)),
      `${v.tag}: TF's edges are exactly our default edges`,
    );
    assert.equal(limits.at(-1), DBL_MAX);
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      h.num,
    );
    for (let i = 1; i < counts.length; i++) assert.ok(counts[i] > 0 || counts[i - 1] > 0, `${v.tag}: empty runs are collapsed`);
  }
});

test('TFX Estimator eval events: metrics as simple_value plus a checkpoint_path string tensor', { skip: FIXTURES_SKIP }, async () => {
  const ev = await events(EVAL);
  assert.equal(ev.length, 7);
  assert.equal(ev[0].fileVersion, 'brain.Event:2');
  const tags = ev
    .filter((e) => e.step === 999)
    .flatMap((e) => e.summary ?? [])
    .map((v) => v.tag)
    .sort();
  assert.deepEqual(tags, [
    'accuracy',
    'accuracy_baseline',
    'auc',
    'auc_precision_recall',
    'average_loss',
    'checkpoint_path',
    'label/mean',
    'loss',
    'precision',
    'prediction/mean',
    'recall',
  ]);
  const path = ev.flatMap((e) => e.summary ?? []).find((v) => v.tag === 'checkpoint_path');
  assert.equal(path?.kind, 'tensor');
  if (path?.kind === 'tensor') {
    assert.equal(path.dtype, 'DT_STRING');
    assert.match(new TextDecoder().decode(path.tensor.stringVal?.[0]), /model\.ckpt-999$/);
  }
});

test('PyTorch SummaryWriter events: 100 scalars strict/foo at steps 0..495', { skip: FIXTURES_SKIP }, async () => {
  const ev = await events(TORCH);
  assert.equal(ev.length, 101);
  assert.equal(ev[0].fileVersion, 'brain.Event:2');
  ev.slice(1).forEach((e, i) => {
    assert.equal(e.step, 5 * i);
    const v = e.summary?.[0];
    assert.equal(v?.tag, 'strict/foo');
    assert.ok(v?.kind === 'scalar' && v.value >= 1 && v.value < 2);
  });
});

test('histogramOf buckets values like TF (upper-bound search, collapsed empty runs)', () => {
  const values = [-3, -1e-13, 0, 0, 1e-12, 0.5, 0.5, 7, 1e30];
  const h = histogramOf(values);
  assert.deepEqual([h.min, h.max, h.num], [-3, 1e30, 9]);
  assert.equal(
    h.sum,
    values.reduce((a, b) => a + b, 0),
  );
  assert.equal(
    h.sumSquares,
    values.reduce((a, b) => a + b * b, 0),
  );
  // Naive reference: value v falls in the first bucket whose limit is > v.
  const naive = new Map<number, number>();
  for (const v of values) {
    const limit = DEFAULT_BUCKET_LIMITS.find((l) => l > v) ?? DBL_MAX;
    naive.set(limit, (naive.get(limit) ?? 0) + 1);
  }
  const nonEmpty = new Map<number, number>();
  h.bucketLimit?.forEach((l, i) => {
    if ((h.bucket ?? [])[i] > 0) nonEmpty.set(l, (h.bucket ?? [])[i]);
  });
  assert.deepEqual(nonEmpty, naive);
  assert.equal(h.bucketLimit?.at(-1), DBL_MAX);
  assert.equal(DEFAULT_BUCKET_LIMITS[0], -DBL_MAX);
  assert.equal(DEFAULT_BUCKET_LIMITS[(DEFAULT_BUCKET_LIMITS.length - 1) / 2], 0);
  assert.equal(DEFAULT_BUCKET_LIMITS[(DEFAULT_BUCKET_LIMITS.length + 1) / 2], 1e-12);
  assert.throws(() => histogramOf([1, NaN]), /value 1 is NaN/);
});

test('our event files read back: file_version, scalars, histogram, PNG image, text, session log', async () => {
  const chunks: Uint8Array[] = [];
  let clock = 1700000000.25;
  const writer = new EventWriter({
    append: async (b) => {
      chunks.push(b);
    },
    startSeconds: 1700000000,
    wallTime: () => (clock += 1),
  });
  writer.sessionLog('START', 0);
  writer.scalar('loss', 0.75, 1);
  writer.histogram('weights', [0.1, 0.2, -0.3], 1);
  const pixels = Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 17) & 255);
  writer.image('frames/image', { width: 4, height: 3, channels: 3, data: pixels }, 2);
  writer.text('config', '# s3dg\nlr = 0.1', 2);
  writer.sessionLog('CHECKPOINT', 2, 'model.ckpt-2');
  await writer.close();
  const ev = await events(Uint8Array.from(chunks.flatMap((c) => [...c])));
  assert.deepEqual(ev[0], { wallTime: 1700000000, step: 0, kind: 'fileVersion', fileVersion: 'brain.Event:2' });
  assert.equal(ev[1].sessionLog?.status, 'START');
  assert.deepEqual(ev[2].summary, [{ tag: 'loss', kind: 'scalar', value: 0.75, pluginName: undefined }]);
  assert.equal(ev[2].step, 1);
  assert.equal(ev[2].wallTime, 1700000002.25);
  const h = ev[3].summary?.[0];
  assert.ok(h?.kind === 'histogram');
  assert.deepEqual({ ...h.histogram }, { ...histogramOf([0.1, 0.2, -0.3]) });
  const img = ev[4].summary?.[0];
  assert.ok(img?.kind === 'image');
  assert.deepEqual([img.image.width, img.image.height, img.image.colorspace], [4, 3, 3]);
  const png = decodePng(img.image.encodedImageString ?? new Uint8Array(0));
  assert.deepEqual([png.width, png.height, png.channels], [4, 3, 3]);
  assert.deepEqual(new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), pixels);
  const text = ev[5].summary?.[0];
  assert.ok(text?.kind === 'tensor' && text.pluginName === 'text' && text.dtype === 'DT_STRING');
  assert.equal(new TextDecoder().decode(text.tensor.stringVal?.[0]), '# s3dg\nlr = 0.1');
  assert.deepEqual(ev[6].sessionLog, { status: 'CHECKPOINT', checkpointPath: 'model.ckpt-2', msg: '' });
  assert.throws(() => writer.scalar('late', 1, 3), /closed/);
  assert.equal(eventFileName(1646034739.9, 'jiyongjung.c.googlers.com'), 'events.out.tfevents.1646034739.jiyongjung.c.googlers.com');
});

test('the writer flushes every N events and after a quiet interval; append errors surface', async () => {
  const appended: number[] = [];
  const writer = new EventWriter({
    append: async (b) => {
      appended.push(b.byteLength);
    },
    flushEvery: 3,
    flushSeconds: 0.05,
  });
  await writer.flush();
  assert.equal(appended.length, 1, 'the file_version event goes out at once');
  writer.scalar('a', 1, 1);
  writer.scalar('a', 2, 2);
  assert.equal(appended.length, 1);
  writer.scalar('a', 3, 3);
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(appended.length, 2, 'third event triggers a flush');
  writer.scalar('a', 4, 4);
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(appended.length, 3, 'the timer flushed the lone event');
  const failing = new EventWriter({
    append: async () => {
      throw new Error('disk full');
    },
  });
  await assert.rejects(failing.flush(), /disk full/);
  assert.throws(() => failing.scalar('x', 1, 1), /disk full/);
});

test('a damaged event file names the file, record and offset', { skip: FIXTURES_SKIP }, async () => {
  const bytes = new Uint8Array(await readFile(TORCH));
  bytes[200] ^= 0xff;
  await assert.rejects(events(bytes), /written: record \d+ .*(checksum mismatch)/);
});
