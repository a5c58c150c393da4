/**
 * TFRecord writing: frames records exactly as TF's RecordWriter does. Writers only produce
 * bytes; the caller writes them (to a temporary name, then renames).
 */
import { maskedCrc32c } from './crc32c.ts';
import { gzipChunks } from './gzip.ts';

/** One framed record: length, masked CRC of the length, data, masked CRC of the data. */
export function frameTFRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.byteLength + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.byteLength, true);
  view.setUint32(4, Math.floor(data.byteLength / 2 ** 32), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.byteLength, maskedCrc32c(data), true);
  return out;
}

/** A whole uncompressed TFRecord file holding `records` in order. */
export function encodeTFRecords(records: Iterable<Uint8Array>): Uint8Array {
  const framed = Array.from(records, frameTFRecord);
  const out = new Uint8Array(framed.reduce((n, f) => n + f.byteLength, 0));
  let offset = 0;
  for (const f of framed) {
    out.set(f, offset);
    offset += f.byteLength;
  }
  return out;
}

/**
 * Frames records as they arrive, yielding file chunks; with `compression: 'GZIP'` the
 * chunks form one gzip stream (what tf.data reads with compression_type="GZIP").
 */
export async function* writeTFRecords(
  records: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: { compression?: 'NONE' | 'GZIP' } = {},
): AsyncGenerator<Uint8Array> {
  async function* framed(): AsyncGenerator<Uint8Array> {
    for await (const r of records) yield frameTFRecord(r);
  }
  if (options.compression === 'GZIP') yield* gzipChunks(framed());
  else yield* framed();
}
