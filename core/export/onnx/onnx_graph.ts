/**
 * Builds an ONNX GraphProto node by node: unique value names under a scope (the TF layer the
 * node belongs to, `InceptionV1/Mixed_4b/Branch_1/Conv2d_0b_3x3/Conv`), typed attribute
 * helpers, initializers from typed arrays, and the ModelProto around the graph.
 * Every node has one output, named like the node, so names in onnxruntime's errors and in
 * viewers read as the layer they come from.
 */
import {
  OnnxAttributeType,
  OnnxDataType,
  type OnnxAttributeProto,
  type OnnxDimension,
  type OnnxModelProto,
  type OnnxNodeProto,
  type OnnxTensorProto,
  type OnnxValueInfoProto,
} from '../../formats/proto/onnx.ts';

/** The operator set the exported graphs use: opset 17 (ONNX 1.12, 2022) runs on every current runtime. */
export const ONNX_OPSET = 17;
/** IR version that goes with opset 17. */
export const ONNX_IR_VERSION = 8;

/** AttributeProto constructors, named after the ONNX attribute type they make. */
export const onnxAttr = {
  int: (name: string, i: number): OnnxAttributeProto => ({ name, type: OnnxAttributeType.INT, i }),
  ints: (name: string, ints: number[]): OnnxAttributeProto => ({ name, type: OnnxAttributeType.INTS, ints }),
  float: (name: string, f: number): OnnxAttributeProto => ({ name, type: OnnxAttributeType.FLOAT, f }),
  string: (name: string, s: string): OnnxAttributeProto => ({ name, type: OnnxAttributeType.STRING, s: new TextEncoder().encode(s) }),
};

/** Element types an exported graph uses. */
export type OnnxElemType = 'float32' | 'int64';

const ELEM_TYPE: Record<OnnxElemType, number> = { float32: OnnxDataType.FLOAT, int64: OnnxDataType.INT64 };

/** Little-endian bytes of a typed array (typed arrays are little-endian on every host we run on). */
function rawBytes(values: Float32Array | BigInt64Array): Uint8Array {
  const copy = values.slice();
  return new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength);
}

/** A ValueInfoProto; dims are sizes or symbolic names. */
export function valueInfo(name: string, elemType: OnnxElemType, dims: Array<number | string>): OnnxValueInfoProto {
  const dim: OnnxDimension[] = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: ELEM_TYPE[elemType], shape: { dim } } } };
}

/** What the model says about itself (ModelProto's producer fields and metadata). */
export interface OnnxModelInfo {
  /** Producer, e.g. "s3dg 0.1.0": the name before the first space, the version after. */
  producer: string;
  docString?: string;
  metadata?: Record<string, string>;
}

/** Accumulates nodes, initializers, inputs and outputs in creation (topological) order. */
export class OnnxGraph {
  private readonly nodes: OnnxNodeProto[] = [];
  private readonly initializers: OnnxTensorProto[] = [];
  private readonly inputs: OnnxValueInfoProto[] = [];
  private readonly outputs: OnnxValueInfoProto[] = [];
  private readonly used = new Set<string>();
  /** Prefix of the names made next (no trailing slash); '' for none. */
  scope = '';

  /** `base` under the current scope (unless `absolute`), made unique with `_1`, `_2`, … */
  uniqueName(base: string, absolute = false): string {
    const full = absolute || this.scope === '' ? base : `${this.scope}/${base}`;
    let name = full;
    for (let k = 1; this.used.has(name); k++) name = `${full}_${k}`;
    this.used.add(name);
    return name;
  }

  /** A graph input; returns its name (taken as is). */
  input(name: string, elemType: OnnxElemType, dims: Array<number | string>): string {
    if (this.used.has(name)) throw new Error(`onnx: a value named ${name} already exists`);
    this.used.add(name);
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** An initializer (a constant the runtime loads with the model); returns its unique name. */
  initializer(base: string, dims: number[], values: Float32Array | BigInt64Array, absolute = false): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (values.length !== count) throw new Error(`onnx: initializer ${base} has ${values.length} values for dims [${dims}]`);
    const name = this.uniqueName(base, absolute);
    const dataType = values instanceof Float32Array ? OnnxDataType.FLOAT : OnnxDataType.INT64;
    this.initializers.push({ name, dims, dataType, rawData: rawBytes(values) });
    return name;
  }

  /** An int64 vector initializer (axes, shapes). */
  int64s(base: string, values: number[]): string {
    return this.initializer(
      base,
      [values.length],
      BigInt64Array.from(values, (v) => BigInt(v)),
    );
  }

  /** Adds a one-output node `opType` named after it under the scope; returns the output's name. */
  node(opType: string, inputs: string[], attributes: OnnxAttributeProto[] = [], name = opType, absolute = false): string {
    const unique = this.uniqueName(name, absolute);
    this.nodes.push({ name: unique, opType, input: inputs, output: [unique], attribute: attributes });
    return unique;
  }

  /** Declares `value` a graph output. */
  output(value: string, elemType: OnnxElemType, dims: Array<number | string>): void {
    this.outputs.push(valueInfo(value, elemType, dims));
  }

  /** Node op types in creation order (tests read the graph's structure through this). */
  opTypes(): string[] {
    return this.nodes.map((n) => n.opType ?? '');
  }

  /** The ModelProto: this graph under opset {@link ONNX_OPSET} of the default domain. */
  model(graphName: string, info: OnnxModelInfo): OnnxModelProto {
    const space = info.producer.indexOf(' ');
    return {
      irVersion: ONNX_IR_VERSION,
      producerName: space < 0 ? info.producer : info.producer.slice(0, space),
      producerVersion: space < 0 ? '' : info.producer.slice(space + 1),
      docString: info.docString,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      metadataProps: Object.entries(info.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: graphName,
        node: [...this.nodes],
        initializer: [...this.initializers],
        input: [...this.inputs],
        output: [...this.outputs],
      },
    };
  }
}
