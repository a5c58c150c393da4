/** tf.Example and tf.SequenceExample schema (example.proto / feature.proto field numbers, our own minimal text). */
import { codec, defineSchema } from './root.ts';
import type { Int64Wire } from './int64.ts';

defineSchema(`
syntax = "proto3";
package tensorflow;
message BytesList { repeated bytes value = 1; }
message FloatList { repeated float value = 1 [packed = true]; }
message Int64List { repeated int64 value = 1 [packed = true]; }
message Feature {
  oneof kind { BytesList bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3; }
}
message Features { map<string, Feature> feature = 1; }
message Example { Features features = 1; }
message FeatureList { repeated Feature feature = 1; }
message FeatureLists { map<string, FeatureList> feature_list = 1; }
message SequenceExample { Features context = 1; FeatureLists feature_lists = 2; }
`);

/** One tf.train.Feature on the wire: exactly one of the three lists is set. */
export interface FeatureProto {
  bytesList?: { value: Uint8Array[] } | null;
  floatList?: { value: number[] } | null;
  int64List?: { value: Int64Wire[] } | null;
}

/** tf.train.Example: a map from feature key to Feature. */
export interface ExampleProto {
  features?: { feature: Record<string, FeatureProto> } | null;
}

/** tf.train.SequenceExample: context features, and per key a list of Features (one per step). */
export interface SequenceExampleProto {
  context?: { feature: Record<string, FeatureProto> } | null;
  featureLists?: { featureList: Record<string, { feature: FeatureProto[] }> } | null;
}

/** Codec for tf.train.Example. */
export const ExampleCodec = codec<ExampleProto>('Example');
/** Codec for tf.train.SequenceExample. */
export const SequenceExampleCodec = codec<SequenceExampleProto>('SequenceExample');
