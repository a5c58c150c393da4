import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { CheckpointReader, readCheckpoint } from './checkpoint_reader.ts';
import type { CheckpointTensor, ReadFile } from './checkpoint_reader.ts';
import { writeCheckpoint } from './checkpoint_writer.ts';
import type { NamedTensor } from './checkpoint_writer.ts';
import { readTable } from './sstable_reader.ts';
import { writeTable } from './sstable_writer.ts';
import { FormatError } from './errors.ts';
import { BundleEntryCodec, BundleHeaderCodec } from './proto/bundle.ts';
import { maskedCrc32c } from './crc32c.ts';
import { FIXTURES_SKIP, fixture, SERVING_DIR, TFJS_DIR, TFX_DIR } from '../../test/shared_fixtures.ts';

const readDisk: ReadFile = async (p) => new Uint8Array(await readFile(p));
const TFX_PREFIX = fixture(`${TFX_DIR}model.ckpt-1000`);

/** Reads a fixture bundle into name → first value (numbers; bigint for int64). */
async function scalars(prefix: string): Promise<Map<string, { dtype: string; value: unknown }>> {
  const reader = await CheckpointReader.open(prefix, readDisk);
  const out = new Map<string, { dtype: string; value: unknown }>();
  for (const t of await reader.readAll()) out.set(t.name, { dtype: t.dtype, value: t.values[0] });
  return out;
}

/** Re-writes a bundle's tensors in data-file order (as TF added them). */
async function rewrite(prefix: string): Promise<{ index: Uint8Array; data: Uint8Array }> {
  const reader = await CheckpointReader.open(prefix, readDisk);
  const ordered = reader.list().sort((a, b) => a.offset - b.offset);
  const tensors: CheckpointTensor[] = [];
  for (const e of ordered) tensors.push(await reader.read(e.name));
  return writeCheckpoint(tensors);
}

test('TFX Estimator checkpoint: 60 tensors with the README shapes and values', { skip: FIXTURES_SKIP }, async () => {
  const reader = await CheckpointReader.open(TFX_PREFIX, readDisk);
  assert.deepEqual(reader.header, { numShards: 1, producer: 1 });
  assert.equal(reader.list().length, 60);
  assert.deepEqual(reader.entry('dnn/hiddenlayer_0/kernel').shape, [3, 100]);
  assert.deepEqual(reader.entry('dnn/hiddenlayer_0/bias').shape, [100]);
  assert.deepEqual(reader.entry('dnn/logits/kernel').shape, [34, 1]);
  const all = await readCheckpoint(TFX_PREFIX, readDisk);
  assert.equal(all.size, 60);
  assert.deepEqual(all.get('dnn/logits/kernel')?.shape, [34, 1]);
  const step = await reader.read('global_step');
  assert.equal(step.dtype, 'int64');
  assert.deepEqual(step.shape, []);
  assert.deepEqual(step.values, new BigInt64Array([1000n]));
  assert.equal((await reader.read('training/Ftrl/learning_rate')).values[0], Math.fround(0.005));
  const kernel = await reader.read('dnn/hiddenlayer_0/kernel');
  assert.ok(kernel.values instanceof Float32Array && kernel.values.length === 300);
  const names = reader.list().map((e) => e.name);
  assert.deepEqual(names, [...names].sort(), 'entries come in key order');
  assert.throws(() => reader.entry('nope'), /has no tensor 'nope'/);
});

test('writing the TFX checkpoint tensors reproduces both files byte for byte', { skip: FIXTURES_SKIP }, async () => {
  const out = await rewrite(TFX_PREFIX);
  assert.deepEqual(out.data, await readDisk(`${TFX_PREFIX}.data-00000-of-00001`));
  assert.deepEqual(out.index, await readDisk(`${TFX_PREFIX}.index`));
});

test('every uncompressed TF2 fixture bundle is also reproduced byte for byte', { skip: FIXTURES_SKIP }, async () => {
  for (const dir of [
    'times_three_float',
    'times_two_int',
    'model_multi_output',
    'int64_multiply',
    'uint8_multiply',
    'module_with_multiple_signatures',
  ]) {
    const prefix = fixture(`${TFJS_DIR}${dir}/variables/variables`);
    const out = await rewrite(prefix);
    assert.deepEqual(out.index, await readDisk(`${prefix}.index`), dir);
    assert.deepEqual(out.data, await readDisk(`${prefix}.data-00000-of-00001`), dir);
  }
});

