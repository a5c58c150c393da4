/** Tensor-bundle (checkpoint V2) index protos: BundleHeaderProto and BundleEntryProto. */
import { codec, defineSchema } from './root.ts';
import './tensor.ts';
import type { Int64Wire } from './int64.ts';
import type { TensorShapeProto, TensorSliceProto, VersionDefProto } from './tensor.ts';

defineSchema(`
syntax = "proto3";
package tensorflow;
message BundleHeaderProto {
  enum Endianness { LITTLE = 0; BIG = 1; }
  int32 num_shards = 1;
  Endianness endianness = 2;
  VersionDef version = 3;
}
message BundleEntryProto {
  DataType dtype = 1;
  TensorShapeProto shape = 2;
  int32 shard_id = 3;
  int64 offset = 4;
  int64 size = 5;
  fixed32 crc32c = 6;
  repeated TensorSliceProto slices = 7;
}
`);

/** The index's first entry (empty key): shard count, byte order, format version. */
export interface BundleHeaderProto {
  numShards?: number;
  endianness?: number;
  version?: VersionDefProto | null;
}

/** One tensor's index entry: where its bytes are and their masked CRC32C. */
export interface BundleEntryProto {
  dtype?: number;
  shape?: TensorShapeProto | null;
  shardId?: number;
  offset?: Int64Wire;
  size?: Int64Wire;
  crc32c?: number;
  slices?: TensorSliceProto[];
}

/** Codec for BundleHeaderProto. */
export const BundleHeaderCodec = codec<BundleHeaderProto>('BundleHeaderProto');
/** Codec for BundleEntryProto. */
export const BundleEntryCodec = codec<BundleEntryProto>('BundleEntryProto');
