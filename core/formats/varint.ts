/**
 * Base-128 varints and little-endian fixed integers as LevelDB tables and tensor bundles
 * store them. Values stay below 2^53 here (offsets, sizes, lengths), so plain numbers suffice.
 */

/** A decoded varint and the offset just after it. */
export interface VarintRead {
  value: number;
  next: number;
}

/** Reads a varint at `at`; returns undefined when the bytes end first or it is over 2^53. */
export function readVarint(bytes: Uint8Array, at: number, end = bytes.byteLength): VarintRead | undefined {
  let value = 0;
  let scale = 1;
  for (let i = at; i < end && i < at + 8; i++) {
    const b = bytes[i];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return { value, next: i + 1 };
    scale *= 128;
  }
  return undefined;
}

/** Appends the varint encoding of a non-negative safe integer to `out`. */
export function pushVarint(out: number[], value: number): void {
  while (value >= 0x80) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
}

/** Reads a little-endian uint32. */
export function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

/** Appends a little-endian uint32 to `out`. */
export function pushU32(out: number[], value: number): void {
  out.push(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
}
