/**
 * How a tensor bundle stores a DT_STRING tensor in its data file:
 *   varint64 length of each element · fixed32 masked CRC32C of the lengths taken as uint32 LE
 *   · the element bytes back to back.
 * The index entry's CRC is one running CRC32C over the uint32 lengths, the 4 stored checksum
 * bytes, then the element bytes (not over the varints), masked.
 */
import { crc32c, maskCrc, unmaskCrc } from './crc32c.ts';
import { readU32, readVarint, pushVarint } from './varint.ts';

/** Encoded string tensor and the masked CRC to store in its index entry. */
export interface EncodedStrings {
  bytes: Uint8Array;
  crc: number;
}

function lengthsAsU32(lengths: readonly number[]): Uint8Array {
  const out = new Uint8Array(4 * lengths.length);
  const view = new DataView(out.buffer);
  lengths.forEach((n, i) => view.setUint32(4 * i, n, true));
  return out;
}

/** Serializes string elements as TF's BundleWriter does. */
export function encodeBundleStrings(values: readonly Uint8Array[]): EncodedStrings {
  const varints: number[] = [];
  for (const v of values) pushVarint(varints, v.byteLength);
  const lengthCrc = crc32c(lengthsAsU32(values.map((v) => v.byteLength)));
  const stored = new Uint8Array(4);
  new DataView(stored.buffer).setUint32(0, maskCrc(lengthCrc), true);
  const total = varints.length + 4 + values.reduce((n, v) => n + v.byteLength, 0);
  const bytes = new Uint8Array(total);
  bytes.set(varints);
  bytes.set(stored, varints.length);
  let at = varints.length + 4;
  let running = crc32c(stored, lengthCrc);
  for (const v of values) {
    bytes.set(v, at);
    at += v.byteLength;
    running = crc32c(v, running);
  }
  return { bytes, crc: maskCrc(running) };
}

/** Decoded elements (views into `bytes`) and the masked entry CRC recomputed from them, or the problem found. */
export function decodeBundleStrings(bytes: Uint8Array, count: number): { values: Uint8Array[]; crc: number } | { problem: string } {
  const lengths: number[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const v = readVarint(bytes, at);
    if (!v) return { problem: `string length ${i} is unreadable` };
    lengths.push(v.value);
    at = v.next;
  }
  if (at + 4 > bytes.byteLength) return { problem: 'string lengths run past the tensor' };
  const stored = bytes.subarray(at, at + 4);
  const lengthCrc = crc32c(lengthsAsU32(lengths));
  if (unmaskCrc(readU32(stored, 0)) !== lengthCrc) return { problem: 'string lengths checksum mismatch' };
  at += 4;
  let running = crc32c(stored, lengthCrc);
  const values: Uint8Array[] = [];
  for (const n of lengths) {
    if (at + n > bytes.byteLength) return { problem: 'string bytes run past the tensor' };
    const v = bytes.subarray(at, at + n);
    running = crc32c(v, running);
    values.push(v);
    at += n;
  }
  if (at !== bytes.byteLength) return { problem: `${bytes.byteLength - at} unexpected bytes after the strings` };
  return { values, crc: maskCrc(running) };
}
