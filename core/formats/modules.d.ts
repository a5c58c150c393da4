// Type declarations for the untyped libraries core/formats uses.
declare module 'snappyjs' {
  /** Decompresses Snappy raw-format bytes. */
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
  /** Compresses to Snappy raw format. */
  export function compress(uncompressed: Uint8Array): Uint8Array;
}
