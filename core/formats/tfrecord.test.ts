import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { crc32c, maskCrc, maskedCrc32c, unmaskCrc } from './crc32c.ts';
import { parseTFRecords, readTFRecords } from './tfrecord_reader.ts';
import { encodeTFRecords, frameTFRecord, writeTFRecords } from './tfrecord_writer.ts';
import { concatChunks } from './gzip.ts';
import { FormatError } from './errors.ts';
import { decodeExample } from './example.ts';
import { FIXTURES_SKIP, fixture } from '../../test/shared_fixtures.ts';

const TORCH_EVENTS = fixture('torch-tb-events/tests/runs/strict/run_1/events.out.tfevents.1622543341.janoshs-mbp.lan.86862.0');
const PENGUIN = fixture('tfx-estimator/tfx/components/testdata/penguin/data/Split-eval/data_tfrecord-00000-of-00001.gz');

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const r of it) out.push(r);
  return out;
}

function* inPieces(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size);
}

test('crc32c check value and masking constants from the spec', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  assert.equal(maskedCrc32c(new Uint8Array(0)), 0xa282ead8);
  for (const v of [0, 1, 0xe3069283, 0xffffffff, 0x12345678]) assert.equal(unmaskCrc(maskCrc(v)), v);
});

test('reads the 101 records of the PyTorch event file, whole and in 7-byte chunks', { skip: FIXTURES_SKIP }, async () => {
  const bytes = new Uint8Array(await readFile(TORCH_EVENTS));
  const whole = [...parseTFRecords(bytes, { source: TORCH_EVENTS })];
  assert.equal(whole.length, 101);
  const chunked = await collect(readTFRecords(inPieces(bytes, 7), { source: TORCH_EVENTS }));
  assert.deepEqual(chunked, whole);
  // The first record is an Event carrying file_version "brain.Event:2".
  assert.ok(new TextDecoder().decode(whole[0]).includes('brain.Event:2'));
});

test('reads the GZIP penguin TFRecord: 100 tf.Examples with the README features', { skip: FIXTURES_SKIP }, async () => {
  const bytes = new Uint8Array(await readFile(PENGUIN));
  const records = await collect(readTFRecords(inPieces(bytes, 100), { source: PENGUIN, compression: 'GZIP' }));
  assert.equal(records.length, 100);
  for (const r of records) {
    const ex = decodeExample(r);
    assert.deepEqual(Object.keys(ex).sort(), ['body_mass_g', 'culmen_depth_mm', 'culmen_length_mm', 'flipper_length_mm', 'species']);
    assert.equal(ex.species.kind, 'int64');
    for (const key of ['body_mass_g', 'culmen_depth_mm', 'culmen_length_mm', 'flipper_length_mm']) {
      const f = ex[key];
      assert.equal(f.kind, 'float');
      for (const v of f.value as Float32Array) assert.ok(v >= 0 && v <= 1, `${key}=${v} should be normalised`);
    }
  }
  // Without compression the same bytes are rejected, never guessed.
  await assert.rejects(collect(readTFRecords(bytes, { source: PENGUIN })), /checksum mismatch/);
});

test('round trip: empty, small and 1 MB records, plain and GZIP, whole and streamed', async () => {
  const big = new Uint8Array(1 << 20).map((_, i) => (i * 7) & 255);
  const records = [new Uint8Array(0), new Uint8Array([1, 2, 3]), big];
  const file = encodeTFRecords(records);
  assert.equal(
    file.byteLength,
    records.reduce((n, r) => n + r.byteLength + 16, 0),
  );
  assert.deepEqual([...parseTFRecords(file)], records);
  assert.deepEqual(await collect(readTFRecords(inPieces(file, 4096))), records);
  async function* slowly(): AsyncGenerator<Uint8Array> {
    for (const piece of inPieces(file, 100_003)) {
      await new Promise((r) => setTimeout(r, 0));
      yield piece;
    }
  }
  assert.deepEqual(await collect(readTFRecords(slowly())), records);
  const gz = await concatChunks(writeTFRecords(records, { compression: 'GZIP' }));
  assert.deepEqual([gz[0], gz[1]], [0x1f, 0x8b]);
  assert.deepEqual(await collect(readTFRecords(gz, { compression: 'GZIP' })), records);
  assert.deepEqual(await concatChunks(writeTFRecords(records)), file);
});

test('frames a record exactly like TF (bytes of the PyTorch file re-framed)', { skip: FIXTURES_SKIP }, async () => {
  const bytes = new Uint8Array(await readFile(TORCH_EVENTS));
  assert.deepEqual(encodeTFRecords(parseTFRecords(bytes)), bytes);
  assert.equal(frameTFRecord(new Uint8Array(0)).byteLength, 16);
});

test('damage gives a FormatError naming the file, record and byte offset', async () => {
  const records = [new Uint8Array(100).fill(1), new Uint8Array(50).fill(2)];
  const file = encodeTFRecords(records);
  const name = 'clips.tfrecord';
  const expectError = async (bytes: Uint8Array, pattern: RegExp) => {
    assert.throws(
      () => [...parseTFRecords(bytes, { source: name })],
      (e: unknown) => e instanceof FormatError && pattern.test(e.message) && e.message.startsWith(name),
    );
    await assert.rejects(collect(readTFRecords(inPieces(bytes, 9), { source: name })), pattern);
  };
  const flippedData = file.slice();
  flippedData[116 + 12 + 5] ^= 0x10; // inside record 1's data
  await expectError(flippedData, /record 1 \(50 bytes\): data checksum mismatch \(at byte 116\)/);
  const flippedLength = file.slice();
  flippedLength[116] ^= 1;
  await expectError(flippedLength, /record 1: length checksum mismatch .*at byte 116/);
  await expectError(file.subarray(0, file.byteLength - 3), /record 1: truncated data, file ends after 51 of 54 bytes \(at byte 116\)/);
  await expectError(file.subarray(0, 120), /record 1: truncated header, file ends after 4 of 12 bytes \(at byte 116\)/);
  await expectError(new TextEncoder().encode('this is not a tfrecord file at all'), /record 0: length checksum mismatch/);
  // Unverified reading still refuses an absurd length instead of allocating it.
  const huge = file.slice();
  huge.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], 0);
  assert.throws(() => [...parseTFRecords(huge, { source: name, verify: false })], /implausible length/);
  await assert.rejects(
    collect(readTFRecords(new Uint8Array([1, 2, 3, 4, 5]), { source: name, compression: 'GZIP' })),
    /clips.tfrecord: bad GZIP data/,
  );
  const gz = await concatChunks(writeTFRecords(records, { compression: 'GZIP' }));
  await assert.rejects(
    collect(readTFRecords(gz.subarray(0, gz.byteLength - 10), { source: name, compression: 'GZIP' })),
    /clips.tfrecord: /,
  );
});
