/**
 * `saved_model.pb` for a traced serving graph, following the conventions of the SavedModels TF
 * 1.x, TF 2.x and TF Serving write (the fixtures of the README's "Test fixtures" section):
 *  - saved_model_schema_version 1, exactly one MetaGraphDef tagged ["serve"];
 *  - meta_info_def: tags, tensorflow_version, tensorflow_git_version, stripped_default_attrs
 *    false (every attr is written); no stripped_op_list (only used to strip defaults on import,
 *    and an OpDef without its attr list would make TF strip attrs it should keep);
 *  - graph_def with versions.producer ({@link GRAPH_PRODUCER});
 *  - signature_def `serving_default`, method `tensorflow/serving/predict`, TensorInfo names
 *    `node:0` with dtype and static shape (-1 for the batch).
 * Every weight is a Const in the graph, so there is no saver_def and no variables/ directory —
 * the layout of TF Serving's `matrix_half_plus_two` test model. Why not an empty variables
 * bundle: TF's C++ loader (TF Serving, tfjs-node, TF 2.x's session loader) restores whenever
 * variables/variables.index exists, by running saver_def.restore_op_name, which a graph without
 * variables does not have; with no index file it logs "no variables" and goes on, and Python's
 * loaders create no Saver for a graph without variables.
 */
import { SavedModelCodec, type SignatureDefProto, type TensorInfoProto } from '../formats/proto/saved_model.ts';
import { DTYPE_ENUM, shapeProto, tensorName, type SymbolicTensor } from './graph/graph_builder.ts';
import type { ServingGraph } from './serving_graph.ts';

/** Signature key TF Serving and `tf.saved_model.load(...).signatures` use by default. */
export const SERVING_SIGNATURE = 'serving_default';
/** Method of a predict signature. */
export const PREDICT_METHOD = 'tensorflow/serving/predict';
/** The MetaGraphDef's tag set. */
export const SERVE_TAGS = ['serve'];
/** The TF release whose op set the graph keeps to (written as meta_info_def.tensorflow_version). */
export const TF_VERSION_FLOOR = '1.15.0';

/** TensorInfo of a graph tensor: "node:k", dtype, static shape. */
export function tensorInfo(t: SymbolicTensor): TensorInfoProto {
  return { name: tensorName(t, true), dtype: DTYPE_ENUM[t.dtype], tensorShape: shapeProto(t.shape) };
}

/** The predict SignatureDef of a serving graph. */
export function predictSignature(graph: ServingGraph): SignatureDefProto {
  const map = (m: Record<string, SymbolicTensor>) => Object.fromEntries(Object.entries(m).map(([k, t]) => [k, tensorInfo(t)]));
  return { inputs: map(graph.inputs), outputs: map(graph.outputs), methodName: PREDICT_METHOD };
}

/** Serialized SavedModel (the bytes of saved_model.pb) holding `graph`. */
export function encodeSavedModel(graph: ServingGraph, exporter: string): Uint8Array {
  return SavedModelCodec.encode({
    savedModelSchemaVersion: 1,
    metaGraphs: [
      {
        metaInfoDef: {
          tags: SERVE_TAGS,
          tensorflowVersion: TF_VERSION_FLOOR,
          tensorflowGitVersion: exporter,
          strippedDefaultAttrs: false,
        },
        graphDef: graph.graphDef,
        signatureDef: { [SERVING_SIGNATURE]: predictSignature(graph) },
      },
    ],
  });
}
