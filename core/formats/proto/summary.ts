/**
 * TensorBoard event-file protos: Event, Summary (+ Value, Image, Audio), HistogramProto,
 * SummaryMetadata, SessionLog (our own minimal schema text, TF field numbers).
 */
import { codec, defineSchema } from './root.ts';
import './tensor.ts';
import type { Int64Wire } from './int64.ts';
import type { TensorProto } from './tensor.ts';

defineSchema(`
syntax = "proto3";
package tensorflow;
message HistogramProto {
  double min = 1; double max = 2; double num = 3; double sum = 4; double sum_squares = 5;
  repeated double bucket_limit = 6 [packed = true];
  repeated double bucket = 7 [packed = true];
}
message SummaryMetadata {
  message PluginData { string plugin_name = 1; bytes content = 2; }
  PluginData plugin_data = 1;
  string display_name = 2;
  string summary_description = 3;
  int32 data_class = 4;
}
message Summary {
  message Image { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; }
  message Audio { float sample_rate = 1; int64 num_channels = 2; int64 length_frames = 3; bytes encoded_audio_string = 4; string content_type = 5; }
  message Value {
    string node_name = 7;
    string tag = 1;
    SummaryMetadata metadata = 9;
    oneof value {
      float simple_value = 2;
      bytes obsolete_old_style_histogram = 3;
      Image image = 4;
      HistogramProto histo = 5;
      Audio audio = 6;
      TensorProto tensor = 8;
    }
  }
  repeated Value value = 1;
}
message LogMessage { int32 level = 1; string message = 2; }
message SessionLog {
  enum SessionStatus { STATUS_UNSPECIFIED = 0; START = 1; STOP = 2; CHECKPOINT = 3; }
  SessionStatus status = 1;
  string checkpoint_path = 2;
  string msg = 3;
}
message TaggedRunMetadata { string tag = 1; bytes run_metadata = 2; }
message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    bytes graph_def = 4;
    Summary summary = 5;
    LogMessage log_message = 6;
    SessionLog session_log = 7;
    TaggedRunMetadata tagged_run_metadata = 8;
    bytes meta_graph_def = 9;
  }
}
`);

/** HistogramProto: bucket i counts values in [bucketLimit[i-1], bucketLimit[i]). */
export interface HistogramProto {
  min?: number;
  max?: number;
  num?: number;
  sum?: number;
  sumSquares?: number;
  bucketLimit?: number[];
  bucket?: number[];
}

/** Which TensorBoard plugin reads a value, and how. */
export interface SummaryMetadataProto {
  pluginData?: { pluginName?: string; content?: Uint8Array } | null;
  displayName?: string;
  summaryDescription?: string;
  /** 0 unknown, 1 scalar, 2 tensor, 3 blob sequence. */
  dataClass?: number;
}

/** Summary.Image: colorspace 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
export interface SummaryImageProto {
  height?: number;
  width?: number;
  colorspace?: number;
  encodedImageString?: Uint8Array;
}

/** One tagged value of a Summary; exactly one of the value fields is set. */
export interface SummaryValueProto {
  nodeName?: string;
  tag?: string;
  metadata?: SummaryMetadataProto | null;
  simpleValue?: number;
  image?: SummaryImageProto | null;
  histo?: HistogramProto | null;
  audio?: {
    sampleRate?: number;
    numChannels?: Int64Wire;
    lengthFrames?: Int64Wire;
    encodedAudioString?: Uint8Array;
    contentType?: string;
  } | null;
  tensor?: TensorProto | null;
  /** Set by protobufjs on decode: the name of the oneof field present. */
  value?: string;
}

/** SessionLog status values. */
export const SessionStatus = { STATUS_UNSPECIFIED: 0, START: 1, STOP: 2, CHECKPOINT: 3 } as const;

/** SessionLog: training start/stop and checkpoint markers. */
export interface SessionLogProto {
  status?: number;
  checkpointPath?: string;
  msg?: string;
}

/** One record of an event file; exactly one of the `what` fields is set. */
export interface EventProto {
  wallTime?: number;
  step?: Int64Wire;
  fileVersion?: string;
  graphDef?: Uint8Array;
  summary?: { value?: SummaryValueProto[] } | null;
  logMessage?: { level?: number; message?: string } | null;
  sessionLog?: SessionLogProto | null;
  taggedRunMetadata?: { tag?: string; runMetadata?: Uint8Array } | null;
  metaGraphDef?: Uint8Array;
  /** Set by protobufjs on decode: the name of the oneof field present. */
  what?: string;
}

/** Codec for Event. */
export const EventCodec = codec<EventProto>('Event');
