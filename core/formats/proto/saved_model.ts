/**
 * SavedModel protos: SavedModel, MetaGraphDef (MetaInfoDef, SaverDef, CollectionDef,
 * SignatureDef, TensorInfo, AssetFileDef). The TF2 object graph is only detected, not parsed.
 */
import { codec, defineSchema } from './root.ts';
import './graph.ts';
import type { Int64Wire } from './int64.ts';
import type { GraphDefProto } from './graph.ts';
import type { TensorProto, TensorShapeProto } from './tensor.ts';

defineSchema(`
syntax = "proto3";
package tensorflow;
message Any { string type_url = 1; bytes value = 2; }
message TensorInfo {
  message CooSparse { string values_tensor_name = 1; string indices_tensor_name = 2; string dense_shape_tensor_name = 3; }
  message CompositeTensor { repeated TensorInfo components = 2; }
  oneof encoding { string name = 1; CooSparse coo_sparse = 4; CompositeTensor composite_tensor = 5; }
  DataType dtype = 2;
  TensorShapeProto tensor_shape = 3;
}
message SignatureDef {
  map<string, TensorInfo> inputs = 1;
  map<string, TensorInfo> outputs = 2;
  string method_name = 3;
  map<string, TensorProto> defaults = 4;
}
message SaverDef {
  enum CheckpointFormatVersion { LEGACY = 0; V1 = 1; V2 = 2; }
  string filename_tensor_name = 1;
  string save_tensor_name = 2;
  string restore_op_name = 3;
  int32 max_to_keep = 4;
  bool sharded = 5;
  float keep_checkpoint_every_n_hours = 6;
  CheckpointFormatVersion version = 7;
}
message CollectionDef {
  message NodeList { repeated string value = 1; }
  message BytesList { repeated bytes value = 1; }
  message Int64List { repeated int64 value = 1 [packed = true]; }
  message FloatList { repeated float value = 1 [packed = true]; }
  message AnyList { repeated Any value = 1; }
  oneof kind { NodeList node_list = 1; BytesList bytes_list = 2; Int64List int64_list = 3; FloatList float_list = 4; AnyList any_list = 5; }
}
message AssetFileDef { TensorInfo tensor_info = 1; string filename = 2; }
message SavedObjectGraph {}
message MetaGraphDef {
  message MetaInfoDef {
    string meta_graph_version = 1;
    OpList stripped_op_list = 2;
    Any any_info = 3;
    repeated string tags = 4;
    string tensorflow_version = 5;
    string tensorflow_git_version = 6;
    bool stripped_default_attrs = 7;
    map<string, string> function_aliases = 8;
  }
  MetaInfoDef meta_info_def = 1;
  GraphDef graph_def = 2;
  SaverDef saver_def = 3;
  map<string, CollectionDef> collection_def = 4;
  map<string, SignatureDef> signature_def = 5;
  repeated AssetFileDef asset_file_def = 6;
  SavedObjectGraph object_graph_def = 7;
}
message SavedModel { int64 saved_model_schema_version = 1; repeated MetaGraphDef meta_graphs = 2; }
`);

/** TensorInfo: a graph tensor ("node:k"), its dtype and static shape. */
export interface TensorInfoProto {
  name?: string;
  cooSparse?: { valuesTensorName?: string; indicesTensorName?: string; denseShapeTensorName?: string } | null;
  compositeTensor?: { components?: TensorInfoProto[] } | null;
  dtype?: number;
  tensorShape?: TensorShapeProto | null;
  /** Set by protobufjs on decode: which encoding is present. */
  encoding?: string;
}

/** SignatureDef: named inputs/outputs and the method (e.g. "tensorflow/serving/predict"). */
export interface SignatureDefProto {
  inputs?: Record<string, TensorInfoProto>;
  outputs?: Record<string, TensorInfoProto>;
  methodName?: string;
  defaults?: Record<string, TensorProto>;
}

/** SaverDef: how the graph saves and restores its variables. version 2 = checkpoint V2. */
export interface SaverDefProto {
  filenameTensorName?: string;
  saveTensorName?: string;
  restoreOpName?: string;
  maxToKeep?: number;
  sharded?: boolean;
  keepCheckpointEveryNHours?: number;
  version?: number;
}

/** CollectionDef: exactly one list is set (`kind` names it after decoding). */
export interface CollectionDefProto {
  nodeList?: { value?: string[] } | null;
  bytesList?: { value?: Uint8Array[] } | null;
  int64List?: { value?: Int64Wire[] } | null;
  floatList?: { value?: number[] } | null;
  anyList?: { value?: Array<{ typeUrl?: string; value?: Uint8Array }> } | null;
  kind?: string;
}

/** MetaInfoDef: tags and the TF version that wrote the graph. */
export interface MetaInfoDefProto {
  metaGraphVersion?: string;
  strippedOpList?: { op?: Array<{ name?: string }> } | null;
  tags?: string[];
  tensorflowVersion?: string;
  tensorflowGitVersion?: string;
  strippedDefaultAttrs?: boolean;
  functionAliases?: Record<string, string>;
}

/** MetaGraphDef: one tagged graph of a SavedModel (or a checkpoint's .meta file). */
export interface MetaGraphDefProto {
  metaInfoDef?: MetaInfoDefProto | null;
  graphDef?: GraphDefProto | null;
  saverDef?: SaverDefProto | null;
  collectionDef?: Record<string, CollectionDefProto>;
  signatureDef?: Record<string, SignatureDefProto>;
  assetFileDef?: Array<{ tensorInfo?: TensorInfoProto | null; filename?: string }>;
  /** Present (an empty object here) in TF2 object-based SavedModels. */
  objectGraphDef?: object | null;
}

/** SavedModel: schema version 1 and its MetaGraphDefs. */
export interface SavedModelProto {
  savedModelSchemaVersion?: Int64Wire;
  metaGraphs?: MetaGraphDefProto[];
}

/** Codec for SavedModel (saved_model.pb). */
export const SavedModelCodec = codec<SavedModelProto>('SavedModel');
/** Codec for MetaGraphDef (a checkpoint's .meta file). */
export const MetaGraphDefCodec = codec<MetaGraphDefProto>('MetaGraphDef');
