/**
 * Writes a single-shard TF checkpoint (tensor bundle V2) whose bytes match what TF's
 * BundleWriter produces for the same tensors: the data file holds tensors in the order given,
 * the index holds the header and one BundleEntryProto per tensor in key order.
 */
import { BundleEntryCodec, BundleHeaderCodec } from './proto/bundle.ts';
import type { BundleEntryProto } from './proto/bundle.ts';
import { toInt64Wire } from './proto/int64.ts';
import { writeTable } from './sstable_writer.ts';
import { maskedCrc32c } from './crc32c.ts';
import { bytesOfValues, dtypeToEnum, dtypeWidth, shapeSize } from './dtype.ts';
import type { DType, TensorValues } from './dtype.ts';
import { encodeBundleStrings } from './bundle_strings.ts';
import { shardPath } from './checkpoint_reader.ts';

/** A tensor to save: values flat in row-major order, in the typed array that matches `dtype`. */
export interface NamedTensor {
  name: string;
  dtype: DType;
  shape: readonly number[];
  values: TensorValues;
}

/** The two files of a single-shard checkpoint. */
export interface CheckpointFiles {
  index: Uint8Array;
  data: Uint8Array;
}

type ArrayCtor = { new (n: number): Exclude<TensorValues, Uint8Array[]>; name: string };
const ARRAY_OF: Record<Exclude<DType, 'string'>, ArrayCtor> = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  bfloat16: Uint16Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

/** The tensor's bytes in the data file and its masked CRC; throws naming the tensor when values and dtype/shape disagree. */
function tensorBytes(t: NamedTensor): { bytes: Uint8Array; crc: number } {
  const count = shapeSize(t.shape);
  if (t.shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`tensor '${t.name}': bad shape [${t.shape}]`);
  if (t.values.length !== count)
    throw new Error(`tensor '${t.name}': ${t.values.length} values for shape [${t.shape}] (${count} elements)`);
  if (t.dtype === 'string') {
    if (!Array.isArray(t.values)) throw new Error(`tensor '${t.name}': string values must be an array of Uint8Array`);
    return encodeBundleStrings(t.values);
  }
  if (Array.isArray(t.values) || !(t.values instanceof ARRAY_OF[t.dtype])) {
    throw new Error(`tensor '${t.name}': ${t.dtype} values must be a ${ARRAY_OF[t.dtype].name}`);
  }
  const bytes = bytesOfValues(t.values);
  if (bytes.byteLength !== count * dtypeWidth(t.dtype)) throw new Error(`tensor '${t.name}': wrong byte size`);
  return { bytes, crc: maskedCrc32c(bytes) };
}

function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.byteLength - b.byteLength;
}

/** Builds the `.index` and `.data-00000-of-00001` bytes for `tensors` (names must be unique). */
export function writeCheckpoint(tensors: readonly NamedTensor[]): CheckpointFiles {
  const encoder = new TextEncoder();
  const entries: Array<{ key: Uint8Array; value: Uint8Array }> = [];
  const parts: Uint8Array[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const t of tensors) {
    if (t.name === '') throw new Error('tensor names must not be empty (the empty key holds the bundle header)');
    if (seen.has(t.name)) throw new Error(`tensor '${t.name}' is listed twice`);
    seen.add(t.name);
    const { bytes, crc } = tensorBytes(t);
    // proto3: leave fields at their default unset, as TF does (shard 0, offset 0, size 0).
    const entry: BundleEntryProto = {
      dtype: dtypeToEnum(t.dtype),
      shape: { dim: t.shape.map((d) => (d === 0 ? {} : { size: toInt64Wire(d) })) },
    };
    if (offset !== 0) entry.offset = toInt64Wire(offset);
    if (bytes.byteLength !== 0) entry.size = toInt64Wire(bytes.byteLength);
    if (crc !== 0) entry.crc32c = crc;
    entries.push({ key: encoder.encode(t.name), value: BundleEntryCodec.encode(entry) });
    parts.push(bytes);
    offset += bytes.byteLength;
  }
  entries.sort((a, b) => compareKeys(a.key, b.key));
  const header = { key: new Uint8Array(0), value: BundleHeaderCodec.encode({ numShards: 1, version: { producer: 1 } }) };
  const data = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.byteLength;
  }
  return { index: writeTable([header, ...entries]), data };
}

/** Where the files of a single-shard checkpoint `prefix` go. */
export function checkpointPaths(prefix: string): { index: string; data: string } {
  return { index: `${prefix}.index`, data: shardPath(prefix, 0, 1) };
}

/**
 * Saves a checkpoint through `writeFileAtomic` (e.g. Platform's): data first, then the index,
 * so a reader never finds an index whose data is missing.
 */
export async function saveCheckpoint(
  writeFileAtomic: (path: string, data: Uint8Array) => Promise<void>,
  prefix: string,
  tensors: readonly NamedTensor[],
): Promise<void> {
  const files = writeCheckpoint(tensors);
  const paths = checkpointPaths(prefix);
  await writeFileAtomic(paths.data, files.data);
  await writeFileAtomic(paths.index, files.index);
}
