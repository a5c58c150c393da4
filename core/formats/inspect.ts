/**
 * Works out what a path holds — a checkpoint (prefix, `.index`, data shard, `checkpoint` file
 * or model dir), a SavedModel, an event file or a TFRecord file (each record a tf.Example, a
 * tf.SequenceExample or other bytes, told apart by {@link recordKind}) — and describes it
 * as a JSON-ready object. `s3dg inspect` prints it; the web app can show it too.
 */
import type { Platform } from '../platform.ts';
import { CheckpointReader } from './checkpoint_reader.ts';
import { latestCheckpoint } from './checkpoint_state.ts';
import { describeMetaGraph, readSavedModelDir } from './saved_model_reader.ts';
import type { MetaGraph, Signature } from './saved_model_reader.ts';
import { MetaGraphDefCodec } from './proto/saved_model.ts';
import { readEvents } from './event_reader.ts';
import { parseTFRecords, readTFRecords } from './tfrecord_reader.ts';
import { encodeTFRecords } from './tfrecord_writer.ts';
import { decodeExample, decodeSequenceExample, type Example, type Feature } from './example.ts';
import { recordKind } from './record_kind.ts';
import { jsonValues, shortFloat32 } from './json_values.ts';
import type { JsonValue } from './json_values.ts';
import { FormatError } from './errors.ts';

/** Options for {@link inspectPath}. */
export interface InspectOptions {
  /** Include every value of every tensor / feature / scalar series instead of the leading few. */
  values?: boolean;
}

/** One checkpoint tensor. `values` holds the first few values, or all with `values: true`. */
export interface TensorSummary {
  name: string;
  dtype: string;
  shape: number[];
  bytes: number;
  values: JsonValue[];
}

/** A MetaGraphDef, summarised: node count per op, signatures, collection names. */
export interface MetaGraphSummary {
  tags: string[];
  tensorflowVersion: string;
  producer: number;
  nodes: number;
  ops: Record<string, number>;
  functions: number;
  objectGraph: boolean;
  saver: boolean;
  collections: string[];
  signatures: Record<string, Signature>;
}

/** One tag of an event file: value kind (plus plugin), how often and when it was written. */
export interface EventTagSummary {
  tag: string;
  kind: string;
  count: number;
  firstStep: number;
  lastStep: number;
  /** Last scalar value. */
  last?: number;
  /** Every (step, value) of a scalar tag, with `values: true`. */
  series?: Array<[number, number]>;
}

/** One tf.Example feature: its kind, list length and leading (or all) values. */
export interface FeatureSummary {
  key: string;
  kind: string;
  length: number;
  values: JsonValue[];
}

/** One feature list of a tf.SequenceExample: how many steps, and the leading (or all) steps. */
export interface FeatureListSummary {
  key: string;
  steps: number;
  features: Omit<FeatureSummary, 'key'>[];
}

/** One TFRecord record, by what its bytes are ({@link recordKind}). */
export type RecordSummary =
  | { record: number; kind: 'example'; features: FeatureSummary[] }
  | { record: number; kind: 'sequence_example'; context: FeatureSummary[]; featureLists: FeatureListSummary[] }
  /** Other bytes: their length and the leading bytes as text when printable, else as `hex:…`. */
  | { record: number; kind: 'raw'; length: number; preview: JsonValue };

/** What `inspectPath` found. */
export type Inspection =
  | { kind: 'checkpoint'; prefix: string; shards: number; parameters: number; tensors: TensorSummary[] }
  | { kind: 'saved_model'; dir: string; schemaVersion: number; metaGraphs: MetaGraphSummary[]; variables: TensorSummary[] | null }
  | { kind: 'meta_graph'; file: string; metaGraph: MetaGraphSummary }
  | {
      kind: 'events';
      file: string;
      events: number;
      fileVersion: string;
      steps: [number, number] | null;
      graphs: number;
      sessionLogs: Record<string, number>;
      tags: EventTagSummary[];
      /** A cut-off last record (a writer killed or out of disk), skipped as TensorBoard does. */
      warnings: string[];
    }
  | {
      kind: 'tfrecord';
      file: string;
      compression: 'NONE' | 'GZIP';
      records: number;
      /** How many records are of each kind. */
      kinds: Record<RecordSummary['kind'], number>;
      items: RecordSummary[];
    };

const LEADING = 4;

async function describeTensors(reader: CheckpointReader, options: InspectOptions): Promise<TensorSummary[]> {
  const out: TensorSummary[] = [];
  for (const e of reader.list()) {
    const canRead = e.dtype !== undefined && e.slices === 0;
    const values = canRead ? jsonValues((await reader.read(e.name)).values, options.values ? Infinity : LEADING) : [];
    out.push({ name: e.name, dtype: e.dtype ?? e.dataType, shape: e.shape, bytes: e.size, values });
  }
  return out;
}

function isCheckpointDataFile(path: string): boolean {
  return /\.data-\d{5}-of-\d{5}$/.test(path);
}

function baseName(path: string): string {
  return (
    path
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? path
  );
}

