/**
 * The tensor element types our formats carry, their TF DataType enum numbers, byte widths
 * and the typed arrays that hold their values. int64/uint64 use BigInt64Array/BigUint64Array
 * (exact); bool is a Uint8Array of 0/1; float16/bfloat16 are raw Uint16Array bit patterns;
 * string tensors are arrays of byte strings.
 */
import { DataType } from './proto/tensor.ts';

/** Element type names, after TF's Python names. */
export type DType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'string';

/** The values of a tensor, flat in row-major order. */
export type TensorValues =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Uint8Array[];

interface DTypeInfo {
  enumValue: number;
  /** Bytes per element; 0 for string. */
  width: number;
}

const INFO: Record<DType, DTypeInfo> = {
  float32: { enumValue: DataType.DT_FLOAT, width: 4 },
  float64: { enumValue: DataType.DT_DOUBLE, width: 8 },
  float16: { enumValue: DataType.DT_HALF, width: 2 },
  bfloat16: { enumValue: DataType.DT_BFLOAT16, width: 2 },
  int8: { enumValue: DataType.DT_INT8, width: 1 },
  int16: { enumValue: DataType.DT_INT16, width: 2 },
  int32: { enumValue: DataType.DT_INT32, width: 4 },
  int64: { enumValue: DataType.DT_INT64, width: 8 },
  uint8: { enumValue: DataType.DT_UINT8, width: 1 },
  uint16: { enumValue: DataType.DT_UINT16, width: 2 },
  uint32: { enumValue: DataType.DT_UINT32, width: 4 },
  uint64: { enumValue: DataType.DT_UINT64, width: 8 },
  bool: { enumValue: DataType.DT_BOOL, width: 1 },
  string: { enumValue: DataType.DT_STRING, width: 0 },
};

const BY_ENUM = new Map<number, DType>(Object.entries(INFO).map(([name, info]) => [info.enumValue, name as DType]));
const ENUM_NAMES = new Map<number, string>(Object.entries(DataType).map(([name, value]) => [value, name]));

/** The DataType enum number of a dtype. */
export function dtypeToEnum(dtype: DType): number {
  return INFO[dtype].enumValue;
}

/** The dtype for a DataType enum number (a `_REF` variant maps to its base), or undefined if unsupported. */
export function dtypeFromEnum(value: number): DType | undefined {
  return BY_ENUM.get(value >= 100 ? value - 100 : value);
}

/** TF's name for a DataType enum number, e.g. "DT_FLOAT", "DT_FLOAT_REF", or "DT_<n>" if unknown. */
export function dataTypeName(value: number): string {
  if (value > 100 && ENUM_NAMES.has(value - 100)) return `${ENUM_NAMES.get(value - 100)}_REF`;
  return ENUM_NAMES.get(value) ?? `DT_${value}`;
}

/** Bytes per element (0 for string). */
export function dtypeWidth(dtype: DType): number {
  return INFO[dtype].width;
}

/** Number of elements of a shape (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/**
 * Views little-endian element bytes as the dtype's typed array. The bytes are copied first
 * (typed arrays need aligned offsets), so the result owns its memory.
 */
export function valuesFromBytes(dtype: Exclude<DType, 'string'>, bytes: Uint8Array): Exclude<TensorValues, Uint8Array[]> {
  const buffer = bytes.slice().buffer;
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer);
    case 'float64':
      return new Float64Array(buffer);
    case 'int8':
      return new Int8Array(buffer);
    case 'int16':
      return new Int16Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'int64':
      return new BigInt64Array(buffer);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buffer);
    case 'uint16':
    case 'float16':
    case 'bfloat16':
      return new Uint16Array(buffer);
    case 'uint32':
      return new Uint32Array(buffer);
    case 'uint64':
      return new BigUint64Array(buffer);
  }
}

/** The little-endian bytes of a numeric typed array (a view, no copy). */
export function bytesOfValues(values: Exclude<TensorValues, Uint8Array[]>): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
