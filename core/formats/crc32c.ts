/**
 * CRC-32C (Castagnoli) and TF's "masked" form, used by TFRecord framing, LevelDB block
 * trailers and tensor-bundle entries. The table-driven CRC comes from the `crc-32` package.
 */
import CRC32C from 'crc-32/crc32c.js';

const MASK_DELTA = 0xa282ead8;

/** CRC-32C of `bytes` as an unsigned 32-bit number; pass a previous result as `seed` to continue. */
export function crc32c(bytes: Uint8Array, seed = 0): number {
  return CRC32C.buf(bytes, seed) >>> 0;
}

/** TF's masked CRC: rotate right by 15 bits, then add a constant (so CRCs of CRCs stay useful). */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** Inverse of {@link maskCrc}. */
export function unmaskCrc(masked: number): number {
  const rotated = (masked - MASK_DELTA) >>> 0;
  return ((rotated >>> 17) | (rotated << 15)) >>> 0;
}

/** Masked CRC-32C of `bytes`, the form stored in TF files. */
export function maskedCrc32c(bytes: Uint8Array): number {
  return maskCrc(crc32c(bytes));
}
