/**
 * TFRecord reading. Each record on disk is:
 *   uint64 LE length · uint32 LE masked CRC32C(length bytes) · data · uint32 LE masked CRC32C(data)
 * Records are yielded as Uint8Array views (no copy when a record lies inside one input chunk;
 * do not reuse input buffers while records are still in use). Every checksum is verified unless
 * `verify: false`. Damage throws a FormatError naming the source, record number and byte offset.
 */
import { maskedCrc32c } from './crc32c.ts';
import { FormatError } from './errors.ts';
import { gunzipChunks } from './gzip.ts';

/** Options shared by the TFRecord readers. */
export interface TFRecordReadOptions {
  /** Name used in error messages, usually the file path. Default "TFRecord". */
  source?: string;
  /** Check both CRCs of every record (default true). */
  verify?: boolean;
  /** Whole-stream compression, as tf.data's `compression_type`; never guessed from the name. Default 'NONE'. */
  compression?: 'NONE' | 'GZIP';
  /**
   * Called, instead of throwing, when the file ends inside its last record (a writer stopped
   * mid-write: a crash, a full disk); reading stops there, as TensorBoard does. A damaged
   * record before the end is always an error.
   */
  onTruncatedEnd?: (problem: FormatError) => void;
}

const HEADER = 12;
const FOOTER = 4;
// A record length above this is certainly damage (and would exhaust memory if believed).
const MAX_RECORD = 2 ** 31;

function readU32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/** Checks a 12-byte header and returns the data length. */
function parseHeader(h: Uint8Array, at: number, offset: number, index: number, source: string, verify: boolean): number {
  if (verify && maskedCrc32c(h.subarray(at, at + 8)) !== readU32(h, at + 8)) {
    throw new FormatError(source, `record ${index}: length checksum mismatch (corrupt or not a TFRecord file)`, offset);
  }
  const low = readU32(h, at);
  const high = readU32(h, at + 4);
  if (high !== 0 || low >= MAX_RECORD) {
    throw new FormatError(source, `record ${index}: implausible length ${high * 2 ** 32 + low}`, offset);
  }
  return low;
}

function checkData(data: Uint8Array, crc: number, offset: number, index: number, source: string): void {
  if (maskedCrc32c(data) !== crc) {
    throw new FormatError(source, `record ${index} (${data.byteLength} bytes): data checksum mismatch`, offset);
  }
}

function truncated(source: string, index: number, offset: number, have: number, need: number): FormatError {
  const what = need === HEADER ? 'header' : 'data';
  return new FormatError(source, `record ${index}: truncated ${what}, file ends after ${have} of ${need} bytes`, offset);
}

/** Reads every record of a complete, uncompressed TFRecord buffer. */
export function* parseTFRecords(bytes: Uint8Array, options: Omit<TFRecordReadOptions, 'compression'> = {}): Generator<Uint8Array> {
  const source = options.source ?? 'TFRecord';
  const verify = options.verify ?? true;
  const endsEarly = (problem: FormatError) => {
    if (!options.onTruncatedEnd) throw problem;
    options.onTruncatedEnd(problem);
  };
  let offset = 0;
  for (let index = 0; offset < bytes.byteLength; index++) {
    if (bytes.byteLength - offset < HEADER) return endsEarly(truncated(source, index, offset, bytes.byteLength - offset, HEADER));
    const length = parseHeader(bytes, offset, offset, index, source, verify);
    const need = HEADER + length + FOOTER;
    if (bytes.byteLength - offset < need) {
      return endsEarly(truncated(source, index, offset, bytes.byteLength - offset - HEADER, length + FOOTER));
    }
    const data = bytes.subarray(offset + HEADER, offset + HEADER + length);
    if (verify) checkData(data, readU32(bytes, offset + HEADER + length), offset, index, source);
    yield data;
    offset += need;
  }
}

/** A FIFO of byte chunks from which exact-length pieces can be taken. */
class ChunkQueue {
  private chunks: Uint8Array[] = [];
  private first = 0;
  private head = 0;
  available = 0;

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    this.available += chunk.byteLength;
  }

  /** Takes `n` bytes (n ≤ available): a view when they lie in one chunk, else a copy. */
  take(n: number): Uint8Array {
    const c = this.chunks[this.first];
    if (c.byteLength - this.head >= n) {
      const out = c.subarray(this.head, this.head + n);
      this.advance(n);
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const cur = this.chunks[this.first];
      const part = Math.min(n - filled, cur.byteLength - this.head);
      out.set(cur.subarray(this.head, this.head + part), filled);
      filled += part;
      this.advance(part);
    }
    return out;
  }

  private advance(n: number): void {
    this.available -= n;
    this.head += n;
    if (this.head === this.chunks[this.first].byteLength) {
      this.head = 0;
      this.first++;
      if (this.first > 64) {
        this.chunks = this.chunks.slice(this.first);
        this.first = 0;
      }
    }
  }
}

/**
 * Reads records from a buffer or a stream of chunks (e.g. a file read stream or a fetch body),
 * decompressing first when `compression` is 'GZIP'.
 */
export async function* readTFRecords(
  input: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: TFRecordReadOptions = {},
): AsyncGenerator<Uint8Array> {
  const source = options.source ?? 'TFRecord';
  const verify = options.verify ?? true;
  if (input instanceof Uint8Array) {
    if (options.compression !== 'GZIP') {
      yield* parseTFRecords(input, { source, verify, onTruncatedEnd: options.onTruncatedEnd });
      return;
    }
    input = [input];
  }
  const chunks = options.compression === 'GZIP' ? gunzipChunks(input, source) : input;
  const queue = new ChunkQueue();
  let offset = 0;
  let index = 0;
  let length = -1; // -1 while waiting for a header
  for await (const chunk of chunks) {
    queue.push(chunk);
    for (;;) {
      if (length < 0) {
        if (queue.available < HEADER) break;
        length = parseHeader(queue.take(HEADER), 0, offset, index, source, verify);
      }
      if (queue.available < length + FOOTER) break;
      const data = queue.take(length);
      const crc = readU32(queue.take(FOOTER), 0);
      if (verify) checkData(data, crc, offset, index, source);
      yield data;
      offset += HEADER + length + FOOTER;
      index++;
      length = -1;
    }
  }
  const problem =
    length >= 0
      ? truncated(source, index, offset, queue.available, length + FOOTER)
      : queue.available > 0
        ? truncated(source, index, offset, queue.available, HEADER)
        : null;
  if (problem && !options.onTruncatedEnd) throw problem;
  if (problem) options.onTruncatedEnd?.(problem);
}