function dirName(path: string): string {
  const cut = path.replace(/[\\/]+$/, '').search(/[\\/][^\\/]*$/);
  return cut <= 0 ? (cut === 0 ? '/' : '.') : path.slice(0, cut);
}

async function checkpointInspection(prefix: string, platform: Platform, options: InspectOptions): Promise<Inspection> {
  const reader = await CheckpointReader.open(prefix, (p) => platform.readFile(p));
  const tensors = await describeTensors(reader, options);
  const parameters = reader.list().reduce((n, e) => n + (e.dtype === 'string' ? 0 : e.shape.reduce((a, b) => a * b, 1)), 0);
  return { kind: 'checkpoint', prefix, shards: reader.header.numShards, parameters, tensors };
}

function metaGraphSummary(g: MetaGraph): MetaGraphSummary {
  const ops: Record<string, number> = {};
  for (const n of g.nodes) ops[n.op] = (ops[n.op] ?? 0) + 1;
  return {
    tags: g.tags,
    tensorflowVersion: g.tensorflowVersion,
    producer: g.producer,
    nodes: g.nodes.length,
    ops,
    functions: g.functions.length,
    objectGraph: g.hasObjectGraph,
    saver: g.saver !== undefined,
    collections: Object.keys(g.collections),
    signatures: g.signatures,
  };
}

async function savedModelInspection(dir: string, platform: Platform, options: InspectOptions): Promise<Inspection> {
  const sm = await readSavedModelDir(dir, platform);
  const metaGraphs = sm.model.metaGraphs.map(metaGraphSummary);
  const variables = sm.variables ? await describeTensors(sm.variables, options) : null;
  return { kind: 'saved_model', dir, schemaVersion: sm.model.schemaVersion, metaGraphs, variables };
}

async function eventsInspection(file: string, bytes: Uint8Array, options: InspectOptions): Promise<Inspection> {
  const tags = new Map<string, EventTagSummary>();
  const sessionLogs: Record<string, number> = {};
  let events = 0;
  let graphs = 0;
  let fileVersion = '';
  let steps: [number, number] | null = null;
  const warnings: string[] = [];
  const onTruncatedEnd = (problem: Error) => warnings.push(`${problem.message}; the events before it are shown`);
  for await (const e of readEvents(bytes, { source: file, onTruncatedEnd })) {
    events++;
    if (e.kind === 'fileVersion') fileVersion = e.fileVersion ?? '';
    if (e.kind === 'graphDef' || e.kind === 'metaGraphDef') graphs++;
    if (e.sessionLog) sessionLogs[e.sessionLog.status] = (sessionLogs[e.sessionLog.status] ?? 0) + 1;
    for (const v of e.summary ?? []) {
      steps = steps ? [Math.min(steps[0], e.step), Math.max(steps[1], e.step)] : [e.step, e.step];
      let t = tags.get(v.tag);
      if (!t) {
        t = { tag: v.tag, kind: v.pluginName ? `${v.kind}:${v.pluginName}` : v.kind, count: 0, firstStep: e.step, lastStep: e.step };
        tags.set(v.tag, t);
      }
      t.count++;
      t.lastStep = e.step;
      if (v.kind === 'scalar') {
        t.last = shortFloat32(v.value);
        if (options.values) {
          t.series ??= [];
          t.series.push([e.step, t.last]);
        }
      }
    }
  }
  if (fileVersion === '') throw new FormatError(file, 'is a TFRecord file but not an event file (no file_version event)');
  return { kind: 'events', file, events, fileVersion, steps, graphs, sessionLogs, tags: [...tags.values()], warnings };
}

function featureValues(f: Feature, options: InspectOptions): Omit<FeatureSummary, 'key'> {
  const limit = options.values ? Infinity : LEADING;
  const values = f.kind === 'bytes' ? f.value.slice(0, limit).map((v) => jsonValues([v], 1)[0]) : jsonValues(f.value, limit);
  return { kind: f.kind, length: f.value.length, values };
}

function featureSummaries(features: Example, options: InspectOptions): FeatureSummary[] {
  return Object.keys(features)
    .sort()
    .map((key) => ({ key, ...featureValues(features[key], options) }));
}

function recordSummary(bytes: Uint8Array, record: number, source: string, options: InspectOptions): RecordSummary {
  const kind = recordKind(bytes);
  if (kind === 'example') return { record, kind, features: featureSummaries(decodeExample(bytes, source), options) };
  if (kind === 'sequence_example') {
    const seq = decodeSequenceExample(bytes, source);
    const featureLists = Object.keys(seq.featureLists)
      .sort()
      .map((key): FeatureListSummary => {
        const steps = seq.featureLists[key];
        const shown = steps.slice(0, options.values ? Infinity : LEADING);
        return { key, steps: steps.length, features: shown.map((f) => featureValues(f, options)) };
      });
    return { record, kind, context: featureSummaries(seq.context, options), featureLists };
  }
  return { record, kind, length: bytes.byteLength, preview: jsonValues([bytes], 1)[0] };
}

