/**
 * A GraphDef in TensorFlow.js's graph-model form: `modelTopology` is the GraphDef as protobuf
 * JSON (what tfjs-converter writes and its OperationMapper reads: enum names such as
 * `{ type: 'DT_FLOAT' }`, int64 as decimal strings `{ list: { i: ['1', '2'] } }`, bytes as
 * base64 `{ s: 'U0FNRQ==' }`), with each Const's values moved out of the graph into the weights
 * (`weightSpecs` in node order, little-endian bytes concatenated in `weightData`), which is
 * where tfjs's executor takes Const values from.
 */
import type { AttrListProto, AttrValueProto, GraphDefProto, NodeDefProto } from '../formats/proto/graph.ts';
import { DataType, type TensorShapeProto } from '../formats/proto/tensor.ts';
import { int64ToNumber, type Int64Wire } from '../formats/proto/int64.ts';
import { tensorProtoValues } from '../formats/tensor_proto.ts';
import type { SignatureDefProto, TensorInfoProto } from '../formats/proto/saved_model.ts';

/** One weight as tfjs's weights manifest lists it. */
export interface TfjsWeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
}

/** JSON values (the protobuf JSON form of the graph). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A graph ready for `tf.io.fromMemory` / model.json. */
export interface TfjsGraphArtifacts {
  modelTopology: { node: JsonValue[]; library: Record<string, never>; versions: { producer: number } };
  weightSpecs: TfjsWeightEntry[];
  weightData: Uint8Array;
}

const DTYPE_NAMES = new Map<number, string>(Object.entries(DataType).map(([k, v]) => [v, k]));
const typeName = (t: number | undefined) => DTYPE_NAMES.get(t ?? 0) ?? 'DT_INVALID';
const int = (v: Int64Wire) => String(int64ToNumber(v));

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (protobuf JSON's encoding of bytes). */
export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? B64[n & 63] : '=';
  }
  return out;
}

function shapeJson(s: TensorShapeProto | null | undefined): JsonValue {
  if (s?.unknownRank) return { unknownRank: true };
  return { dim: (s?.dim ?? []).map((d) => ({ size: int(d.size ?? 0) })) };
}

function listJson(l: AttrListProto): JsonValue {
  const out: Record<string, JsonValue> = {};
  if (l.s?.length) out.s = l.s.map(base64);
  if (l.i?.length) out.i = l.i.map(int);
  if (l.f?.length) out.f = [...l.f];
  if (l.b?.length) out.b = [...l.b];
  if (l.type?.length) out.type = l.type.map(typeName);
  if (l.shape?.length) out.shape = l.shape.map(shapeJson);
  return out;
}

/** One AttrValue as protobuf JSON (Const tensors keep dtype and shape, not values). */
function attrJson(a: AttrValueProto): JsonValue {
  if (a.list) return { list: listJson(a.list) };
  if (a.tensor) return { tensor: { dtype: typeName(a.tensor.dtype), tensorShape: shapeJson(a.tensor.tensorShape) } };
  if (a.shape) return { shape: shapeJson(a.shape) };
  if (a.s !== undefined && a.s !== null && (a.value === undefined || a.value === 's')) return { s: base64(a.s) };
  if (a.type !== undefined && (a.value === undefined || a.value === 'type')) return { type: typeName(a.type) };
  if (a.b !== undefined && (a.value === undefined || a.value === 'b')) return { b: a.b };
  if (a.i !== undefined && (a.value === undefined || a.value === 'i')) return { i: int(a.i) };
  if (a.f !== undefined && (a.value === undefined || a.value === 'f')) return { f: a.f };
  return {};
}

/** A Const's values as little-endian bytes and tfjs dtype. */
function constBytes(node: NodeDefProto): { dtype: 'float32' | 'int32'; bytes: Uint8Array; shape: number[] } {
  const t = node.attr?.value?.tensor;
  if (!t) throw new Error(`tfjs graph: Const ${node.name} has no value`);
  const read = tensorProtoValues(t, `tfjs graph: Const ${node.name}`);
  if (!read) throw new Error(`tfjs graph: Const ${node.name} is ${typeName(t.dtype)}; only float32 and int32 weights are converted`);
  const { shape, values } = read;
  return {
    dtype: values instanceof Float32Array ? 'float32' : 'int32',
    bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    shape,
  };
}

/** Converts a GraphDef (as built or as decoded from saved_model.pb) to tfjs graph-model form. */
export function graphDefToTfjs(graph: GraphDefProto): TfjsGraphArtifacts {
  const weightSpecs: TfjsWeightEntry[] = [];
  const chunks: Uint8Array[] = [];
  const node = (graph.node ?? []).map((n): JsonValue => {
    if (n.op === 'Const') {
      const c = constBytes(n);
      weightSpecs.push({ name: n.name ?? '', shape: c.shape, dtype: c.dtype });
      chunks.push(c.bytes);
    }
    const attr: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(n.attr ?? {})) attr[k] = attrJson(v);
    return { name: n.name ?? '', op: n.op ?? '', input: [...(n.input ?? [])], attr };
  });
  const total = chunks.reduce((s, c) => s + c.length, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    weightData.set(c, offset);
    offset += c.length;
  }
  return { modelTopology: { node, library: {}, versions: { producer: graph.versions?.producer ?? 0 } }, weightSpecs, weightData };
}

/** A SignatureDef as protobuf JSON (model.json's `signature`, read by tfjs's GraphModel). */
export function signatureJson(sig: SignatureDefProto): JsonValue {
  const map = (m: Record<string, TensorInfoProto> | undefined) =>
    Object.fromEntries(
      Object.entries(m ?? {}).map(([k, t]) => [k, { name: t.name ?? '', dtype: typeName(t.dtype), tensorShape: shapeJson(t.tensorShape) }]),
    );
  return { inputs: map(sig.inputs), outputs: map(sig.outputs), methodName: sig.methodName ?? '' };
}
