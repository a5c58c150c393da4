/**
 * Reads TF checkpoints (tensor bundle V2): `<prefix>.index` (a LevelDB table of
 * BundleEntryProto) and `<prefix>.data-SSSSS-of-NNNNN` shards. Opening reads only the index;
 * tensors are read on demand (a shard file is loaded once, on first use) and their CRC32C is
 * verified. Files arrive through a `readFile` function, so Node and the browser both work.
 */
import { BundleEntryCodec, BundleHeaderCodec } from './proto/bundle.ts';
import type { BundleEntryProto, BundleHeaderProto } from './proto/bundle.ts';
import type { TensorShapeProto } from './proto/tensor.ts';
import { int64ToNumber } from './proto/int64.ts';
import { readTable } from './sstable_reader.ts';
import { maskedCrc32c } from './crc32c.ts';
import { dataTypeName, dtypeFromEnum, dtypeWidth, shapeSize, valuesFromBytes } from './dtype.ts';
import type { DType, TensorValues } from './dtype.ts';
import { decodeBundleStrings } from './bundle_strings.ts';
import { FormatError } from './errors.ts';

/** Whole-file reader supplied by the host, e.g. `Platform.readFile`. */
export type ReadFile = (path: string) => Promise<Uint8Array>;

/** What the index says about one tensor. */
export interface CheckpointEntry {
  name: string;
  /** Undefined when the DataType is one we cannot decode (see `dataType`). */
  dtype: DType | undefined;
  /** TF's DataType name, e.g. "DT_FLOAT". */
  dataType: string;
  shape: number[];
  shardId: number;
  offset: number;
  size: number;
  /** Masked CRC32C of the tensor's bytes. */
  crc32c: number;
  /** Number of slices for a partitioned variable (0 for ordinary tensors). */
  slices: number;
}

/** A tensor read from a checkpoint. */
export interface CheckpointTensor {
  name: string;
  dtype: DType;
  shape: number[];
  values: TensorValues;
}

/** File name of data shard `shard` of `numShards` for a checkpoint prefix. */
export function shardPath(prefix: string, shard: number, numShards: number): string {
  const pad = (n: number) => String(n).padStart(5, '0');
  return `${prefix}.data-${pad(shard)}-of-${pad(numShards)}`;
}

/** Dimension sizes of a TensorShapeProto (-1 for unknown dims). */
export function shapeFromProto(shape: TensorShapeProto | null | undefined): number[] {
  return (shape?.dim ?? []).map((d) => (d.size === undefined ? 0 : int64ToNumber(d.size, 'dimension')));
}

function toEntry(name: string, proto: BundleEntryProto): CheckpointEntry {
  const dtypeEnum = proto.dtype ?? 0;
  return {
    name,
    dtype: dtypeFromEnum(dtypeEnum),
    dataType: dataTypeName(dtypeEnum),
    shape: shapeFromProto(proto.shape),
    shardId: proto.shardId ?? 0,
    offset: int64ToNumber(proto.offset ?? 0, `${name} offset`),
    size: int64ToNumber(proto.size ?? 0, `${name} size`),
    crc32c: proto.crc32c ?? 0,
    slices: proto.slices?.length ?? 0,
  };
}

/** An opened checkpoint: the index is parsed, tensor data is read lazily. */
export class CheckpointReader {
  private readonly shards = new Map<number, Promise<Uint8Array>>();

  private constructor(
    /** The checkpoint prefix, e.g. "model_dir/model.ckpt-1000". */
    readonly prefix: string,
    /** Header fields: shard count and producer version. */
    readonly header: { numShards: number; producer: number },
    private readonly entries: Map<string, CheckpointEntry>,
    private readonly readFile: ReadFile,
  ) {}

