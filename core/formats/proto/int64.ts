/**
 * int64 values as protobufjs hands them over: a `Long`-like {low, high} object when protobufjs
 * finds the `long` package (always under Node), or a plain number (in bundles where it cannot,
 * values beyond ±2^53 then lose precision; steps, sizes, offsets and labels never get there).
 * We expose int64 to callers as `bigint`, exact over the whole range including negatives;
 * numbers are accepted on input when they are safe integers.
 */

/** What protobufjs reads or writes for an int64/uint64 field. */
export type Int64Wire = number | { low: number; high: number; unsigned?: boolean };

/** Exact conversion of a decoded int64 to bigint (signed). */
export function int64ToBigInt(value: Int64Wire): bigint {
  if (typeof value === 'number') return BigInt(value);
  const big = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return value.unsigned ? big : BigInt.asIntN(64, big);
}

/** Decoded int64 as a number; throws when it is beyond ±2^53 (sizes, offsets, steps never are). */
export function int64ToNumber(value: Int64Wire, what = 'int64 value'): number {
  if (typeof value === 'number') return value;
  const big = int64ToBigInt(value);
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${what} ${big} does not fit a JavaScript number`);
  }
  return Number(big);
}

/** bigint or safe integer → the {low, high} form protobufjs writes as a (10-byte if negative) varint. */
export function toInt64Wire(value: bigint | number): Int64Wire {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`int64 value ${value} is not a safe integer; pass a bigint`);
    value = BigInt(value);
  }
  if (value > 0x7fffffffffffffffn || value < -0x8000000000000000n) throw new RangeError(`int64 value ${value} is out of range`);
  const bits = BigInt.asUintN(64, value);
  return { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0, unsigned: false };
}
