/**
 * Writes a LevelDB-format table the way TF's table builder does for checkpoint indexes, so
 * the bytes match TF's: 256 KiB data blocks with restarts every 16 entries, an empty
 * metaindex block, an index block (restart interval 1) keyed by LevelDB's shortest
 * separators, uncompressed blocks with masked-CRC trailers, and the 48-byte footer.
 */
import { maskedCrc32c } from './crc32c.ts';
import { TABLE_MAGIC } from './sstable_reader.ts';
import { pushU32, pushVarint } from './varint.ts';

/** TF's table::Options defaults. */
const BLOCK_SIZE = 262144;
const RESTART_INTERVAL = 16;

/** Accumulates prefix-compressed entries of one block. */
class BlockBuilder {
  private bytes: number[] = [];
  private restarts: number[] = [0];
  private counter = 0;
  private lastKey: Uint8Array = new Uint8Array(0);
  entries = 0;

  constructor(private readonly restartInterval: number) {}

  add(key: Uint8Array, value: Uint8Array): void {
    let shared = 0;
    if (this.counter < this.restartInterval) {
      const max = Math.min(key.byteLength, this.lastKey.byteLength);
      while (shared < max && key[shared] === this.lastKey[shared]) shared++;
    } else {
      this.restarts.push(this.bytes.length);
      this.counter = 0;
    }
    pushVarint(this.bytes, shared);
    pushVarint(this.bytes, key.byteLength - shared);
    pushVarint(this.bytes, value.byteLength);
    for (let i = shared; i < key.byteLength; i++) this.bytes.push(key[i]);
    for (let i = 0; i < value.byteLength; i++) this.bytes.push(value[i]);
    this.lastKey = key;
    this.counter++;
    this.entries++;
  }

  sizeEstimate(): number {
    return this.bytes.length + 4 * this.restarts.length + 4;
  }

  finish(): Uint8Array {
    const out = this.bytes.slice();
    for (const r of this.restarts) pushU32(out, r);
    pushU32(out, this.restarts.length);
    return Uint8Array.from(out);
  }
}

/** LevelDB's FindShortestSeparator: a short key k with start ≤ k < limit. */
function shortestSeparator(start: Uint8Array, limit: Uint8Array): Uint8Array {
  const min = Math.min(start.byteLength, limit.byteLength);
  let i = 0;
  while (i < min && start[i] === limit[i]) i++;
  if (i < min && start[i] < 0xff && start[i] + 1 < limit[i]) {
    const out = start.slice(0, i + 1);
    out[i]++;
    return out;
  }
  return start;
}

/** LevelDB's FindShortSuccessor: a short key ≥ `key`. */
function shortSuccessor(key: Uint8Array): Uint8Array {
  for (let i = 0; i < key.byteLength; i++) {
    if (key[i] !== 0xff) {
      const out = key.slice(0, i + 1);
      out[i]++;
      return out;
    }
  }
  return key;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.byteLength - b.byteLength;
}

/** Builds a table file from entries given in strictly increasing bytewise key order. */
export function writeTable(entries: Iterable<{ key: Uint8Array; value: Uint8Array }>): Uint8Array {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const handleBytes = (h: { offset: number; size: number }): Uint8Array => {
    const out: number[] = [];
    pushVarint(out, h.offset);
    pushVarint(out, h.size);
    return Uint8Array.from(out);
  };
  const writeBlock = (contents: Uint8Array): { offset: number; size: number } => {
    const trailer = new Uint8Array(5); // compression type 0, then masked CRC over contents + type
    const withType = new Uint8Array(contents.byteLength + 1);
    withType.set(contents);
    new DataView(trailer.buffer).setUint32(1, maskedCrc32c(withType), true);
    parts.push(contents, trailer);
    const handle = { offset, size: contents.byteLength };
    offset += contents.byteLength + 5;
    return handle;
  };

  const index = new BlockBuilder(1);
  let data = new BlockBuilder(RESTART_INTERVAL);
  let lastKey: Uint8Array | undefined;
  let pending: { offset: number; size: number } | undefined;
  const flush = (): void => {
    if (data.entries === 0) return;
    pending = writeBlock(data.finish());
    data = new BlockBuilder(RESTART_INTERVAL);
  };
  for (const { key, value } of entries) {
    if (lastKey && compareBytes(lastKey, key) >= 0) throw new Error('table keys must be added in strictly increasing order');
    if (pending && lastKey) {
      index.add(shortestSeparator(lastKey, key), handleBytes(pending));
      pending = undefined;
    }
    data.add(key, value);
    lastKey = key;
    if (data.sizeEstimate() >= BLOCK_SIZE) flush();
  }
  flush();
  const metaindex = writeBlock(new BlockBuilder(RESTART_INTERVAL).finish());
  if (pending && lastKey) index.add(shortSuccessor(lastKey), handleBytes(pending));
  const indexHandle = writeBlock(index.finish());

  const footer = new Uint8Array(48);
  const handles = [...handleBytes(metaindex), ...handleBytes(indexHandle)];
  footer.set(handles);
  footer.set(TABLE_MAGIC, 40);
  parts.push(footer);

  const out = new Uint8Array(offset + 48);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
