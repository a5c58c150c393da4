/**
 * ONNX protos (package `onnx`): the subset of onnx.proto an exported inference model uses —
 * ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto with its
 * TypeProto/TensorShapeProto, OperatorSetIdProto and StringStringEntryProto. Our own minimal
 * proto3 text with the field numbers of the ONNX specification (onnx/onnx.proto).
 */
import { codec, defineSchema } from './root.ts';
import type { Int64Wire } from './int64.ts';

defineSchema(`
syntax = "proto3";
package onnx;
message AttributeProto {
  enum AttributeType {
    UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5;
    FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10;
  }
  string name = 1;
  float f = 2;
  int64 i = 3;
  bytes s = 4;
  TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  repeated TensorProto tensors = 10;
  string doc_string = 13;
  AttributeType type = 20;
}
message ValueInfoProto {
  string name = 1;
  TypeProto type = 2;
  string doc_string = 3;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  repeated AttributeProto attribute = 5;
  string doc_string = 6;
  string domain = 7;
}
message StringStringEntryProto {
  string key = 1;
  string value = 2;
}
message OperatorSetIdProto {
  string domain = 1;
  int64 version = 2;
}
message ModelProto {
  int64 ir_version = 1;
  string producer_name = 2;
  string producer_version = 3;
  string domain = 4;
  int64 model_version = 5;
  string doc_string = 6;
  GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}
message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}
message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated float float_data = 4;
  repeated int32 int32_data = 5;
  repeated int64 int64_data = 7;
  string name = 8;
  bytes raw_data = 9;
  string doc_string = 12;
}
message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
    string denotation = 3;
  }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor {
    int32 elem_type = 1;
    TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
  string denotation = 6;
}
`);

/** TensorProto.DataType values used here. */
export const OnnxDataType = { FLOAT: 1, INT64: 7 } as const;

/** AttributeProto.AttributeType values. */
export const OnnxAttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export interface OnnxTensorProto {
  dims?: Int64Wire[];
  dataType?: number;
  floatData?: number[];
  int64Data?: Int64Wire[];
  name?: string;
  /** Little-endian element bytes. */
  rawData?: Uint8Array;
  docString?: string;
}

/** One attribute; `type` says which value field is set. */
export interface OnnxAttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: Int64Wire;
  s?: Uint8Array;
  t?: OnnxTensorProto;
  floats?: number[];
  ints?: Int64Wire[];
}

export interface OnnxNodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  attribute?: OnnxAttributeProto[];
  domain?: string;
  docString?: string;
}

/** A dimension: a size, or a symbolic name ("batch"). */
export interface OnnxDimension {
  dimValue?: Int64Wire;
  dimParam?: string;
}

export interface OnnxValueInfoProto {
  name?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: OnnxDimension[] } } };
  docString?: string;
}

export interface OnnxGraphProto {
  node?: OnnxNodeProto[];
  name?: string;
  initializer?: OnnxTensorProto[];
  docString?: string;
  input?: OnnxValueInfoProto[];
  output?: OnnxValueInfoProto[];
  valueInfo?: OnnxValueInfoProto[];
}

export interface OnnxModelProto {
  irVersion?: Int64Wire;
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: Int64Wire;
  docString?: string;
  graph?: OnnxGraphProto;
  opsetImport?: Array<{ domain?: string; version?: Int64Wire }>;
  metadataProps?: Array<{ key?: string; value?: string }>;
}

export const onnxModelCodec = codec<OnnxModelProto>('onnx.ModelProto');
