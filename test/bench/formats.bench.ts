/**
 * Format throughput: TFRecord reading (whole-file and streamed, CRCs verified, each record
 * decoded as a tf.Example) of a ~200 MB file of 64×224×224×3 uint8 clips that sits in the
 * page cache, and writing/reading a ~40 MB S3D-G-sized checkpoint.
 * Run: npx tsx test/bench/formats.bench.ts   (targets: ≥ 500 MB/s, checkpoint read < 0.5 s)
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { encodeExample, decodeExample, singleBytes } from '../../core/formats/example.ts';
import { frameTFRecord } from '../../core/formats/tfrecord_writer.ts';
import { parseTFRecords, readTFRecords } from '../../core/formats/tfrecord_reader.ts';
import { writeCheckpoint } from '../../core/formats/checkpoint_writer.ts';
import type { NamedTensor } from '../../core/formats/checkpoint_writer.ts';
import { CheckpointReader } from '../../core/formats/checkpoint_reader.ts';
import { FIXTURES_SKIP, fixture } from '../shared_fixtures.ts';

const DIR = path.join(tmpdir(), 's3dg-formats-bench');
const CLIP_BYTES = 64 * 224 * 224 * 3;
const CLIPS = 21; // ≈ 202 MB

async function makeRecordFile(file: string): Promise<void> {
  const exists = await stat(file).then(
    (s) => s.size > CLIPS * CLIP_BYTES,
    () => false,
  );
  if (exists) return;
  const parts: Uint8Array[] = [];
  for (let i = 0; i < CLIPS; i++) {
    const clip = new Uint8Array(CLIP_BYTES);
    for (let j = 0; j < clip.length; j += 4096) clip[j] = (i + j) & 255;
    parts.push(frameTFRecord(encodeExample({ feature: clip, label: new Uint8Array([i % 2, 1]) })));
  }
  await writeFile(file, parts);
}

async function timeIt<T>(run: () => Promise<T>, repeats = 3): Promise<{ seconds: number; result: T }> {
  let best = Infinity;
  let result!: T;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    result = await run();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return { seconds: best, result };
}

async function s3dgTensors(): Promise<NamedTensor[]> {
  if (FIXTURES_SKIP) throw new Error(`the checkpoint bench needs the S3D-G variable list: ${FIXTURES_SKIP}`);
  const tensors: NamedTensor[] = [{ name: 'global_step', dtype: 'int64', shape: [], values: new BigInt64Array([12345n]) }];
  for (const file of ['s3dg-variable-names/s3dg_convs.shapes.tsv', 's3dg-variable-names/logits.shapes.tsv']) {
    for (const line of (await readFile(fixture(file), 'utf8')).split('\n').filter(Boolean)) {
      const [name, shapeText] = line.split('\t');
      const shape = JSON.parse(shapeText) as number[];
      const values = new Float32Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => Math.sin(i));
      tensors.push({ name, dtype: 'float32', shape, values });
    }
  }
  return tensors;
}

async function main(): Promise<void> {
  await mkdir(DIR, { recursive: true });
  const recordFile = path.join(DIR, 'clips.tfrecord');
  await makeRecordFile(recordFile);
  const size = (await stat(recordFile)).size;
  const mb = size / 1e6;
  await readFile(recordFile); // warm the page cache

  const whole = await timeIt(async () => {
    const bytes = new Uint8Array(await readFile(recordFile));
    let n = 0;
    for (const r of parseTFRecords(bytes, { source: recordFile })) n += singleBytes(decodeExample(r), 'feature').byteLength;
    return n;
  });
  const inMemory = new Uint8Array(await readFile(recordFile));
  const parsed = await timeIt(async () => {
    let n = 0;
    for (const r of parseTFRecords(inMemory, { source: recordFile })) n += singleBytes(decodeExample(r), 'feature').byteLength;
    return n;
  });
  const streamed = await timeIt(async () => {
    let n = 0;
    const chunks = createReadStream(recordFile, { highWaterMark: 1 << 20 });
    for await (const r of readTFRecords(chunks, { source: recordFile })) n += singleBytes(decodeExample(r), 'feature').byteLength;
    return n;
  });
  if (whole.result !== CLIPS * CLIP_BYTES || parsed.result !== CLIPS * CLIP_BYTES || streamed.result !== CLIPS * CLIP_BYTES)
    throw new Error('bench read the wrong number of bytes');

  const tensors = await s3dgTensors();
  const prefix = path.join(DIR, 'model.ckpt-12345');
  const written = await timeIt(async () => writeCheckpoint(tensors));
  await writeFile(`${prefix}.index`, written.result.index);
  await writeFile(`${prefix}.data-00000-of-00001`, written.result.data);
  const ckptMb = written.result.data.byteLength / 1e6;
  const read = await timeIt(async () => {
    const reader = await CheckpointReader.open(prefix, async (p) => new Uint8Array(await readFile(p)));
    return (await reader.readAll()).length;
  });
  if (read.result !== tensors.length) throw new Error('bench read the wrong number of tensors');

  const rows = [
    ['TFRecord read, whole file + tf.Example decode', `${mb.toFixed(0)} MB`, `${(mb / whole.seconds).toFixed(0)} MB/s`, '≥ 500 MB/s'],
    [
      'TFRecord parse + CRC + decode, bytes in memory',
      `${mb.toFixed(0)} MB`,
      `${(mb / parsed.seconds).toFixed(0)} MB/s`,
      '(our code alone)',
    ],
    ['TFRecord read, streamed 1 MiB chunks + decode', `${mb.toFixed(0)} MB`, `${(mb / streamed.seconds).toFixed(0)} MB/s`, '≥ 500 MB/s'],
    [`checkpoint write (${tensors.length} tensors, bytes only)`, `${ckptMb.toFixed(1)} MB`, `${written.seconds.toFixed(3)} s`, ''],
    [`checkpoint read (open + every tensor, CRC checked)`, `${ckptMb.toFixed(1)} MB`, `${read.seconds.toFixed(3)} s`, '< 0.5 s'],
  ];
  for (const r of rows) console.log(`${r[0].padEnd(52)} ${r[1].padStart(8)}  ${r[2].padStart(10)}  ${r[3]}`);
}

await main();
