import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { recordKind } from './record_kind.ts';
import { bytesFeature, decodeSequenceExample, encodeExample, encodeSequenceExample, floatFeature, int64Feature } from './example.ts';
import { ExampleCodec } from './proto/example.ts';

const text = (s: string) => new TextEncoder().encode(s);

describe('recordKind: tf.Example, tf.SequenceExample or raw bytes', () => {
  it('tf.Examples of every feature kind, negative int64s (10-byte varints) included', () => {
    assert.equal(recordKind(encodeExample({ feature: new Uint8Array(300), label: Uint8Array.of(0, 1) })), 'example');
    assert.equal(
      recordKind(encodeExample({ x: floatFeature(0.5, -1), n: int64Feature(-3, 2n ** 62n), s: bytesFeature('a', 'b') })),
      'example',
    );
    assert.equal(recordKind(ExampleCodec.encode({ features: { feature: {} } })), 'example', 'an Example with no features is still one');
  });

  it('unpacked repeated numbers (older writers) are valid too', () => {
    // Feature{float_list{value: 1.0 (wire type 5)}} as key "f", by hand.
    const floatList = [0x0d, 0, 0, 0x80, 0x3f];
    const feature = [0x12, floatList.length, ...floatList];
    const entry = [0x0a, 1, 0x66, 0x12, feature.length, ...feature];
    const features = [0x0a, entry.length, ...entry];
    assert.equal(recordKind(Uint8Array.of(0x0a, features.length, ...features)), 'example');
  });

  it('a SequenceExample with feature lists; one with only context is byte-for-byte an Example', () => {
    const seq = encodeSequenceExample(
      { id: bytesFeature('clip-7'), n: int64Feature(3) },
      { frames: [bytesFeature('f0'), bytesFeature('f1')], boxes: [floatFeature(0.1, 0.2), floatFeature(0.3, 0.4)] },
    );
    assert.equal(recordKind(seq), 'sequence_example');
    const decoded = decodeSequenceExample(seq);
    assert.deepEqual(Object.keys(decoded.featureLists).sort(), ['boxes', 'frames']);
    assert.equal(decoded.featureLists.frames.length, 2);
    assert.deepEqual(decoded.context.n, { kind: 'int64', value: [3n] });
    assert.equal(
      recordKind(encodeSequenceExample({ id: bytesFeature('x') }, {})),
      'sequence_example',
      'an empty feature_lists field is still field 2',
    );
    const contextOnly = encodeSequenceExample({ id: bytesFeature('x') }, {}).subarray(0, -2);
    assert.deepEqual(contextOnly, encodeExample({ id: bytesFeature('x') }));
    assert.equal(recordKind(contextOnly), 'example');
  });

  it('raw: text, an empty record, random bytes, a cut-off or extended Example, a bad key', () => {
    const example = encodeExample({ feature: text('abc') });
    assert.equal(recordKind(text('hello, world')), 'raw');
    assert.equal(recordKind(new Uint8Array(0)), 'raw');
    const random = new Uint8Array(200);
    for (let i = 0, s = 5; i < random.length; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      random[i] = s >>> 24;
    }
    assert.equal(recordKind(random), 'raw');
    assert.equal(recordKind(example.subarray(0, -1)), 'raw', 'cut off');
    assert.equal(recordKind(Uint8Array.of(...example, 0x18, 1)), 'raw', 'unknown field 3 appended');
    assert.equal(recordKind(Uint8Array.of(...example, 0x0d, 0, 0, 0, 0)), 'raw', 'field 1 with a fixed32 wire type');
    // Key bytes that are not UTF-8 (proto3 strings must be).
    const bad = encodeExample({ k: text('v') });
    const at = bad.indexOf(0x6b);
    bad[at] = 0xff;
    assert.equal(recordKind(bad), 'raw');
  });
});
