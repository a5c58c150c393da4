/**
 * Reads a SavedModel directory: `saved_model.pb` → its MetaGraphDefs (tags, signatures,
 * graph nodes, function library, saver, collections) and, when present, the
 * `variables/variables` checkpoint (opened lazily through CheckpointReader).
 */
import type { Platform } from '../platform.ts';
import { SavedModelCodec } from './proto/saved_model.ts';
import type { MetaGraphDefProto, SavedModelProto, TensorInfoProto } from './proto/saved_model.ts';
import type { AttrValueProto } from './proto/graph.ts';
import type { TensorShapeProto } from './proto/tensor.ts';
import { int64ToNumber } from './proto/int64.ts';
import { CheckpointReader, shapeFromProto } from './checkpoint_reader.ts';
import { dataTypeName } from './dtype.ts';
import { FormatError } from './errors.ts';

/** A signature input or output. `shape` is null when the rank is unknown; -1 marks an unknown dim. */
export interface TensorSpec {
  name: string;
  dtype: string;
  shape: number[] | null;
}

/** A SignatureDef in plain form. */
export interface Signature {
  methodName: string;
  inputs: Record<string, TensorSpec>;
  outputs: Record<string, TensorSpec>;
}

/** A graph node in plain form (attrs kept as decoded protos). */
export interface GraphNode {
  name: string;
  op: string;
  inputs: string[];
  device: string;
  attrs: Record<string, AttrValueProto>;
}

/** One MetaGraphDef, summarised. */
export interface MetaGraph {
  tags: string[];
  tensorflowVersion: string;
  tensorflowGitVersion: string;
  strippedDefaultAttrs: boolean;
  /** GraphDef versions.producer (0 when absent). */
  producer: number;
  minConsumer: number;
  signatures: Record<string, Signature>;
  nodes: GraphNode[];
  /** Names of the functions in the graph's function library (TF2 graphs have many). */
  functions: string[];
  /** TF2 object-based SavedModels carry an object graph. */
  hasObjectGraph: boolean;
  saver?: {
    filenameTensorName: string;
    saveTensorName: string;
    restoreOpName: string;
    maxToKeep: number;
    sharded: boolean;
    keepCheckpointEveryNHours: number;
    version: 'LEGACY' | 'V1' | 'V2';
  };
  /** Collection name → its kind and entries (node names, or a count for bytes/any lists). */
  collections: Record<string, { kind: string; size: number; nodes?: string[] }>;
  assets: Array<{ filename: string; tensorName: string }>;
  /** The raw decoded proto, for callers that need everything. */
  proto: MetaGraphDefProto;
}

/** A parsed SavedModel. */
export interface SavedModel {
  schemaVersion: number;
  metaGraphs: MetaGraph[];
}

/** Plain shape of a TensorShapeProto: null for unknown rank. */
export function shapeOrUnknown(shape: TensorShapeProto | null | undefined): number[] | null {
  if (!shape || shape.unknownRank) return null;
  return shapeFromProto(shape);
}

function tensorSpec(info: TensorInfoProto): TensorSpec {
  let name = info.name ?? '';
  if (info.encoding === 'cooSparse') name = `sparse(${info.cooSparse?.valuesTensorName ?? ''})`;
  if (info.encoding === 'compositeTensor') name = `composite(${(info.compositeTensor?.components ?? []).map((c) => c.name).join(', ')})`;
  return { name, dtype: dataTypeName(info.dtype ?? 0), shape: info.tensorShape ? shapeOrUnknown(info.tensorShape) : null };
}

