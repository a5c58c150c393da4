/**
 * Reads a LevelDB-format table ("SSTable"), the format of a checkpoint's `.index` file:
 * data blocks · metaindex block · index block · 48-byte footer ending in a magic number.
 * Every block's masked CRC32C is verified; Snappy-compressed blocks (type 1, written by some
 * TF versions) are decompressed with `snappyjs`.
 */
import { uncompress } from 'snappyjs';
import { maskedCrc32c } from './crc32c.ts';
import { FormatError } from './errors.ts';
import { readU32, readVarint } from './varint.ts';

/** One key/value pair of the table, in key order. Both are views into the file bytes. */
export interface TableEntry {
  key: Uint8Array;
  value: Uint8Array;
}

/** Offset and size (without the 5-byte trailer) of a block. */
interface BlockHandle {
  offset: number;
  size: number;
}

const FOOTER_SIZE = 48;
/** fixed64 0xdb4775248b80fb57, little-endian. */
export const TABLE_MAGIC = new Uint8Array([0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb]);

function readHandle(bytes: Uint8Array, at: number, end: number, source: string, what: string): BlockHandle & { next: number } {
  const offset = readVarint(bytes, at, end);
  const size = offset && readVarint(bytes, offset.next, end);
  if (!offset || !size) throw new FormatError(source, `bad ${what} block handle`, at);
  return { offset: offset.value, size: size.value, next: size.next };
}

/** Reads and checks one block, returning its (decompressed) contents. */
function readBlock(bytes: Uint8Array, handle: BlockHandle, source: string, what: string): Uint8Array {
  const end = handle.offset + handle.size;
  if (end + 5 > bytes.byteLength) {
    throw new FormatError(source, `${what} block (${handle.size} bytes) runs past the end of the file`, handle.offset);
  }
  const stored = bytes.subarray(handle.offset, end + 1); // contents and compression type
  if (maskedCrc32c(stored) !== readU32(bytes, end + 1)) {
    throw new FormatError(source, `${what} block checksum mismatch`, handle.offset);
  }
  const type = bytes[end];
  if (type === 0) return bytes.subarray(handle.offset, end);
  if (type !== 1) throw new FormatError(source, `${what} block has unknown compression type ${type}`, handle.offset);
  try {
    return uncompress(bytes.subarray(handle.offset, end));
  } catch (e) {
    throw new FormatError(source, `${what} block: bad Snappy data (${(e as Error).message})`, handle.offset);
  }
}

/** Decodes the prefix-compressed entries of one block. `base` is the block's file offset, for errors. */
function blockEntries(block: Uint8Array, base: number, source: string, what: string): TableEntry[] {
  if (block.byteLength < 4) throw new FormatError(source, `${what} block is too short`, base);
  const numRestarts = readU32(block, block.byteLength - 4);
  const limit = block.byteLength - 4 - 4 * numRestarts;
  if (numRestarts === 0 || limit < 0) throw new FormatError(source, `${what} block has a bad restart count ${numRestarts}`, base);
  const entries: TableEntry[] = [];
  let previous = new Uint8Array(0);
  let at = 0;
  while (at < limit) {
    const shared = readVarint(block, at, limit);
    const unshared = shared && readVarint(block, shared.next, limit);
    const valueLength = unshared && readVarint(block, unshared.next, limit);
    if (!shared || !unshared || !valueLength) throw new FormatError(source, `${what} block: bad entry header`, base + at);
    const keyEnd = valueLength.next + unshared.value;
    const valueEnd = keyEnd + valueLength.value;
    if (shared.value > previous.byteLength || valueEnd > limit) {
      throw new FormatError(source, `${what} block: entry overruns the block`, base + at);
    }
    const key = new Uint8Array(shared.value + unshared.value);
    key.set(previous.subarray(0, shared.value));
    key.set(block.subarray(valueLength.next, keyEnd), shared.value);
    entries.push({ key, value: block.subarray(keyEnd, valueEnd) });
    previous = key;
    at = valueEnd;
  }
  return entries;
}

/** All entries of a table file, in key order. Damage throws a FormatError naming `source` and the offset. */
export function readTable(bytes: Uint8Array, source = 'table'): TableEntry[] {
  const size = bytes.byteLength;
  if (size < FOOTER_SIZE) throw new FormatError(source, `too short (${size} bytes) to be a table / checkpoint index`);
  const magicAt = size - 8;
  for (let i = 0; i < 8; i++) {
    if (bytes[magicAt + i] !== TABLE_MAGIC[i])
      throw new FormatError(source, 'bad magic number: not a LevelDB table / checkpoint index', magicAt);
  }
  const footerAt = size - FOOTER_SIZE;
  const metaindex = readHandle(bytes, footerAt, magicAt, source, 'metaindex');
  const index = readHandle(bytes, metaindex.next, magicAt, source, 'index');
  readBlock(bytes, metaindex, source, 'metaindex'); // no filters in TF tables; read only to verify its CRC
  const indexBlock = readBlock(bytes, index, source, 'index');
  const entries: TableEntry[] = [];
  for (const handleEntry of blockEntries(indexBlock, index.offset, source, 'index')) {
    const handle = readHandle(handleEntry.value, 0, handleEntry.value.byteLength, source, 'data');
    const block = readBlock(bytes, handle, source, 'data');
    entries.push(...blockEntries(block, handle.offset, source, 'data'));
  }
  return entries;
}
