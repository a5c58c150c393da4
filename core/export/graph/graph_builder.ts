/**
 * Builds a TensorFlow GraphDef node by node: unique node names under name scopes (as TF's
 * `name_scope` makes them: `scope/Op`, `scope/Op_1`, …), typed attribute helpers that produce
 * the AttrValue protos TF's op registry expects, and Const nodes from typed arrays.
 * Tensors are referred to by {@link SymbolicTensor}: a node output plus its static shape.
 */
import type { AttrValueProto, GraphDefProto, NodeDefProto } from '../../formats/proto/graph.ts';
import { DataType, type TensorProto, type TensorShapeProto } from '../../formats/proto/tensor.ts';

/** Element types the exported graphs use. */
export type GraphDType = 'float32' | 'int32' | 'int64' | 'uint8' | 'string' | 'bool';

/** TF DataType enum value of each graph dtype. */
export const DTYPE_ENUM: Record<GraphDType, number> = {
  float32: DataType.DT_FLOAT,
  int32: DataType.DT_INT32,
  int64: DataType.DT_INT64,
  uint8: DataType.DT_UINT8,
  string: DataType.DT_STRING,
  bool: DataType.DT_BOOL,
};

/** One output of a graph node, with its static shape (-1: unknown, e.g. the batch). */
export interface SymbolicTensor {
  /** Node name. */
  node: string;
  /** Output index of the node. */
  index: number;
  dtype: GraphDType;
  shape: number[];
}

/** The "node" or "node:k" form NodeDef inputs and TensorInfo use ("node:0" with `explicit`). */
export function tensorName(t: SymbolicTensor, explicit = false): string {
  return t.index === 0 && !explicit ? t.node : `${t.node}:${t.index}`;
}

/** AttrValue constructors, named after the AttrValue field they set. */
export const attr = {
  type: (dtype: GraphDType): AttrValueProto => ({ type: DTYPE_ENUM[dtype] }),
  types: (dtypes: GraphDType[]): AttrValueProto => ({ list: { type: dtypes.map((d) => DTYPE_ENUM[d]) } }),
  int: (i: number): AttrValueProto => ({ i }),
  ints: (values: number[]): AttrValueProto => ({ list: { i: values } }),
  bool: (b: boolean): AttrValueProto => ({ b }),
  string: (s: string): AttrValueProto => ({ s: new TextEncoder().encode(s) }),
  strings: (values: string[]): AttrValueProto => ({ list: { s: values.map((s) => new TextEncoder().encode(s)) } }),
  shape: (shape: number[] | null): AttrValueProto => ({ shape: shapeProto(shape) }),
  shapes: (shapes: number[][]): AttrValueProto => ({ list: { shape: shapes.map((s) => shapeProto(s)) } }),
  tensor: (tensor: TensorProto): AttrValueProto => ({ tensor }),
};

/** TensorShapeProto of a static shape (-1 for unknown dims); null: unknown rank. */
export function shapeProto(shape: number[] | null): TensorShapeProto {
  if (shape === null) return { unknownRank: true };
  return { dim: shape.map((size) => ({ size })) };
}

/** Values a Const node can hold. */
export type ConstValues = Float32Array | Int32Array | Uint8Array[];

/** TensorProto holding `values` (numbers as little-endian tensor_content, strings as string_val). */
export function tensorProto(dtype: GraphDType, shape: number[], values: ConstValues): TensorProto {
  const proto: TensorProto = { dtype: DTYPE_ENUM[dtype], tensorShape: shapeProto(shape) };
  if (Array.isArray(values)) {
    proto.stringVal = values;
  } else {
    // Typed arrays are little-endian on every platform we run on, as TF's tensor_content.
    const copy = values.slice();
    proto.tensorContent = new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength);
  }
  return proto;
}

/** One node to add: its op, inputs, attrs and the dtype/shape of each output. */
export interface NodeSpec {
  op: string;
  inputs: Array<SymbolicTensor | string>;
  attrs?: Record<string, AttrValueProto>;
  outputs: Array<{ dtype: GraphDType; shape: number[] }>;
}

/** Accumulates NodeDefs in creation order (which is a topological order). */
export class GraphBuilder {
  private readonly nodes: NodeDefProto[] = [];
  private readonly used = new Set<string>();
  private scopes: string[] = [];