/** A proto map's entries, by key. */
function sortedEntries<V>(map: Record<string, V> | undefined | null): Array<[string, V]> {
  return Object.entries(map ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function specs(map: Record<string, TensorInfoProto> | undefined): Record<string, TensorSpec> {
  const out: Record<string, TensorSpec> = {};
  for (const [key, info] of sortedEntries(map)) out[key] = tensorSpec(info);
  return out;
}

function metaGraph(proto: MetaGraphDefProto): MetaGraph {
  const info = proto.metaInfoDef;
  const graph = proto.graphDef;
  const signatures: Record<string, Signature> = {};
  for (const [key, s] of sortedEntries(proto.signatureDef)) {
    signatures[key] = { methodName: s.methodName ?? '', inputs: specs(s.inputs), outputs: specs(s.outputs) };
  }
  const collections: MetaGraph['collections'] = {};
  for (const [key, c] of sortedEntries(proto.collectionDef)) {
    const kind = c.kind ?? 'empty';
    const list = c.nodeList ?? c.bytesList ?? c.int64List ?? c.floatList ?? c.anyList;
    collections[key] = { kind, size: list?.value?.length ?? 0, ...(c.nodeList ? { nodes: c.nodeList.value ?? [] } : {}) };
  }
  const s = proto.saverDef;
  return {
    tags: info?.tags ?? [],
    tensorflowVersion: info?.tensorflowVersion ?? '',
    tensorflowGitVersion: info?.tensorflowGitVersion ?? '',
    strippedDefaultAttrs: info?.strippedDefaultAttrs ?? false,
    producer: graph?.versions?.producer ?? 0,
    minConsumer: graph?.versions?.minConsumer ?? 0,
    signatures,
    nodes: (graph?.node ?? []).map((n) => ({
      name: n.name ?? '',
      op: n.op ?? '',
      inputs: n.input ?? [],
      device: n.device ?? '',
      attrs: n.attr ?? {},
    })),
    functions: (graph?.library?.function ?? []).map((f) => f.signature?.name ?? ''),
    hasObjectGraph: proto.objectGraphDef != null,
    saver: s
      ? {
          filenameTensorName: s.filenameTensorName ?? '',
          saveTensorName: s.saveTensorName ?? '',
          restoreOpName: s.restoreOpName ?? '',
          maxToKeep: s.maxToKeep ?? 0,
          sharded: s.sharded ?? false,
          keepCheckpointEveryNHours: s.keepCheckpointEveryNHours ?? 0,
          version: (['LEGACY', 'V1', 'V2'] as const)[s.version ?? 0] ?? 'LEGACY',
        }
      : undefined,
    collections,
    assets: (proto.assetFileDef ?? []).map((a) => ({ filename: a.filename ?? '', tensorName: a.tensorInfo?.name ?? '' })),
    proto,
  };
}

/** Summarises a decoded MetaGraphDef (also what a checkpoint's `.meta` file holds). */
export function describeMetaGraph(proto: MetaGraphDefProto): MetaGraph {
  return metaGraph(proto);
}

/** Parses `saved_model.pb` bytes; `source` names the file in errors. */
export function parseSavedModel(bytes: Uint8Array, source = 'saved_model.pb'): SavedModel {
  const proto: SavedModelProto = SavedModelCodec.decode(bytes, source);
  const metaGraphs = (proto.metaGraphs ?? []).map(metaGraph);
  if (metaGraphs.length === 0) throw new FormatError(source, 'holds no MetaGraphDef (is it really a saved_model.pb?)');
  return { schemaVersion: int64ToNumber(proto.savedModelSchemaVersion ?? 0, 'schema version'), metaGraphs };
}

/** A SavedModel directory: the parsed model and its variables checkpoint, if it has one. */
export interface SavedModelDir {
  dir: string;
  model: SavedModel;
  /** Reader over `variables/variables`; undefined when the model has no variables index. */
  variables?: CheckpointReader;
}

/** Reads a SavedModel directory through the platform (binary saved_model.pb only). */
export async function readSavedModelDir(dir: string, platform: Pick<Platform, 'readFile' | 'exists' | 'join'>): Promise<SavedModelDir> {
  const pb = platform.join(dir, 'saved_model.pb');
  if (!(await platform.exists(pb))) {
    if (await platform.exists(platform.join(dir, 'saved_model.pbtxt'))) {
      throw new FormatError(
        platform.join(dir, 'saved_model.pbtxt'),
        'text-format SavedModels are not supported; re-save it in binary form',
      );
    }
    throw new FormatError(dir, 'is not a SavedModel directory (no saved_model.pb)');
  }
  const model = parseSavedModel(await platform.readFile(pb), pb);
  const prefix = platform.join(dir, 'variables', 'variables');
  const variables = (await platform.exists(`${prefix}.index`))
    ? await CheckpointReader.open(prefix, (p) => platform.readFile(p))
    : undefined;
  return { dir, model, variables };
}

/** Finds the MetaGraph whose tag set equals `tags` (order-insensitive), as loaders do. */
export function metaGraphByTags(model: SavedModel, tags: readonly string[]): MetaGraph | undefined {
  const want = [...tags].sort().join(',');
  return model.metaGraphs.find((m) => [...m.tags].sort().join(',') === want);
}
