/**
 * What one TFRecord record holds, decided from its bytes alone (a TFRecord file does not say):
 *
 *  1. `example` when the bytes are, strictly, a tf.train.Example: every field known, each with
 *     the wire type example.proto / feature.proto give it, all lengths exact, keys UTF-8
 *     ({@link messageConforms});
 *  2. else `sequence_example` when they are, strictly, a tf.train.SequenceExample;
 *  3. else `raw`: any other bytes (strings, images, other protos).
 *
 * Examples are tried first because a SequenceExample with context but no feature lists is
 * byte-for-byte an Example (both put their Features in field 1), and TF's parse_single_example
 * reads it as one. An empty record is `raw`: zero bytes are every message at once, so they say
 * nothing. Other bytes rarely pass: the first byte must already be field 1's or 2's tag (0x0a, 0x12).
 */
import { messageType } from './proto/root.ts';
import { messageConforms } from './proto/strict_wire.ts';
import './proto/example.ts';

/** The three kinds of record `s3dg inspect` tells apart. */
export type RecordKind = 'example' | 'sequence_example' | 'raw';

/** Which kind `bytes` are (see the file comment for the rule). */
export function recordKind(bytes: Uint8Array): RecordKind {
  if (bytes.byteLength === 0) return 'raw';
  if (messageConforms(messageType('Example'), bytes)) return 'example';
  if (messageConforms(messageType('SequenceExample'), bytes)) return 'sequence_example';
  return 'raw';
}
