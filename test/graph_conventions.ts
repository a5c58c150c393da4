/**
 * What TensorFlow's op registry demands of the nodes our exported graphs use, written down from
 * TF's op definitions (tensorflow/core/ops/*.cc): each op's input arity and its attrs — the
 * ones without a default must be present, and no attr outside the list may appear (TF rejects
 * unknown attrs on import). Checked against every node of an exported GraphDef.
 */
import type { GraphDefProto, NodeDefProto } from '../core/formats/proto/graph.ts';
import { int64ToNumber } from '../core/formats/proto/int64.ts';

interface OpRule {
  /** Attrs without a default. */
  required: string[];
  /** Attrs with a default. */
  optional: string[];
  /** Number of inputs, from the node's attrs. */
  inputs: (node: NodeDefProto) => number;
}

const n = (k: number) => () => k;
const attrInt = (node: NodeDefProto, name: string) => int64ToNumber(node.attr?.[name]?.i ?? 0);

export const TF_OPS: Record<string, OpRule> = {
  Placeholder: { required: ['dtype'], optional: ['shape'], inputs: n(0) },
  Const: { required: ['value', 'dtype'], optional: [], inputs: n(0) },
  Identity: { required: ['T'], optional: [], inputs: n(1) },
  Conv3D: { required: ['T', 'strides', 'padding'], optional: ['data_format', 'dilations'], inputs: n(2) },
  BiasAdd: { required: ['T'], optional: ['data_format'], inputs: n(2) },
  MaxPool3D: { required: ['ksize', 'strides', 'padding', 'T'], optional: ['data_format'], inputs: n(1) },
  AvgPool3D: { required: ['ksize', 'strides', 'padding', 'T'], optional: ['data_format'], inputs: n(1) },
  Relu: { required: ['T'], optional: [], inputs: n(1) },
  Sigmoid: { required: ['T'], optional: [], inputs: n(1) },
  Softmax: { required: ['T'], optional: [], inputs: n(1) },
  Rsqrt: { required: ['T'], optional: [], inputs: n(1) },
  Mul: { required: ['T'], optional: [], inputs: n(2) },
  AddV2: { required: ['T'], optional: [], inputs: n(2) },
  Sub: { required: ['T'], optional: [], inputs: n(2) },
  RealDiv: { required: ['T'], optional: [], inputs: n(2) },
  Mean: { required: ['T'], optional: ['keep_dims', 'Tidx'], inputs: n(2) },
  ConcatV2: { required: ['N', 'T'], optional: ['Tidx'], inputs: (node) => attrInt(node, 'N') + 1 },
  Squeeze: { required: ['T'], optional: ['squeeze_dims'], inputs: n(1) },
  ArgMax: { required: ['T'], optional: ['Tidx', 'output_type'], inputs: n(2) },
  Round: { required: ['T'], optional: [], inputs: n(1) },
  ExpandDims: { required: ['T'], optional: ['Tdim'], inputs: n(2) },
  Reshape: { required: ['T'], optional: ['Tshape'], inputs: n(2) },
  Cast: { required: ['SrcT', 'DstT'], optional: ['Truncate'], inputs: n(1) },
  DecodeRaw: { required: ['out_type'], optional: ['little_endian'], inputs: n(1) },
  ParseExample: {
    required: ['Nsparse', 'Ndense', 'sparse_types', 'Tdense', 'dense_shapes'],
    optional: [],
    // serialized, names, sparse_keys × Nsparse, dense_keys × Ndense, dense_defaults × Ndense
    inputs: (node) => 2 + attrInt(node, 'Nsparse') + 2 * attrInt(node, 'Ndense'),
  },
  ParseSingleExample: {
    required: ['num_sparse', 'sparse_keys', 'dense_keys', 'sparse_types', 'Tdense', 'dense_shapes'],
    optional: [],
    // serialized, dense_defaults × len(Tdense)
    inputs: (node) => 1 + (node.attr?.Tdense?.list?.type?.length ?? 0),
  },
};

/** Every way `graph` breaks the rules above, as messages (empty when it follows them). */
export function graphProblems(graph: GraphDefProto): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const node of graph.node ?? []) {
    const name = node.name ?? '';
    const rule = TF_OPS[node.op ?? ''];
    if (!rule) {
      problems.push(`${name}: op ${node.op} is not one we checked`);
      continue;
    }
    const attrs = Object.keys(node.attr ?? {});
    for (const a of rule.required) if (!attrs.includes(a)) problems.push(`${name} (${node.op}): missing attr ${a}`);
    for (const a of attrs) if (![...rule.required, ...rule.optional].includes(a)) problems.push(`${name} (${node.op}): unknown attr ${a}`);
    const inputs = node.input ?? [];
    if (inputs.length !== rule.inputs(node)) problems.push(`${name} (${node.op}): ${inputs.length} inputs, expected ${rule.inputs(node)}`);
    for (const i of inputs) {
      const source = i.replace(/^\^/, '').replace(/:\d+$/, '');
      if (!seen.has(source)) problems.push(`${name}: input ${i} is not an earlier node`);
    }
    if (seen.has(name)) problems.push(`${name}: duplicate node name`);
    if (!/^[A-Za-z0-9.][A-Za-z0-9_.\-/]*$/.test(name)) problems.push(`${name}: not a valid TF node name`);
    seen.add(name);
  }
  return problems;
}
