/**
 * Reads TensorBoard event files (TFRecord streams of Event protos) into plain objects, for
 * tests, `s3dg inspect` and tools. Every record's CRC is checked by the TFRecord reader.
 */
import { EventCodec } from './proto/summary.ts';
import type { EventProto, HistogramProto, SummaryImageProto, SummaryValueProto } from './proto/summary.ts';
import type { TensorProto } from './proto/tensor.ts';
import { int64ToNumber } from './proto/int64.ts';
import { readTFRecords } from './tfrecord_reader.ts';
import { dataTypeName } from './dtype.ts';

/** What one summary value holds. */
export type SummaryValue =
  | { tag: string; kind: 'scalar'; value: number; pluginName?: string }
  | { tag: string; kind: 'histogram'; histogram: HistogramProto; pluginName?: string }
  | { tag: string; kind: 'image'; image: SummaryImageProto; pluginName?: string }
  | { tag: string; kind: 'tensor'; dtype: string; tensor: TensorProto; pluginName?: string }
  | { tag: string; kind: 'audio' | 'other'; pluginName?: string };

/** One decoded event; `kind` says which of Event's `what` fields it carries. */
export interface EventRecord {
  wallTime: number;
  step: number;
  kind: 'fileVersion' | 'graphDef' | 'metaGraphDef' | 'summary' | 'sessionLog' | 'logMessage' | 'taggedRunMetadata' | 'empty';
  fileVersion?: string;
  /** Serialized GraphDef / MetaGraphDef bytes for those kinds. */
  bytes?: Uint8Array;
  summary?: SummaryValue[];
  sessionLog?: { status: 'STATUS_UNSPECIFIED' | 'START' | 'STOP' | 'CHECKPOINT'; checkpointPath: string; msg: string };
  logMessage?: string;
}

const STATUS = ['STATUS_UNSPECIFIED', 'START', 'STOP', 'CHECKPOINT'] as const;

function summaryValue(v: SummaryValueProto): SummaryValue {
  const tag = v.tag ?? '';
  const pluginName = v.metadata?.pluginData?.pluginName || undefined;
  switch (v.value) {
    case 'simpleValue':
      return { tag, kind: 'scalar', value: v.simpleValue ?? 0, pluginName };
    case 'histo':
      return { tag, kind: 'histogram', histogram: v.histo ?? {}, pluginName };
    case 'image':
      return { tag, kind: 'image', image: v.image ?? {}, pluginName };
    case 'tensor':
      return { tag, kind: 'tensor', dtype: dataTypeName(v.tensor?.dtype ?? 0), tensor: v.tensor ?? {}, pluginName };
    case 'audio':
      return { tag, kind: 'audio', pluginName };
    default:
      return { tag, kind: 'other', pluginName };
  }
}

/** Converts a decoded Event proto into an EventRecord. */
export function eventRecord(e: EventProto): EventRecord {
  const base = { wallTime: e.wallTime ?? 0, step: int64ToNumber(e.step ?? 0, 'step') };
  switch (e.what) {
    case 'fileVersion':
      return { ...base, kind: 'fileVersion', fileVersion: e.fileVersion };
    case 'graphDef':
      return { ...base, kind: 'graphDef', bytes: e.graphDef };
    case 'metaGraphDef':
      return { ...base, kind: 'metaGraphDef', bytes: e.metaGraphDef };
    case 'summary':
      return { ...base, kind: 'summary', summary: (e.summary?.value ?? []).map(summaryValue) };
    case 'sessionLog': {
      const s = e.sessionLog ?? {};
      return {
        ...base,
        kind: 'sessionLog',
        sessionLog: { status: STATUS[s.status ?? 0] ?? 'STATUS_UNSPECIFIED', checkpointPath: s.checkpointPath ?? '', msg: s.msg ?? '' },
      };
    }
    case 'logMessage':
      return { ...base, kind: 'logMessage', logMessage: e.logMessage?.message ?? '' };
    case 'taggedRunMetadata':
      return { ...base, kind: 'taggedRunMetadata' };
    default:
      return { ...base, kind: 'empty' };
  }
}

/**
 * Reads every event of an event file (bytes or chunks); `source` names it in errors. A file that
 * ends inside its last record (a writer killed or out of disk) yields the events before it and
 * reports the cut through `onTruncatedEnd` where given (as TensorBoard skips it); else throws.
 */
export async function* readEvents(
  input: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: { source?: string; onTruncatedEnd?: (problem: Error) => void } = {},
): AsyncGenerator<EventRecord> {
  const source = options.source ?? 'event file';
  let index = 0;
  for await (const record of readTFRecords(input, { source, onTruncatedEnd: options.onTruncatedEnd })) {
    yield eventRecord(EventCodec.decode(record, `${source} record ${index}`));
    index++;
  }
}
