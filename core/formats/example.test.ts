import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesFeature, decodeExample, encodeExample, floatFeature, int64Feature, singleBytes } from './example.ts';
import { FormatError } from './errors.ts';

test('s3dg records: {feature: clip bytes, label: label bytes} round trip without copying', () => {
  const clip = new Uint8Array(64 * 224 * 224 * 3).map((_, i) => i & 255);
  const label = new Uint8Array([0, 1, 0, 1]);
  const bytes = encodeExample({ feature: clip, label });
  const ex = decodeExample(bytes);
  const got = singleBytes(ex, 'feature');
  assert.equal(got.buffer, bytes.buffer, 'decoded bytes are a view into the record');
  assert.deepEqual(got, clip);
  assert.deepEqual(singleBytes(ex, 'label'), label);
});

test('int64 lists keep negatives and the full 64-bit range exactly', () => {
  const values = [0n, 1n, -1n, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n];
  const ex = decodeExample(encodeExample({ ids: int64Feature(...values), small: int64Feature(-5, 7) }));
  assert.deepEqual(ex.ids, { kind: 'int64', value: values });
  assert.deepEqual(ex.small, { kind: 'int64', value: [-5n, 7n] });
  assert.throws(() => encodeExample({ x: int64Feature(0.5) }), /feature 'x': int64 value 0.5 is not a safe integer/);
  assert.throws(() => encodeExample({ x: int64Feature(2n ** 64n) }), /out of range/);
});

test('wire bytes match the observed TF layout (10-byte negative varints, packed lists)', () => {
  const bytes = encodeExample({ data: int64Feature(0n, -1n) });
  // Example{features{feature{"data": Feature{int64_list{packed [0, -1]}}}}}
  const expected = [
    0x0a,
    0x19,
    0x0a,
    0x17,
    0x0a,
    0x04,
    ...new TextEncoder().encode('data'),
    0x12,
    0x0f,
    0x1a,
    0x0d,
    0x0a,
    0x0b,
    0x00,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0x01,
  ];
  assert.deepEqual([...bytes], expected);
});

test('float and bytes lists, strings as UTF-8, empty lists', () => {
  const ex = decodeExample(
    encodeExample({
      f: floatFeature(0.5, -2, 1e-3),
      s: bytesFeature('héllo', new Uint8Array([9])),
      none: { kind: 'float', value: [] },
    }),
  );
  assert.deepEqual(ex.f, { kind: 'float', value: new Float32Array([0.5, -2, 1e-3]) });
  assert.equal(ex.s.kind, 'bytes');
  assert.equal(new TextDecoder().decode((ex.s.value as Uint8Array[])[0]), 'héllo');
  assert.deepEqual(ex.none, { kind: 'float', value: new Float32Array(0) });
});

test('bad bytes and wrong features give clear errors', () => {
  assert.throws(
    () => decodeExample(new Uint8Array([0x0a, 0x50, 1, 2]), 'a.tfrecord record 3'),
    (e: unknown) => e instanceof FormatError && /^a.tfrecord record 3: not a valid Example protobuf/.test(e.message),
  );
  const ex = decodeExample(encodeExample({ label: floatFeature(1), two: bytesFeature('a', 'b') }));
  assert.throws(() => singleBytes(ex, 'feature', 'r'), /r: has no feature 'feature' \(has: label, two\)/);
  assert.throws(() => singleBytes(ex, 'label', 'r'), /feature 'label' is a float list, expected bytes/);
  assert.throws(() => singleBytes(ex, 'two', 'r'), /holds 2 bytes values, expected exactly 1/);
});