test('every SavedModel variables bundle reads with the README values (Snappy index blocks included)', { skip: FIXTURES_SKIP }, async () => {
  const serving = (d: string) => fixture(`${SERVING_DIR}${d}/00000123/variables/variables`);
  const tfjs = (d: string) => fixture(`${TFJS_DIR}${d}/variables/variables`);
  const V = '/.ATTRIBUTES/VARIABLE_VALUE';
  const expect: Array<[string, Record<string, [string, unknown]>]> = [
    [
      serving('saved_model_half_plus_two_cpu'),
      { a: ['float32', 0.5], a2: ['float32', 0.5], b: ['float32', 2], c: ['float32', 3], c2: ['float32', 3] },
    ],
    [serving('saved_model_half_plus_two_gpu'), { a: ['float32', 0.5], b: ['float32', 2], c: ['float32', 3] }],
    [serving('saved_model_half_plus_three'), { a: ['float32', 0.5], b: ['float32', 3], c: ['float32', 3] }],
    [serving('saved_model_counter'), { counter: ['float32', 0] }],
    [serving('saved_model_half_plus_two_tf2_cpu'), { [`a${V}`]: ['float32', 0.5], [`b${V}`]: ['float32', 2], [`c${V}`]: ['float32', 3] }],
    [tfjs('times_three_float'), { [`v${V}`]: ['float32', 3] }],
    [tfjs('times_two_int'), { [`v${V}`]: ['int32', 2] }],
    [tfjs('model_multi_output'), { [`v${V}`]: ['float32', 3], [`two${V}`]: ['int32', 2] }],
    [tfjs('model_single_input_multi_output'), { [`v${V}`]: ['float32', 3], [`two${V}`]: ['int32', 2] }],
    [tfjs('module_with_multiple_signatures'), { [`v${V}`]: ['float32', 3], [`two${V}`]: ['float32', 2] }],
    [tfjs('int64_multiply'), { [`v1${V}`]: ['int64', 3n], [`v2${V}`]: ['int64', 2n] }],
    [tfjs('uint8_multiply'), { [`v1${V}`]: ['int32', 3], [`v2${V}`]: ['int32', 2] }],
  ];
  for (const [prefix, vars] of expect) {
    const got = await scalars(prefix);
    for (const [name, [dtype, value]] of Object.entries(vars)) {
      assert.deepEqual(got.get(name), { dtype, value }, `${prefix}: ${name}`);
    }
    if (prefix.includes('tfjs') || prefix.includes('tf2')) {
      const graph = got.get('_CHECKPOINTABLE_OBJECT_GRAPH');
      assert.equal(graph?.dtype, 'string', `${prefix}: object graph is a string scalar`);
      assert.ok((graph!.value as Uint8Array).byteLength > 10);
    }
  }
  const exported = await CheckpointReader.open(fixture(`${TFX_DIR}export/chicago-taxi/1646034756/variables/variables`), readDisk);
  assert.equal(exported.list().length, 21);
  assert.deepEqual((await exported.read('global_step')).values, new BigInt64Array([1000n]));
});

test('round trip of every supported dtype, strings, empty and multi-block indexes', async () => {
  const enc = new TextEncoder();
  const tensors: NamedTensor[] = [
    { name: 'f32', dtype: 'float32', shape: [2, 3], values: new Float32Array([1, -2, 3.5, 0, 1e-9, 7]) },
    { name: 'f64', dtype: 'float64', shape: [2], values: new Float64Array([Math.PI, -0]) },
    { name: 'i32', dtype: 'int32', shape: [3], values: new Int32Array([-1, 0, 2 ** 31 - 1]) },
    { name: 'i64', dtype: 'int64', shape: [2], values: new BigInt64Array([-(2n ** 63n), 2n ** 40n]) },
    { name: 'u8', dtype: 'uint8', shape: [1, 1, 4], values: new Uint8Array([0, 1, 254, 255]) },
    { name: 'b', dtype: 'bool', shape: [2], values: new Uint8Array([1, 0]) },
    { name: 'i8', dtype: 'int8', shape: [1], values: new Int8Array([-7]) },
    { name: 's', dtype: 'string', shape: [3], values: [enc.encode('héllo'), new Uint8Array(0), new Uint8Array(300).fill(65)] },
    { name: 'empty', dtype: 'float32', shape: [0, 5], values: new Float32Array(0) },
    { name: 'scalar', dtype: 'float32', shape: [], values: new Float32Array([42]) },
  ];
  // Enough long names to need several 256 KiB data blocks in the index.
  for (let i = 0; i < 3000; i++)
    tensors.push({ name: `layer_${i}/${'x'.repeat(100)}/weights`, dtype: 'float32', shape: [1], values: new Float32Array([i]) });
  const files = writeCheckpoint(tensors);
  const disk = new Map([
    ['ck.index', files.index],
    ['ck.data-00000-of-00001', files.data],
  ]);
  const reader = await CheckpointReader.open('ck', async (p) => disk.get(p) ?? assert.fail(`unexpected read ${p}`));
  for (const t of tensors) {
    const got = await reader.read(t.name);
    assert.equal(got.dtype, t.dtype, t.name);
    assert.deepEqual(got.shape, t.shape, t.name);
    assert.deepEqual(got.values, t.values, t.name);
  }
  const table = readTable(files.index);
  assert.equal(table.length, tensors.length + 1);
  assert.ok(writeTable(table).byteLength === files.index.byteLength);
});