  /** Opens `<prefix>.index` and parses every entry. */
  static async open(prefix: string, readFile: ReadFile): Promise<CheckpointReader> {
    const indexPath = `${prefix}.index`;
    const table = readTable(await readFile(indexPath), indexPath);
    if (table.length === 0 || table[0].key.byteLength !== 0) throw new FormatError(indexPath, 'has no bundle header entry (empty key)');
    const header: BundleHeaderProto = BundleHeaderCodec.decode(table[0].value, `${indexPath} header`);
    if (header.endianness === 1) throw new FormatError(indexPath, 'big-endian checkpoints are not supported');
    const numShards = header.numShards ?? 0;
    const decoder = new TextDecoder();
    const entries = new Map<string, CheckpointEntry>();
    for (const { key, value } of table.slice(1)) {
      const name = decoder.decode(key);
      const entry = toEntry(name, BundleEntryCodec.decode(value, `${indexPath} entry '${name}'`));
      if (entry.slices === 0 && entry.shardId >= numShards) {
        throw new FormatError(indexPath, `entry '${name}' is in shard ${entry.shardId} but the header says ${numShards} shard(s)`);
      }
      entries.set(name, entry);
    }
    return new CheckpointReader(prefix, { numShards, producer: header.version?.producer ?? 0 }, entries, readFile);
  }

  /** Every tensor's index entry, in key (byte) order. */
  list(): CheckpointEntry[] {
    return [...this.entries.values()];
  }

  /** Whether the checkpoint holds `name`. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The index entry of `name`; throws naming the checkpoint when absent. */
  entry(name: string): CheckpointEntry {
    const e = this.entries.get(name);
    if (!e) throw new Error(`checkpoint ${this.prefix} has no tensor '${name}'`);
    return e;
  }

  private shard(id: number): Promise<Uint8Array> {
    let bytes = this.shards.get(id);
    if (!bytes) {
      bytes = this.readFile(shardPath(this.prefix, id, this.header.numShards));
      this.shards.set(id, bytes);
    }
    return bytes;
  }

  /** Reads one tensor, verifying its size and CRC32C. */
  async read(name: string): Promise<CheckpointTensor> {
    const e = this.entry(name);
    const file = shardPath(this.prefix, e.shardId, this.header.numShards);
    if (e.slices > 0)
      throw new FormatError(file, `'${name}' is a partitioned variable (${e.slices} slices); reading those is not supported`);
    if (!e.dtype) throw new FormatError(file, `'${name}' has dtype ${e.dataType}, which we cannot decode`);
    const shard = await this.shard(e.shardId);
    if (e.offset + e.size > shard.byteLength) {
      throw new FormatError(file, `tensor '${name}' (${e.size} bytes) runs past the end of the file (${shard.byteLength} bytes)`, e.offset);
    }
    const bytes = shard.subarray(e.offset, e.offset + e.size);
    const count = shapeSize(e.shape);
    if (e.dtype === 'string') {
      const decoded = decodeBundleStrings(bytes, count);
      if ('problem' in decoded) throw new FormatError(file, `string tensor '${name}': ${decoded.problem}`, e.offset);
      if (decoded.crc !== e.crc32c) throw new FormatError(file, `tensor '${name}': checksum mismatch`, e.offset);
      return { name, dtype: e.dtype, shape: e.shape, values: decoded.values.map((v) => v.slice()) };
    }
    const expected = count * dtypeWidth(e.dtype);
    if (e.size !== expected) {
      throw new FormatError(file, `tensor '${name}' has ${e.size} bytes but shape [${e.shape}] of ${e.dtype} needs ${expected}`, e.offset);
    }
    if (maskedCrc32c(bytes) !== e.crc32c) throw new FormatError(file, `tensor '${name}': checksum mismatch`, e.offset);
    return { name, dtype: e.dtype, shape: e.shape, values: valuesFromBytes(e.dtype, bytes) };
  }

  /** Reads every tensor (in key order). */
  async readAll(): Promise<CheckpointTensor[]> {
    const out: CheckpointTensor[] = [];
    for (const name of this.entries.keys()) out.push(await this.read(name));
    return out;
  }
}

/** Reads a whole checkpoint at once: tensor name → tensor (for lazy access use CheckpointReader). */
export async function readCheckpoint(prefix: string, readFile: ReadFile): Promise<Map<string, CheckpointTensor>> {
  const reader = await CheckpointReader.open(prefix, readFile);
  return new Map((await reader.readAll()).map((t) => [t.name, t]));
}
