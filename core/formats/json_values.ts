/**
 * Tensor and feature values as JSON-safe values: numbers stay numbers, int64 becomes a number
 * when it is a safe integer and a decimal string otherwise, byte strings become text when
 * they are printable UTF-8 and `hex:…` otherwise (long ones are cut, with their size noted).
 */

/** A JSON-safe rendering of one element. */
export type JsonValue = number | string | boolean | null;

const MAX_BYTES_SHOWN = 48;

function bytesValue(b: Uint8Array): string {
  const head = b.subarray(0, MAX_BYTES_SHOWN);
  const more = b.byteLength > MAX_BYTES_SHOWN ? `… (${b.byteLength} bytes)` : '';
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(head);
    if (!/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text)) return text + more;
  } catch {
    // not UTF-8: fall through to hex
  }
  return (
    'hex:' +
    Array.from(head.subarray(0, 16), (x) => x.toString(16).padStart(2, '0')).join('') +
    (b.byteLength > 16 ? `… (${b.byteLength} bytes)` : '')
  );
}

function element(v: number | bigint | Uint8Array): JsonValue {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  return bytesValue(v);
}

/** The shortest decimal that reads back as the same float32 (0.005, not 0.004999999888241291). */
export function shortFloat32(v: number): number {
  if (!Number.isFinite(v)) return v;
  for (let p = 1; p < 9; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}

/** The first `limit` elements of a typed array or list of byte strings, JSON-safe. */
export function jsonValues(values: ArrayLike<number | bigint | Uint8Array>, limit = Infinity): JsonValue[] {
  const n = Math.min(values.length, limit);
  const out: JsonValue[] = [];
  const float32 = values instanceof Float32Array;
  for (let i = 0; i < n; i++) out.push(element(float32 ? shortFloat32(values[i]) : values[i]));
  return out;
}
