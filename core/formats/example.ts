/**
 * tf.train.Example encode/decode with plain JS values. int64 features decode to `bigint`
 * (exact over the full signed 64-bit range, negatives included); on input a `bigint` or a
 * safe-integer `number` is accepted. Float features are float32 on the wire, so they decode
 * to a Float32Array. Bytes are returned as views into the input buffer (no copy).
 *
 * For s3dg data: `encodeExample({ feature: clipBytes, label: labelBytes })` writes two
 * one-element bytes lists, and `singleBytes(decodeExample(b), 'feature')` reads one back.
 */
import { ExampleCodec, SequenceExampleCodec } from './proto/example.ts';
import type { ExampleProto, FeatureProto, SequenceExampleProto } from './proto/example.ts';
import { int64ToBigInt, toInt64Wire } from './proto/int64.ts';
import { FormatError } from './errors.ts';

/** A decoded feature: its kind and its list of values. */
export type Feature = { kind: 'bytes'; value: Uint8Array[] } | { kind: 'float'; value: Float32Array } | { kind: 'int64'; value: bigint[] };

/** Decoded tf.Example: feature key → feature. */
export type Example = Record<string, Feature>;

/** Decoded tf.SequenceExample: context features, and per key a list of features (one per step). */
export interface SequenceExample {
  context: Example;
  featureLists: Record<string, Feature[]>;
}

/** What encodeExample accepts per key: a Feature, or a Uint8Array as shorthand for one bytes value. */
export type FeatureInput =
  | Uint8Array
  | { kind: 'bytes'; value: Uint8Array[] }
  | { kind: 'float'; value: Float32Array | number[] }
  | { kind: 'int64'; value: Array<bigint | number> | BigInt64Array };

/** A bytes-list feature; strings are UTF-8 encoded. */
export function bytesFeature(...values: Array<Uint8Array | string>): FeatureInput {
  const encoder = new TextEncoder();
  return { kind: 'bytes', value: values.map((v) => (typeof v === 'string' ? encoder.encode(v) : v)) };
}

/** A float-list feature (values are stored as float32). */
export function floatFeature(...values: number[]): FeatureInput {
  return { kind: 'float', value: values };
}

/** An int64-list feature; numbers must be safe integers, use bigint beyond ±2^53. */
export function int64Feature(...values: Array<bigint | number>): FeatureInput {
  return { kind: 'int64', value: values };
}

function toProto(key: string, input: FeatureInput): FeatureProto {
  if (input instanceof Uint8Array) return { bytesList: { value: [input] } };
  switch (input.kind) {
    case 'bytes':
      return { bytesList: { value: input.value } };
    case 'float':
      return { floatList: { value: Array.from(input.value) } };
    case 'int64':
      try {
        return { int64List: { value: Array.from(input.value, toInt64Wire) } };
      } catch (e) {
        throw new RangeError(`feature '${key}': ${(e as Error).message}`);
      }
  }
}

/** Serializes features to tf.train.Example bytes. Keys are written in the object's order. */
export function encodeExample(features: Record<string, FeatureInput>): Uint8Array {
  const feature: Record<string, FeatureProto> = {};
  for (const [key, input] of Object.entries(features)) feature[key] = toProto(key, input);
  return ExampleCodec.encode({ features: { feature } });
}

/** Serializes a tf.train.SequenceExample: context features and, per key, one feature per step. */
export function encodeSequenceExample(context: Record<string, FeatureInput>, featureLists: Record<string, FeatureInput[]>): Uint8Array {
  const contextProto: Record<string, FeatureProto> = {};
  for (const [key, input] of Object.entries(context)) contextProto[key] = toProto(key, input);
  const featureList: Record<string, { feature: FeatureProto[] }> = {};
  for (const [key, steps] of Object.entries(featureLists)) featureList[key] = { feature: steps.map((input) => toProto(key, input)) };
  return SequenceExampleCodec.encode({ context: { feature: contextProto }, featureLists: { featureList } });
}

/**
 * Parses tf.train.Example bytes. `source` names the bytes in errors (e.g. "train.tfrecord
 * record 12"). A feature with no list set decodes as an empty bytes list, as TF treats it.
 */
export function decodeExample(bytes: Uint8Array, source = 'tf.Example'): Example {
  const proto: ExampleProto = ExampleCodec.decode(bytes, source);
  return featuresOf(proto.features?.feature ?? {});
}

/** Parses tf.train.SequenceExample bytes; `source` names the bytes in errors. */
export function decodeSequenceExample(bytes: Uint8Array, source = 'tf.SequenceExample'): SequenceExample {
  const proto: SequenceExampleProto = SequenceExampleCodec.decode(bytes, source);
  const lists = proto.featureLists?.featureList ?? {};
  const featureLists: Record<string, Feature[]> = {};
  for (const key of Object.keys(lists)) featureLists[key] = (lists[key].feature ?? []).map(featureOf);
  return { context: featuresOf(proto.context?.feature ?? {}), featureLists };
}

function featuresOf(feature: Record<string, FeatureProto>): Example {
  const out: Example = {};
  for (const key of Object.keys(feature)) out[key] = featureOf(feature[key]);
  return out;
}

function featureOf(f: FeatureProto): Feature {
  if (f.floatList) return { kind: 'float', value: Float32Array.from(f.floatList.value) };
  if (f.int64List) return { kind: 'int64', value: f.int64List.value.map(int64ToBigInt) };
  return { kind: 'bytes', value: f.bytesList?.value ?? [] };
}

/**
 * The one bytes value under `key`, as `tf.io.FixedLenFeature([], tf.string)` requires;
 * throws naming the source and key when it is missing, of another kind, or not exactly one value.
 */
export function singleBytes(example: Example, key: string, source = 'tf.Example'): Uint8Array {
  const f = example[key];
  if (!f) throw new FormatError(source, `has no feature '${key}' (has: ${Object.keys(example).join(', ') || 'none'})`);
  if (f.kind !== 'bytes') throw new FormatError(source, `feature '${key}' is a ${f.kind} list, expected bytes`);
  if (f.value.length !== 1) throw new FormatError(source, `feature '${key}' holds ${f.value.length} bytes values, expected exactly 1`);
  return f.value[0];
}
