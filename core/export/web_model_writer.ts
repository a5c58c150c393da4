/**
 * Writes the static-hostable web model (see web_model_format.ts) as bytes: `model.json` in
 * TensorFlow.js graph-model format plus `group1-shard<i>of<n>.bin` weight shards of at most
 * {@link MAX_SHARD_BYTES}, each with its SHA-256 in the s3dg metadata. The graph is the
 * `tensor`-input serving graph traced from the model code, so `tf.loadGraphModel(url)` runs it
 * and every model variable is a weight named by its TF name. All paths are relative: the
 * folder works from any static host, at any URL.
 */
import type { S3DGConfig } from '../model/config.ts';
import { sha256Hex } from './sha256.ts';
import { graphDefToTfjs, signatureJson } from './tfjs_graph_json.ts';
import { predictSignature } from './saved_model_writer.ts';
import { TENSOR_INPUT, type ServingGraph } from './serving_graph.ts';
import {
  MAX_SHARD_BYTES,
  WEB_MODEL_FORMAT,
  WEB_MODEL_VERSION,
  type WebModelJson,
  type WebPreprocessing,
  type WebProvenance,
} from './web_model_format.ts';

/** Everything the web model carries besides the graph. */
export interface WebModelContent {
  /** A serving graph with the `tensor` input (buildServingGraph(..., 'tensor', ...)). */
  graph: ServingGraph;
  config: S3DGConfig;
  classNames: string[];
  preprocessing: WebPreprocessing;
  provenance: WebProvenance;
  /** Largest shard in bytes (default and maximum {@link MAX_SHARD_BYTES}). */
  shardBytes?: number;
}

/** The folder's files by relative path, and the parsed model.json. */
export interface WebModelFiles {
  files: Map<string, Uint8Array>;
  modelJson: WebModelJson;
}

/** Splits `data` into shards of at most `size` bytes (tfjs concatenates them back in order). */
function shards(data: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += size) out.push(data.slice(at, Math.min(at + size, data.length)));
  return out.length > 0 ? out : [new Uint8Array(0)];
}

/** Builds model.json and the shards. */
export async function buildWebModel(content: WebModelContent): Promise<WebModelFiles> {
  const { graph } = content;
  if (graph.inputs.input?.node !== TENSOR_INPUT) throw new Error('web model: needs the serving graph with the tensor input');
  if (content.classNames.length !== content.config.numClasses) {
    throw new Error(`web model: ${content.classNames.length} class names for ${content.config.numClasses} classes`);
  }
  const size = Math.min(content.shardBytes ?? MAX_SHARD_BYTES, MAX_SHARD_BYTES);
  const tfjs = graphDefToTfjs(graph.graphDef);
  const parts = shards(tfjs.weightData, size);
  const paths = parts.map((_, i) => `group1-shard${i + 1}of${parts.length}.bin`);
  const files = new Map<string, Uint8Array>();
  const sha256: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    files.set(paths[i], parts[i]);
    sha256[paths[i]] = await sha256Hex(parts[i]);
  }
  const modelJson: WebModelJson = {
    format: 'graph-model',
    generatedBy: content.provenance.exporter,
    convertedBy: content.provenance.exporter,
    modelTopology: tfjs.modelTopology,
    signature: signatureJson(predictSignature(graph)),
    weightsManifest: [{ paths, weights: tfjs.weightSpecs }],
    userDefinedMetadata: {
      s3dg: {
        format: WEB_MODEL_FORMAT,
        version: WEB_MODEL_VERSION,
        config: content.config,
        classNames: content.classNames,
        preprocessing: content.preprocessing,
        provenance: content.provenance,
        sha256,
        signature: { input: graph.inputs.input.node, probabilities: graph.outputs.probabilities.node, logits: graph.outputs.logits.node },
      },
    },
  };
  files.set('model.json', new TextEncoder().encode(JSON.stringify(modelJson)));
  return { files, modelJson };
}