  /** Runs `body` with node names prefixed by `scope` (nested scopes join with `/`). */
  withScope<R>(scope: string, body: () => R): R {
    const saved = this.scopes;
    this.scopes = scope === '' ? [] : [...saved, scope];
    try {
      return body();
    } finally {
      this.scopes = saved;
    }
  }

  /** Replaces the current scope entirely (absolute), e.g. the scope of the variable just read. */
  setScope(scope: string): void {
    this.scopes = scope === '' ? [] : [scope];
  }

  /** A name not used yet: `scope/base`, else `scope/base_1`, `scope/base_2`, … */
  uniqueName(base: string, absolute = false): string {
    const full = absolute || this.scopes.length === 0 ? base : `${this.scopes.join('/')}/${base}`;
    let name = full;
    for (let k = 1; this.used.has(name); k++) name = `${full}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Whether a node of that exact name exists. */
  has(name: string): boolean {
    return this.used.has(name);
  }

  /**
   * Adds a node named `name` (made unique under the current scope, or taken as is with
   * `absolute`) and returns its outputs.
   */
  add(name: string, spec: NodeSpec, absolute = false): SymbolicTensor[] {
    if (absolute && this.used.has(name)) throw new Error(`graph: a node named ${name} already exists`);
    const unique = this.uniqueName(name, absolute);
    this.nodes.push({
      name: unique,
      op: spec.op,
      input: spec.inputs.map((i) => (typeof i === 'string' ? i : tensorName(i))),
      attr: spec.attrs ?? {},
    });
    return spec.outputs.map((o, index) => ({ node: unique, index, dtype: o.dtype, shape: o.shape }));
  }

  /** Adds a one-output node. */
  add1(name: string, spec: NodeSpec, absolute = false): SymbolicTensor {
    return this.add(name, spec, absolute)[0];
  }

  /** A Const node holding `values` of `shape`. */
  constant(name: string, dtype: GraphDType, shape: number[], values: ConstValues, absolute = false): SymbolicTensor {
    const count = shape.reduce((a, b) => a * b, 1);
    if (values.length !== count) throw new Error(`graph: const ${name} has ${values.length} values for shape [${shape}]`);
    return this.add1(
      name,
      {
        op: 'Const',
        inputs: [],
        attrs: { dtype: attr.type(dtype), value: attr.tensor(tensorProto(dtype, shape, values)) },
        outputs: [{ dtype, shape }],
      },
      absolute,
    );
  }

  /** A float32 scalar Const. */
  scalar(name: string, value: number): SymbolicTensor {
    return this.constant(name, 'float32', [], Float32Array.of(value));
  }

  /** An int32 vector Const (axes, shapes). */
  int32s(name: string, values: number[]): SymbolicTensor {
    return this.constant(name, 'int32', [values.length], Int32Array.from(values));
  }

  /** An Identity of `x` named exactly `name` (serving outputs). */
  identity(name: string, x: SymbolicTensor): SymbolicTensor {
    return this.add1(
      name,
      { op: 'Identity', inputs: [x], attrs: { T: attr.type(x.dtype) }, outputs: [{ dtype: x.dtype, shape: x.shape }] },
      true,
    );
  }

  /** Node names in creation order. */
  nodeNames(): string[] {
    return this.nodes.map((n) => n.name ?? '');
  }

  /** Name, op and inputs of each node, in creation order (a read-only view). */
  nodeSummaries(): Array<{ name: string; op: string; inputs: string[] }> {
    return this.nodes.map((n) => ({ name: n.name ?? '', op: n.op ?? '', inputs: [...(n.input ?? [])] }));
  }

  /** Renames nodes (old → new, new names already reserved with uniqueName) and every input naming them. */
  rename(renames: Map<string, string>): void {
    const map = (input: string) => {
      const m = /^(\^?)(.*?)(:\d+)?$/.exec(input) as RegExpExecArray;
      const to = renames.get(m[2]);
      return to === undefined ? input : `${m[1]}${to}${m[3] ?? ''}`;
    };
    for (const n of this.nodes) {
      const to = renames.get(n.name ?? '');
      if (to !== undefined) n.name = to;
      n.input = (n.input ?? []).map(map);
    }
  }

  /** The GraphDef so far. `producer` is the GraphDef version (TF_GRAPH_DEF_VERSION) it claims. */
  graphDef(producer: number): GraphDefProto {
    return { node: [...this.nodes], versions: { producer } };
  }
}
