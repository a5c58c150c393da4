/**
 * Tensor-level protos shared by checkpoints, graphs and summaries: DataType, TensorShapeProto,
 * TensorProto, VersionDef and TensorSliceProto (our own minimal schema text, TF field numbers).
 */
import { codec, defineSchema } from './root.ts';
import type { Int64Wire } from './int64.ts';

defineSchema(`
syntax = "proto3";
package tensorflow;
enum DataType {
  DT_INVALID = 0; DT_FLOAT = 1; DT_DOUBLE = 2; DT_INT32 = 3; DT_UINT8 = 4; DT_INT16 = 5;
  DT_INT8 = 6; DT_STRING = 7; DT_COMPLEX64 = 8; DT_INT64 = 9; DT_BOOL = 10; DT_QINT8 = 11;
  DT_QUINT8 = 12; DT_QINT32 = 13; DT_BFLOAT16 = 14; DT_QINT16 = 15; DT_QUINT16 = 16;
  DT_UINT16 = 17; DT_COMPLEX128 = 18; DT_HALF = 19; DT_RESOURCE = 20; DT_VARIANT = 21;
  DT_UINT32 = 22; DT_UINT64 = 23;
  DT_FLOAT_REF = 101; DT_DOUBLE_REF = 102; DT_INT32_REF = 103; DT_UINT8_REF = 104;
  DT_STRING_REF = 107; DT_INT64_REF = 109; DT_BOOL_REF = 110; DT_RESOURCE_REF = 120;
}
message TensorShapeProto {
  message Dim { int64 size = 1; string name = 2; }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}
message TensorProto {
  DataType dtype = 1;
  TensorShapeProto tensor_shape = 2;
  int32 version_number = 3;
  bytes tensor_content = 4;
  repeated float float_val = 5 [packed = true];
  repeated double double_val = 6 [packed = true];
  repeated int32 int_val = 7 [packed = true];
  repeated bytes string_val = 8;
  repeated float scomplex_val = 9 [packed = true];
  repeated int64 int64_val = 10 [packed = true];
  repeated bool bool_val = 11 [packed = true];
  repeated double dcomplex_val = 12 [packed = true];
  repeated int32 half_val = 13 [packed = true];
  repeated uint32 uint32_val = 16 [packed = true];
  repeated uint64 uint64_val = 17 [packed = true];
}
message VersionDef {
  int32 producer = 1;
  int32 min_consumer = 2;
  repeated int32 bad_consumers = 3 [packed = true];
}
message TensorSliceProto {
  message Extent { int64 start = 1; int64 length = 2; }
  repeated Extent extent = 1;
}
`);

/** DataType enum values (types.proto); `_REF` variants are base + 100. */
export const DataType = {
  DT_INVALID: 0,
  DT_FLOAT: 1,
  DT_DOUBLE: 2,
  DT_INT32: 3,
  DT_UINT8: 4,
  DT_INT16: 5,
  DT_INT8: 6,
  DT_STRING: 7,
  DT_COMPLEX64: 8,
  DT_INT64: 9,
  DT_BOOL: 10,
  DT_QINT8: 11,
  DT_QUINT8: 12,
  DT_QINT32: 13,
  DT_BFLOAT16: 14,
  DT_QINT16: 15,
  DT_QUINT16: 16,
  DT_UINT16: 17,
  DT_COMPLEX128: 18,
  DT_HALF: 19,
  DT_RESOURCE: 20,
  DT_VARIANT: 21,
  DT_UINT32: 22,
  DT_UINT64: 23,
} as const;

/** TensorShapeProto.Dim: size -1 means unknown. */
export interface DimProto {
  size?: Int64Wire;
  name?: string;
}
/** TensorShapeProto: no dims = scalar; unknown_rank = shape not known at all. */
export interface TensorShapeProto {
  dim?: DimProto[];
  unknownRank?: boolean;
}

/** TensorProto: values in `tensorContent` (raw LE bytes) or in the typed `*Val` lists. */
export interface TensorProto {
  dtype?: number;
  tensorShape?: TensorShapeProto | null;
  versionNumber?: number;
  tensorContent?: Uint8Array;
  floatVal?: number[];
  doubleVal?: number[];
  intVal?: number[];
  stringVal?: Uint8Array[];
  scomplexVal?: number[];
  int64Val?: Int64Wire[];
  boolVal?: boolean[];
  dcomplexVal?: number[];
  halfVal?: number[];
  uint32Val?: number[];
  uint64Val?: Int64Wire[];
}

/** VersionDef: producer / min_consumer / bad_consumers. */
export interface VersionDefProto {
  producer?: number;
  minConsumer?: number;
  badConsumers?: number[];
}

/** TensorSliceProto: one extent per dimension; a missing length means the full extent. */
export interface TensorSliceProto {
  extent?: Array<{ start?: Int64Wire; length?: Int64Wire }>;
}

/** Codec for TensorProto. */
export const TensorProtoCodec = codec<TensorProto>('TensorProto');
/** Codec for TensorShapeProto. */
export const TensorShapeCodec = codec<TensorShapeProto>('TensorShapeProto');
