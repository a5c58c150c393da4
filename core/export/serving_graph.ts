/**
 * S3D-G's serving graph, traced from the model's own `apply` with {@link GraphOps}: an input
 * front end, the network in inference mode with every variable a Const under its TF name, and
 * the original script's prediction outputs `class_ids`, `probabilities` and `logits` as named
 * Identity nodes.
 *
 * Both front ends have one signature input keyed `input`, as the original's
 * TensorServingInputReceiver (a single receiver tensor is keyed `input`):
 *  - `tensor` (export_for_production): Placeholder `feature` float32 [-1, T, H, W, C], values
 *    already in [-1, 1];
 *  - `example` (export): Placeholder `input_example_tensor`, ONE serialized tf.Example (a scalar
 *    string, as the original's `tf.placeholder(tf.string, shape=[])`) → ParseSingleExample (dense
 *    key `feature`, bytes, required; what TF 1.x's `tf.parse_single_example` emits) → DecodeRaw
 *    uint8 → Reshape [1, T, H, W, C] (the original's expand_dims) → Cast float → x/255·2 − 1
 *    (eval preprocessing). The Cast node is named `Cast`: below it the graph is pure arithmetic
 *    (see {@link CAST_NODE}).
 */
import type { S3DG } from '../model/s3dg.ts';
import type { ApplyContext } from '../model/context.ts';
import type { GraphDefProto } from '../formats/proto/graph.ts';
import type { NamedWeights } from '../model/named_weights.ts';
import { attr, GraphBuilder, type SymbolicTensor } from './graph/graph_builder.ts';
import { GraphOps } from './graph/graph_ops.ts';
import { scopeByEndpoint } from './graph/endpoint_scopes.ts';

/** Which input the serving graph takes. */
export type ServingInput = 'tensor' | 'example';

/** Clip geometry the serving graph is built for. */
export interface ClipGeometry {
  clipLength: number;
  frameHeight: number;
  frameWidth: number;
}

/** A traced serving graph and its signature tensors. */
export interface ServingGraph {
  graphDef: GraphDefProto;
  /** Signature inputs by key: `input` ({@link SIGNATURE_INPUT}). */
  inputs: Record<string, SymbolicTensor>;
  /** Signature outputs by key: class_ids, probabilities, logits. */
  outputs: Record<string, SymbolicTensor>;
  /** The float clip in [-1, 1] the network reads (the preprocessed input in `example` mode). */
  modelInput: SymbolicTensor;
  /** Names of the Const nodes holding model variables, in creation order. */
  variableNodes: string[];
}

/** Name of the Cast to float in the `example` graph: feed it 0–255 floats to skip parsing. */
export const CAST_NODE = 'Cast';
/** Input placeholder of the `tensor` graph. */
export const TENSOR_INPUT = 'feature';
/** Input placeholder of the `example` graph (the Estimator's name). */
export const EXAMPLE_INPUT = 'input_example_tensor';
/** The signature's one input key in both modes (TF's key for a single receiver tensor). */
export const SIGNATURE_INPUT = 'input';
/** GraphDef producer version claimed (TF 1.15's TF_GRAPH_DEF_VERSION; every op used exists there). */
export const GRAPH_PRODUCER = 134;

/** The tracer's ApplyContext: inference, variables as Consts named by TF name, each made once. */
function traceContext(graph: GraphBuilder, weights: NamedWeights, made: string[]): ApplyContext<SymbolicTensor> {
  const consts = new Map<string, SymbolicTensor>();
  return {
    ops: new GraphOps(graph),
    training: false,
    trains: () => false,
    variable(name) {
      let t = consts.get(name);
      if (!t) {
        const w = weights.get(name);
        if (!w) throw new Error(`graph export: no value for model variable ${name}`);
        t = graph.constant(name, 'float32', w.shape, w.values, true);
        consts.set(name, t);
        made.push(name);
      }
      // Ops that follow are named under the variable's layer (…/Conv2d_0a_1x1/Conv3D,
      // …/Conv2d_0a_1x1/BatchNorm/batchnorm/Rsqrt, …/self_gating/Sigmoid).
      graph.setScope(name.slice(0, name.lastIndexOf('/')).replace(/\/(BatchNorm|transformer_W)$/, ''));
      return t;
    },
    updateMovingAverage() {
      throw new Error('graph export traces inference only: moving averages are not updated');
    },
  };
}