test('the writer refuses values that do not match dtype or shape', () => {
  assert.throws(
    () => writeCheckpoint([{ name: 'x', dtype: 'float32', shape: [3], values: new Float32Array(2) }]),
    /'x': 2 values for shape \[3\]/,
  );
  assert.throws(
    () => writeCheckpoint([{ name: 'x', dtype: 'int64', shape: [1], values: new Int32Array(1) }]),
    /'x': int64 values must be a BigInt64Array/,
  );
  assert.throws(
    () =>
      writeCheckpoint([
        { name: 'x', dtype: 'float32', shape: [], values: new Float32Array(1) },
        { name: 'x', dtype: 'float32', shape: [], values: new Float32Array(1) },
      ]),
    /listed twice/,
  );
});

test('damaged index or data files give FormatErrors naming the file and offset', async () => {
  const files = writeCheckpoint([
    { name: 'a', dtype: 'float32', shape: [4], values: new Float32Array([1, 2, 3, 4]) },
    { name: 'b', dtype: 'float32', shape: [2], values: new Float32Array([5, 6]) },
  ]);
  const open = (index: Uint8Array, data = files.data) => CheckpointReader.open('m', async (p) => (p === 'm.index' ? index : data));
  const flipped = files.index.slice();
  flipped[10] ^= 0x40;
  await assert.rejects(
    open(flipped),
    (e: unknown) => e instanceof FormatError && /^m\.index: data block checksum mismatch \(at byte 0\)/.test(e.message),
  );
  await assert.rejects(open(files.index.subarray(0, files.index.byteLength - 1)), /m\.index: bad magic number: not a LevelDB table/);
  await assert.rejects(open(new Uint8Array(20)), /m\.index: too short \(20 bytes\)/);
  const badData = files.data.slice();
  badData[17] ^= 1; // inside tensor 'b' at offset 16
  const reader = await open(files.index, badData);
  assert.deepEqual((await reader.read('a')).values, new Float32Array([1, 2, 3, 4]));
  await assert.rejects(reader.read('b'), /m\.data-00000-of-00001: tensor 'b': checksum mismatch \(at byte 16\)/);
  const short = await open(files.index, files.data.subarray(0, 20));
  await assert.rejects(short.read('b'), /tensor 'b' \(8 bytes\) runs past the end of the file \(20 bytes\) \(at byte 16\)/);
  await assert.rejects(CheckpointReader.open('missing', readDisk), /missing\.index/);
});

test('sharded checkpoints: entries point into the right data shard', async () => {
  const a = new Float32Array([1, 2]);
  const b = new Int32Array([7, 8, 9]);
  const bytes = (v: Float32Array | Int32Array) => new Uint8Array(v.buffer);
  const entry = (dtype: number, dims: number[], shardId: number, v: Float32Array | Int32Array) =>
    BundleEntryCodec.encode({
      dtype,
      shape: { dim: dims.map((size) => ({ size })) },
      shardId,
      size: v.byteLength,
      crc32c: maskedCrc32c(bytes(v)),
    });
  const enc = new TextEncoder();
  const index = writeTable([
    { key: new Uint8Array(0), value: BundleHeaderCodec.encode({ numShards: 2, version: { producer: 1 } }) },
    { key: enc.encode('a'), value: entry(1, [2], 0, a) },
    { key: enc.encode('b'), value: entry(3, [3], 1, b) },
  ]);
  const files = new Map([
    ['s.index', index],
    ['s.data-00000-of-00002', bytes(a)],
    ['s.data-00001-of-00002', bytes(b)],
  ]);
  const reads: string[] = [];
  const reader = await CheckpointReader.open('s', async (p) => {
    reads.push(p);
    return files.get(p) ?? assert.fail(`unexpected read ${p}`);
  });
  assert.deepEqual(reader.header, { numShards: 2, producer: 1 });
  assert.deepEqual((await reader.read('b')).values, b);
  assert.deepEqual(reads, ['s.index', 's.data-00001-of-00002'], 'only the needed shard is read');
  assert.deepEqual((await reader.read('a')).values, a);
});

test('the half_plus_two_cpu index really uses a Snappy data block (so the Snappy path is tested)', { skip: FIXTURES_SKIP }, async () => {
  const index = await readDisk(fixture(`${SERVING_DIR}saved_model_half_plus_two_cpu/00000123/variables/variables.index`));
  let at = index.byteLength - 48; // footer: metaindex handle, index handle
  const varint = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = index[at++];
      v += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return v;
    }
  };
  varint();
  varint();
  at = varint(); // index block: first entry = shared, unshared, value length, key, data block handle
  varint();
  const keyLength = varint();
  varint();
  at += keyLength;
  const dataOffset = varint();
  const dataSize = varint();
  assert.equal(index[dataOffset + dataSize], 1, 'data block compression type is Snappy');
  assert.equal(readTable(index).length, 6);
});
