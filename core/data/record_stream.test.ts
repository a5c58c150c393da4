import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeTFRecords } from '../formats/tfrecord_writer.ts';
import { interleave } from './async_stages.ts';
import { encodeClipExample, readClipRecords } from './clip_records.ts';
import type { ClipRecord, RecordSource } from './clip_records.ts';
import { inputPipeline, InputPositionMismatch } from './input_pipeline.ts';
import type { ClipBatch } from './input_pipeline.ts';
import { recordStream } from './record_stream.ts';
import type { PlacedRecord } from './record_stream.ts';
import { Rng } from './rng.ts';

const spec = { clipLength: 1, frameHeight: 2, frameWidth: 2, channels: 3, numClasses: 2 };

/** File f holds `counts[f]` records; record i of file f has every clip byte = f·40 + i. */
function sourcesOf(counts: number[]): RecordSource[] {
  return counts.map((count, f) => {
    const bytes = encodeTFRecords(
      Array.from({ length: count }, (_, i) => encodeClipExample(new Uint8Array(12).fill(f * 40 + i), Uint8Array.of(i % 2, f % 2))),
    );
    return {
      name: `f${f}.tfrecord`,
      async *open() {
        for (let i = 0; i < bytes.length; i += 29) yield bytes.subarray(i, i + 29);
      },
    };
  });
}

const key = (r: ClipRecord) => `${r.ref.file}#${r.ref.index}:${r.clip[0]}`;

/** The stream as the pipeline composed it before positions existed: per epoch, file order, interleave, buffer. */
async function* reference(sources: RecordSource[], cycle: number, size: number, epochs: number, rng: Rng): AsyncGenerator<ClipRecord> {
  for (let e = 0; e < epochs; e++) {
    const order = rng.shuffle([...sources]);
    const buffer: ClipRecord[] = [];
    for await (const r of interleave(order, (s: RecordSource) => readClipRecords(s, spec), cycle)) {
      if (buffer.length < size) {
        buffer.push(r);
        continue;
      }
      const j = rng.int(size);
      yield buffer[j];
      buffer[j] = r;
    }
    yield* rng.shuffle(buffer);
  }
}

async function take<T>(it: AsyncIterable<T>, n = Infinity): Promise<T[]> {
  const out: T[] = [];
  if (n <= 0) return out;
  for await (const x of it) {
    out.push(x);
    if (out.length >= n) break;
  }
  return out;
}

const SETTINGS = [
  { counts: [3, 5, 1, 4], cycle: 2, size: 4, epochs: 3, seed: 7 },
  { counts: [6, 2, 7], cycle: 4, size: 8, epochs: 2, seed: 1 },
  { counts: [2, 9, 3, 1, 5], cycle: 1, size: 1, epochs: 2, seed: 3 },
];

test('recordStream gives the stream the interleave + shuffle-buffer composition gave, draw for draw', async () => {
  for (const { counts, cycle, size, epochs, seed } of SETTINGS) {
    const sources = sourcesOf(counts);
    const want = (await take(reference(sources, cycle, size, epochs, new Rng(seed)))).map(key);
    const got = await take(recordStream({ sources, spec, cycleLength: cycle, bufferSize: size, epochs, rng: new Rng(seed) }));
    assert.deepEqual(
      got.map((p) => key(p.record)),
      want,
    );
    assert.equal(got.at(-1)?.epoch, epochs - 1);
  }
});

test('recordStream resumed from the position after any record continues exactly as the uninterrupted stream', async () => {
  for (const { counts, cycle, size, epochs, seed } of SETTINGS) {
    const sources = sourcesOf(counts);
    const options = { sources, spec, cycleLength: cycle, bufferSize: size, epochs };
    const whole: PlacedRecord[] = await take(recordStream({ ...options, rng: new Rng(seed) }));
    for (let k = 0; k < whole.length; k++) {
      // Through JSON, as a checkpoint stores it.
      const from = JSON.parse(JSON.stringify(whole[k].position));
      const rest = await take(recordStream({ ...options, rng: new Rng(999), from }));
      assert.deepEqual(
        rest.map((p) => key(p.record)),
        whole.slice(k + 1).map((p) => key(p.record)),
        `resumed after record ${k}`,
      );
      assert.deepEqual(
        rest.map((p) => p.position),
        whole.slice(k + 1).map((p) => p.position),
      );
    }
  }
});

test('a saved position that does not fit the files is refused', async () => {
  const sources = sourcesOf([3, 3]);
  const [first] = await take(recordStream({ sources, spec, cycleLength: 2, bufferSize: 2, epochs: 1, rng: new Rng(0) }), 1);
  const fewer = sourcesOf([3]);
  await assert.rejects(
    take(recordStream({ sources: fewer, spec, cycleLength: 2, bufferSize: 2, epochs: 1, rng: new Rng(0), from: first.position })),
    /the saved input position does not fit these input files/,
  );
  const shorter = sourcesOf([1, 1]);
  await assert.rejects(
    take(recordStream({ sources: shorter, spec, cycleLength: 2, bufferSize: 2, epochs: 1, rng: new Rng(0), from: first.position })),
    /f\d\.tfrecord: holds 1 records, but the saved input position (read|needs record) \d/,
  );
});

test('inputPipeline resumed from a batch position gives bit-identical batches (order, labels, colour distortion)', async () => {
  const sources = sourcesOf([4, 6, 3]);
  const options = {
    sources,
    spec,
    batchSize: 2,
    mode: 'train' as const,
    seed: 5,
    epochs: 3,
    shuffleBuffer: 3,
    cycleLength: 2,
    parallelism: 2,
  };
  const whole: ClipBatch[] = await take(inputPipeline(options));
  assert.equal(whole.length, 19); // 13 records × 3 epochs, full batches of 2
  for (const k of [0, 3, 6, 12, 17]) {
    const resumeFrom = JSON.parse(JSON.stringify(whole[k].position));
    const rest = await take(inputPipeline({ ...options, resumeFrom }));
    assert.equal(rest.length, whole.length - k - 1);
    rest.forEach((b, i) => {
      const w = whole[k + 1 + i];
      assert.deepEqual(b.sources, w.sources);
      assert.deepEqual(b.labels, w.labels);
      assert.deepEqual(b.clips, w.clips, `batch ${k + 1 + i} after resuming at ${k}`);
    });
  }
  const resumeFrom = whole[4].position!;
  assert.throws(() => inputPipeline({ ...options, seed: 6, resumeFrom }), InputPositionMismatch);
  assert.throws(
    () => inputPipeline({ ...options, batchSize: 4, sources: sources.slice(1), resumeFrom }),
    /the input changed since the position was saved: `batchSize` 2 → 4, the input files \(3 then, 2 now\)/,
  );
});