/** The tf.Example front end: one serialized example (scalar string) → a clip of one, floats in [-1, 1]. */
function exampleFrontEnd(g: GraphBuilder, clip: ClipGeometry, channels: number): { input: SymbolicTensor; clip: SymbolicTensor } {
  const { clipLength: t, frameHeight: h, frameWidth: w } = clip;
  const input = g.add1(
    EXAMPLE_INPUT,
    {
      op: 'Placeholder',
      inputs: [],
      attrs: { dtype: attr.type('string'), shape: attr.shape([]) },
      outputs: [{ dtype: 'string', shape: [] }],
    },
    true,
  );
  // As tf.parse_single_example builds it: keys and shapes are attrs; an empty default makes `feature` required.
  const parsed = g.withScope('ParseSingleExample', () => {
    const required = g.constant('Const', 'string', [0], []);
    return g.add1('ParseSingleExample', {
      op: 'ParseSingleExample',
      inputs: [input, required],
      attrs: {
        num_sparse: attr.int(0),
        sparse_keys: attr.strings([]),
        sparse_types: attr.types([]),
        dense_keys: attr.strings(['feature']),
        Tdense: attr.types(['string']),
        dense_shapes: attr.shapes([[]]),
      },
      outputs: [{ dtype: 'string', shape: [] }],
    });
  });
  const bytes = g.add1('DecodeRaw', {
    op: 'DecodeRaw',
    inputs: [parsed],
    attrs: { out_type: attr.type('uint8'), little_endian: attr.bool(true) },
    outputs: [{ dtype: 'uint8', shape: [-1] }],
  });
  const shape = [1, t, h, w, channels];
  const reshapeTo = g.withScope('Reshape', () => g.int32s('shape', shape));
  const reshaped = g.add1('Reshape', {
    op: 'Reshape',
    inputs: [bytes, reshapeTo],
    attrs: { T: attr.type('uint8'), Tshape: attr.type('int32') },
    outputs: [{ dtype: 'uint8', shape }],
  });
  const floats = g.add1(
    CAST_NODE,
    {
      op: 'Cast',
      inputs: [reshaped],
      attrs: { SrcT: attr.type('uint8'), DstT: attr.type('float32'), Truncate: attr.bool(false) },
      outputs: [{ dtype: 'float32', shape }],
    },
    true,
  );
  // The trainer's eval preprocessing: x/255 (convert_image_dtype), then ·2 − 1.
  const float = (name: string, op: string, x: SymbolicTensor, c: number) =>
    g.add1(name, { op, inputs: [x, g.scalar(`${name}/y`, c)], attrs: { T: attr.type('float32') }, outputs: [{ dtype: 'float32', shape }] });
  const unit = float('truediv', 'RealDiv', floats, 255);
  return { input, clip: float('sub', 'Sub', float('mul', 'Mul', unit, 2), 1) };
}

/**
 * Traces `model` with `weights` (every model variable, by TF name) into a serving graph taking
 * `input`. Throws when a variable is missing or the model has no logits.
 */
export function buildServingGraph(model: S3DG, weights: NamedWeights, input: ServingInput, clip: ClipGeometry): ServingGraph {
  if (model.config.numClasses < 1) throw new Error('graph export needs a model with logits (`numClasses` ≥ 1)');
  const g = new GraphBuilder();
  const channels = model.config.inputChannels;
  let inputs: Record<string, SymbolicTensor>;
  let modelInput: SymbolicTensor;
  if (input === 'tensor') {
    const shape = [-1, clip.clipLength, clip.frameHeight, clip.frameWidth, channels];
    modelInput = g.add1(
      TENSOR_INPUT,
      {
        op: 'Placeholder',
        inputs: [],
        attrs: { dtype: attr.type('float32'), shape: attr.shape(shape) },
        outputs: [{ dtype: 'float32', shape }],
      },
      true,
    );
    inputs = { [SIGNATURE_INPUT]: modelInput };
  } else {
    const front = exampleFrontEnd(g, clip, channels);
    modelInput = front.clip;
    inputs = { [SIGNATURE_INPUT]: front.input };
  }

  const variableNodes: string[] = [];
  const first = g.nodeNames().length;
  const out = model.apply(traceContext(g, weights, variableNodes), modelInput);
  g.setScope('');
  if (!out.logits || !out.predictions) throw new Error('graph export: the model produced no logits');
  const renames = scopeByEndpoint(g, first, out.endpoints, model.scope, new Set(variableNodes));
  const renamed = (t: SymbolicTensor): SymbolicTensor => ({ ...t, node: renames.get(t.node) ?? t.node });
  let logits = renamed(out.logits);
  let probabilities = renamed(out.predictions);
  if (logits.shape.length !== 2) throw new Error(`graph export needs [batch, classes] logits (\`spatialSqueeze\`), got [${logits.shape}]`);
  logits = g.identity('logits', logits);
  probabilities = g.identity('probabilities', probabilities);
  // The original's class_ids: tf.round of the probabilities, one 0/1 per class (multi-label), float32 [batch, classes].
  const rounded = g.add1('Round', {
    op: 'Round',
    inputs: [probabilities],
    attrs: { T: attr.type('float32') },
    outputs: [{ dtype: 'float32', shape: probabilities.shape }],
  });
  const classIds = g.identity('class_ids', rounded);
  return {
    graphDef: g.graphDef(GRAPH_PRODUCER),
    inputs,
    outputs: { class_ids: classIds, probabilities, logits },
    modelInput,
    variableNodes,
  };
}
