import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeTFRecords } from '../formats/tfrecord_writer.ts';
import { encodeExample } from '../formats/example.ts';
import { checkFirstRecords, encodeClipExample, RecordShapeError } from './clip_records.ts';
import type { RecordSource } from './clip_records.ts';
import { inputPipeline } from './input_pipeline.ts';
import type { ClipBatch } from './input_pipeline.ts';
import { preprocessClip } from './preprocess.ts';

const spec = { clipLength: 2, frameHeight: 3, frameWidth: 4, channels: 3, numClasses: 5 };
const size = 2 * 3 * 4 * 3;

/** Clip n: every byte = n·10 + position mod 7; label: class n mod 5 on. */
function clipOf(n: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (n * 10 + (i % 7)) % 256);
}
function labelOf(n: number): Uint8Array {
  const l = new Uint8Array(5);
  l[n % 5] = 1;
  return l;
}
function memorySource(name: string, records: Uint8Array[]): RecordSource {
  const bytes = encodeTFRecords(records);
  return {
    name,
    async *open() {
      // Deliver in small chunks so records cross chunk boundaries.
      for (let i = 0; i < bytes.length; i += 37) yield bytes.subarray(i, i + 37);
    },
  };
}
const sources = [
  memorySource(
    'a.tfrecord',
    [0, 1, 2].map((n) => encodeClipExample(clipOf(n), labelOf(n))),
  ),
  memorySource(
    'b.tfrecord',
    [3, 4].map((n) => encodeClipExample(clipOf(n), labelOf(n))),
  ),
];
async function collect(it: AsyncIterable<ClipBatch>): Promise<ClipBatch[]> {
  const out: ClipBatch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

test('eval pipeline: files in order, [B,T,H,W,C] clips scaled to [-1,1], [B,K] labels, last batch kept', async () => {
  const batches = await collect(inputPipeline({ sources, spec, batchSize: 2, mode: 'eval' }));
  assert.deepEqual(
    batches.map((b) => b.size),
    [2, 2, 1],
  );
  const refs = batches.flatMap((b) => b.sources.map((s) => `${s.file}#${s.index}`));
  assert.deepEqual(refs, ['a.tfrecord#0', 'a.tfrecord#1', 'a.tfrecord#2', 'b.tfrecord#0', 'b.tfrecord#1']);
  const shape = { height: 3, width: 4, channels: 3 };
  batches.forEach((b, bi) => {
    assert.equal(b.clips.length, b.size * size);
    assert.equal(b.labels.length, b.size * 5);
    for (let i = 0; i < b.size; i++) {
      const n = bi * 2 + i;
      assert.deepEqual(b.clips.subarray(i * size, (i + 1) * size), preprocessClip(clipOf(n), shape, null));
      assert.deepEqual(Array.from(b.labels.subarray(i * 5, (i + 1) * 5)), Array.from(labelOf(n)));
    }
  });
});

test('train pipeline: seeded order, every record once per epoch, distorted clips, full batches only', async () => {
  const run = async (seed: number) =>
    collect(inputPipeline({ sources, spec, batchSize: 1, mode: 'train', seed, epochs: 3, shuffleBuffer: 3 }));
  const a = await run(7);
  const b = await run(7);
  const c = await run(8);
  const ids = (bs: ClipBatch[]) => bs.map((x) => `${x.sources[0].file}#${x.sources[0].index}`);
  assert.deepEqual(ids(a), ids(b));
  assert.deepEqual(
    a.map((x) => Array.from(x.clips)),
    b.map((x) => Array.from(x.clips)),
  );
  assert.notDeepEqual(ids(a), ids(c));
  for (let epoch = 0; epoch < 3; epoch++) {
    const inEpoch = a.filter((x) => x.epoch === epoch);
    assert.deepEqual(ids(inEpoch).sort(), ['a.tfrecord#0', 'a.tfrecord#1', 'a.tfrecord#2', 'b.tfrecord#0', 'b.tfrecord#1']);
  }
  // Colour distortion changed the values but kept them in range.
  const first = a[0];
  const n = first.sources[0].file === 'a.tfrecord' ? first.sources[0].index : 3 + first.sources[0].index;
  const plain = preprocessClip(clipOf(n), { height: 3, width: 4, channels: 3 }, null);
  assert.notDeepEqual(Array.from(first.clips), Array.from(plain));
  assert.ok(first.clips.every((v) => v >= -1 && v <= 1));
  // Without a remainder: 5 records × 2 epochs in batches of 3 → 3 full batches.
  const full = await collect(inputPipeline({ sources, spec, batchSize: 3, mode: 'train', epochs: 2 }));
  assert.deepEqual(
    full.map((x) => x.size),
    [3, 3, 3],
  );
});

test('a record with the wrong clip size fails naming file, record and options', async () => {
  const bad = memorySource('bad.tfrecord', [
    encodeClipExample(clipOf(0), labelOf(0)),
    encodeClipExample(clipOf(1).subarray(0, size - 12), labelOf(1)),
  ]);
  await assert.rejects(collect(inputPipeline({ sources: [bad], spec, batchSize: 1, mode: 'eval' })), (e: Error) => {
    assert.ok(e instanceof RecordShapeError);
    assert.match(
      e.message,
      /^bad\.tfrecord record 1: 'feature' holds 60 bytes, but `clipLength` 2 `frameHeight` 3 `frameWidth` 4 `channels` 3 `numClasses` 5 expect 2×3×4×3 = 72; build the data set with these settings/,
    );
    return true;
  });
});

test('bad options are refused at once, by option name', () => {
  assert.throws(
    () => inputPipeline({ sources, spec, batchSize: 0, mode: 'eval' }),
    /^RangeError: `batchSize` must be a positive integer, got 0$/,
  );
  assert.throws(
    () => inputPipeline({ sources, spec: { ...spec, frameWidth: 2.5 }, batchSize: 1, mode: 'eval' }),
    /^RangeError: `frameWidth` must be a positive integer, got 2\.5$/,
  );
});

test('a wrong label size or missing feature is caught by checkFirstRecords before training', async () => {
  const wrongLabel = memorySource('labels.tfrecord', [encodeClipExample(clipOf(0), new Uint8Array(4))]);
  await assert.rejects(
    checkFirstRecords([sources[0], wrongLabel], spec),
    /^RecordShapeError: labels\.tfrecord record 0: 'label' holds 4 bytes, but `numClasses` is 5; pass `numClasses` 4 /,
  );
  const noLabel = memorySource('nolabel.tfrecord', [encodeExample({ feature: clipOf(0) })]);
  await assert.rejects(checkFirstRecords([noLabel], spec), /nolabel\.tfrecord record 0.*has no feature 'label'/);
  const empty = memorySource('empty.tfrecord', []);
  await assert.rejects(checkFirstRecords([empty], spec), /empty\.tfrecord: holds no records/);
  await checkFirstRecords(sources, spec);
});

test('the pipeline runs preprocessing ahead of a consumer that is busy', async () => {
  let calls = 0;
  const shape = { height: 3, width: 4, channels: 3 };
  const it = inputPipeline({
    sources,
    spec,
    batchSize: 1,
    mode: 'eval',
    prefetchBatches: 2,
    preprocess: (clip, d) => {
      calls++;
      return preprocessClip(clip, shape, d);
    },
  });
  await it.next();
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(calls >= 3, `only ${calls} clips prepared while the consumer was busy`);
  await it.return(undefined);
});

test('an endless train pipeline stops cleanly when the consumer breaks', async () => {
  let opened = 0;
  let closed = 0;
  const counted = sources.map((s) => ({
    name: s.name,
    async *open() {
      opened++;
      try {
        yield* s.open();
      } finally {
        closed++;
      }
    },
  }));
  let batches = 0;
  for await (const _ of inputPipeline({ sources: counted, spec, batchSize: 2, mode: 'train' })) {
    if (++batches === 7) break; // epochs default to Infinity in train mode
  }
  assert.equal(batches, 7);
  assert.equal(closed, opened, 'every opened file was closed');
});
