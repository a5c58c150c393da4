/**
 * S3D-G as an ONNX model, traced from the model's own `apply` on {@link OnnxOps}: input
 * `feature` float32 [batch, T, H, W, C] with values in [-1, 1] (the layout the tfjs model and
 * the SavedModel take; batch is dynamic, T/H/W are fixed because SAME padding and the logits'
 * pool size depend on them), outputs `probabilities` and `logits` float32 [batch, numClasses]
 * and `class_ids` (the original's round(probabilities), float32 [batch, numClasses]), as the
 * SavedModel export names them. Every model variable becomes an initializer under its TF name.
 */
import type { ApplyContext } from '../../model/context.ts';
import type { S3DG } from '../../model/s3dg.ts';
import { checkNamedWeights, type NamedWeights } from '../../model/named_weights.ts';
import { onnxModelCodec, type OnnxModelProto } from '../../formats/proto/onnx.ts';
import type { ClipGeometry } from '../serving_graph.ts';
import { OnnxGraph } from './onnx_graph.ts';
import { constantValue, OnnxOps, type OnnxValue } from './onnx_ops.ts';

/** Input and output names of the exported model. */
export const ONNX_INPUT = 'feature';
export const ONNX_OUTPUTS = { probabilities: 'probabilities', logits: 'logits', classIds: 'class_ids' } as const;
/** The dynamic batch dimension's name. */
export const BATCH_DIM = 'batch';

/** Metadata keys the model carries (ModelProto.metadata_props), so a reader knows what it holds. */
export const METADATA_KEYS = { config: 's3dg.config', clip: 's3dg.clip' } as const;

/** What to build around the network. */
export interface OnnxModelOptions {
  clip: ClipGeometry;
  /** Producer name and version, e.g. "s3dg 0.1.0". */
  producer: string;
  /** Where the weights come from, leading a mismatch message ("checkpoint runs/x/model.ckpt-10"). */
  source?: string;
}

/** The tracer's context: inference, every variable a constant under its TF name. */
function traceContext(ops: OnnxOps, weights: NamedWeights): ApplyContext<OnnxValue> {
  const values = new Map<string, OnnxValue>();
  return {
    ops,
    training: false,
    trains: () => false,
    variable(name) {
      let v = values.get(name);
      if (!v) {
        const w = weights.get(name);
        if (!w) throw new Error(`onnx export: no value for model variable ${name}`);
        v = constantValue(name, w.shape, w.values);
        values.set(name, v);
      }
      // Nodes that follow are named under the variable's layer (…/Conv2d_0a_1x1/Conv, …/self_gating/Sigmoid).
      ops.graph.scope = name.slice(0, name.lastIndexOf('/')).replace(/\/(BatchNorm|transformer_W)$/, '');
      return v;
    },
    updateMovingAverage() {
      throw new Error('onnx export traces inference only: moving averages are not updated');
    },
  };
}

/**
 * The ModelProto of `net` with `weights` (every model variable, by TF name; checked first, each
 * missing or mis-shaped variable named) for clips of `options.clip`.
 */
export function buildOnnxModelProto(net: S3DG, weights: NamedWeights, options: OnnxModelOptions): OnnxModelProto {
  const config = net.config;
  if (config.numClasses < 1) throw new Error('onnx export needs a model with logits (`numClasses` ≥ 1)');
  if (!config.spatialSqueeze) throw new Error('onnx export needs [batch, classes] logits (`spatialSqueeze`)');
  checkNamedWeights(net.variables(), weights, { source: options.source ?? 'the weights' });
  const { clipLength: t, frameHeight: h, frameWidth: w } = options.clip;
  const graph = new OnnxGraph();
  const input = graph.input(ONNX_INPUT, 'float32', [BATCH_DIM, t, h, w, config.inputChannels]);
  const ops = new OnnxOps(graph);
  const feature: OnnxValue = { name: input, shape: [-1, t, h, w, config.inputChannels], order: [0, 1, 2, 3, 4] };
  const out = net.apply(traceContext(ops, weights), feature);
  if (!out.logits || !out.predictions) throw new Error('onnx export: the model produced no logits');
  graph.scope = '';
  const k = config.numClasses;
  const named = (name: string, v: string) => graph.node('Identity', [v], [], name, true);
  const probabilities = named(ONNX_OUTPUTS.probabilities, ops.logical(out.predictions));
  const logits = named(ONNX_OUTPUTS.logits, ops.logical(out.logits));
  const classIds = graph.node('Round', [probabilities], [], ONNX_OUTPUTS.classIds, true);
  for (const name of [probabilities, logits, classIds]) graph.output(name, 'float32', [BATCH_DIM, k]);
  return graph.model('s3dg', {
    producer: options.producer,
    docString: `S3D-G: ${ONNX_INPUT} float32 [${BATCH_DIM}, ${t}, ${h}, ${w}, ${config.inputChannels}] in [-1, 1] → probabilities, logits, class_ids [${BATCH_DIM}, ${k}]`,
    metadata: {
      [METADATA_KEYS.config]: JSON.stringify(config),
      [METADATA_KEYS.clip]: JSON.stringify(options.clip),
    },
  });
}

/** {@link buildOnnxModelProto}, serialized: the bytes of a `.onnx` file. */
export function buildOnnxModel(net: S3DG, weights: NamedWeights, options: OnnxModelOptions): Uint8Array {
  return onnxModelCodec.encode(buildOnnxModelProto(net, weights, options));
}
