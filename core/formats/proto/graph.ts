/**
 * Graph protos: AttrValue, NameAttrList, NodeDef, GraphDef and a minimal FunctionDefLibrary
 * (function names, nodes and return map). Written so the same schema can encode graphs later.
 */
import { codec, defineSchema } from './root.ts';
import './tensor.ts';
import type { Int64Wire } from './int64.ts';
import type { TensorProto, TensorShapeProto, VersionDefProto } from './tensor.ts';

defineSchema(`
syntax = "proto3";
package tensorflow;
message AttrValue {
  message ListValue {
    repeated bytes s = 2;
    repeated int64 i = 3 [packed = true];
    repeated float f = 4 [packed = true];
    repeated bool b = 5 [packed = true];
    repeated DataType type = 6 [packed = true];
    repeated TensorShapeProto shape = 7;
    repeated TensorProto tensor = 8;
    repeated NameAttrList func = 9;
  }
  oneof value {
    ListValue list = 1;
    bytes s = 2;
    int64 i = 3;
    float f = 4;
    bool b = 5;
    DataType type = 6;
    TensorShapeProto shape = 7;
    TensorProto tensor = 8;
    string placeholder = 9;
    NameAttrList func = 10;
  }
}
message NameAttrList { string name = 1; map<string, AttrValue> attr = 2; }
message NodeDef {
  string name = 1;
  string op = 2;
  repeated string input = 3;
  string device = 4;
  map<string, AttrValue> attr = 5;
}
message OpDef { string name = 1; }
message OpList { repeated OpDef op = 1; }
message FunctionDef {
  OpDef signature = 1;
  repeated NodeDef node_def = 3;
  map<string, string> ret = 4;
}
message GradientDef { string function_name = 1; string gradient_func = 2; }
message FunctionDefLibrary { repeated FunctionDef function = 1; repeated GradientDef gradient = 2; }
message GraphDef {
  repeated NodeDef node = 1;
  FunctionDefLibrary library = 2;
  int32 version = 3;
  VersionDef versions = 4;
}
`);

/** A named function with attrs (AttrValue.func). */
export interface NameAttrListProto {
  name?: string;
  attr?: Record<string, AttrValueProto>;
}

/** AttrValue.ListValue: only one of the lists is normally non-empty. */
export interface AttrListProto {
  s?: Uint8Array[];
  i?: Int64Wire[];
  f?: number[];
  b?: boolean[];
  type?: number[];
  shape?: TensorShapeProto[];
  tensor?: TensorProto[];
  func?: NameAttrListProto[];
}

/** A node attribute; exactly one field is set (`value` names it after decoding). */
export interface AttrValueProto {
  list?: AttrListProto | null;
  s?: Uint8Array;
  i?: Int64Wire;
  f?: number;
  b?: boolean;
  type?: number;
  shape?: TensorShapeProto | null;
  tensor?: TensorProto | null;
  placeholder?: string;
  func?: NameAttrListProto | null;
  /** Set by protobufjs on decode: the name of the oneof field present. */
  value?: string;
}

/** NodeDef: inputs are "node", "node:k" or "^node" (control). */
export interface NodeDefProto {
  name?: string;
  op?: string;
  input?: string[];
  device?: string;
  attr?: Record<string, AttrValueProto>;
}

/** FunctionDef, reduced to what we read: its name, nodes and outputs. */
export interface FunctionDefProto {
  signature?: { name?: string } | null;
  nodeDef?: NodeDefProto[];
  ret?: Record<string, string>;
}

/** GraphDef: nodes, an optional function library and version info. */
export interface GraphDefProto {
  node?: NodeDefProto[];
  library?: { function?: FunctionDefProto[]; gradient?: Array<{ functionName?: string; gradientFunc?: string }> } | null;
  version?: number;
  versions?: VersionDefProto | null;
}

/** Codec for GraphDef. */
export const GraphDefCodec = codec<GraphDefProto>('GraphDef');