function tfrecordInspection(file: string, bytes: Uint8Array, compression: 'NONE' | 'GZIP', options: InspectOptions): Inspection {
  const items: RecordSummary[] = [];
  const kinds: Record<RecordSummary['kind'], number> = { example: 0, sequence_example: 0, raw: 0 };
  for (const r of parseTFRecords(bytes, { source: file })) {
    const item = recordSummary(r, items.length, `${file} record ${items.length}`, options);
    kinds[item.kind]++;
    items.push(item);
  }
  return { kind: 'tfrecord', file, compression, records: items.length, kinds, items };
}

/** True when the bytes start with a TFRecord header whose length CRC checks out. */
function looksLikeTFRecord(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 16) return bytes.byteLength === 0;
  try {
    parseTFRecords(bytes.subarray(0, 12 + 4), { source: '' }).next();
  } catch (e) {
    return !/length checksum|implausible/.test((e as Error).message);
  }
  return true;
}

/** What inspect holds of a GZIP file's records at most: more is refused, not allocated. */
const MAX_INSPECTED_BYTES = 1 << 30;

/**
 * A GZIP TFRecord's records, decompressed as a stream and checked record by record, so that a
 * file that is not one (a gzip bomb of zeros fails the first header) or is too large for memory
 * is refused before it is inflated.
 */
async function gunzipRecords(bytes: Uint8Array, path: string): Promise<Uint8Array> {
  const records: Uint8Array[] = [];
  let total = 0;
  for await (const r of readTFRecords(bytes, { source: path, compression: 'GZIP' })) {
    total += r.byteLength;
    if (total > MAX_INSPECTED_BYTES) {
      throw new FormatError(path, `decompresses to more than ${MAX_INSPECTED_BYTES / 2 ** 20} MiB of records: too large to inspect`);
    }
    records.push(r.slice());
  }
  return encodeTFRecords(records);
}

async function fileInspection(path: string, platform: Platform, options: InspectOptions): Promise<Inspection> {
  const name = baseName(path);
  if (name === 'checkpoint') {
    const prefix = await latestCheckpoint(dirName(path), platform);
    if (!prefix) throw new FormatError(path, 'cannot read the checkpoint state file');
    return checkpointInspection(prefix, platform, options);
  }
  if (name === 'saved_model.pb' || name === 'saved_model.pbtxt') return savedModelInspection(dirName(path), platform, options);
  if (path.endsWith('.index')) return checkpointInspection(path.slice(0, -'.index'.length), platform, options);
  if (isCheckpointDataFile(path)) return checkpointInspection(path.replace(/\.data-\d{5}-of-\d{5}$/, ''), platform, options);
  let bytes = await platform.readFile(path);
  if (name.endsWith('.meta')) {
    return { kind: 'meta_graph', file: path, metaGraph: metaGraphSummary(describeMetaGraph(MetaGraphDefCodec.decode(bytes, path))) };
  }
  let compression: 'NONE' | 'GZIP' = 'NONE';
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    bytes = await gunzipRecords(bytes, path);
    compression = 'GZIP';
  }
  if (!looksLikeTFRecord(bytes)) {
    throw new FormatError(path, 'is not a checkpoint, SavedModel, event file or TFRecord file (first record header does not check out)');
  }
  if (name.includes('tfevents')) return eventsInspection(path, bytes, options);
  const first = parseTFRecords(bytes, { source: path }).next();
  if (!first.done && new TextDecoder().decode(first.value.subarray(0, 64)).includes('brain.Event:'))
    return eventsInspection(path, bytes, options);
  return tfrecordInspection(path, bytes, compression, options);
}

/**
 * Describes whatever `path` holds. Directories: a SavedModel (saved_model.pb), a model dir
 * (its `checkpoint` file's latest prefix) or a run dir (its event files, first one). Files: a
 * checkpoint prefix/.index/.data shard, a checkpoint's `.meta` MetaGraphDef, an event file,
 * or a (GZIP) TFRecord file of tf.Examples, tf.SequenceExamples or other records.
 * Anything else throws an Error saying what the path is not.
 */
export async function inspectPath(path: string, platform: Platform, options: InspectOptions = {}): Promise<Inspection> {
  if (await platform.exists(`${path}.index`)) return checkpointInspection(path, platform, options);
  if (!(await platform.exists(path))) throw new Error(`${path}: no such file, directory or checkpoint prefix`);
  // listDir fails on a file (Node: ENOTDIR), which is how a file is told from a directory.
  const entries = await platform.listDir(path).catch(() => null);
  if (entries === null) return fileInspection(path, platform, options);
  if (entries.includes('saved_model.pb') || entries.includes('saved_model.pbtxt')) return savedModelInspection(path, platform, options);
  const latest = await latestCheckpoint(path, platform);
  if (latest) return checkpointInspection(latest, platform, options);
  const events = entries.filter((e) => e.includes('tfevents'));
  if (events.length > 0) return fileInspection(platform.join(path, events[0]), platform, options);
  throw new Error(`${path}: directory holds no SavedModel (saved_model.pb), checkpoint file or event file`);
}
