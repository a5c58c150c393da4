/**
 * A TensorProto's shape and values (float32 or int32): the packed `tensor_content`, else the
 * repeated field, whose first value fills what the field leaves out (a splat of one value).
 * Used wherever a graph's Consts are read (tfjs graph conversion, SavedModel weights).
 */
import { int64ToNumber } from './proto/int64.ts';
import { DataType, type TensorProto } from './proto/tensor.ts';

export function tensorProtoShape(t: TensorProto): number[] {
  return (t.tensorShape?.dim ?? []).map((d) => int64ToNumber(d.size ?? 0));
}

/** The values of a DT_FLOAT or DT_INT32 tensor; null for other types. Throws, naming `where`, when they do not fill the shape. */
export function tensorProtoValues(t: TensorProto, where: string): { shape: number[]; values: Float32Array | Int32Array } | null {
  const shape = tensorProtoShape(t);
  const count = shape.reduce((a, b) => a * b, 1);
  const packed = t.tensorContent?.length ? t.tensorContent.slice().buffer : null;
  let values: Float32Array | Int32Array;
  if (t.dtype === DataType.DT_FLOAT) {
    values = packed ? new Float32Array(packed) : new Float32Array(count).fill(t.floatVal?.[0] ?? 0);
    if (!packed && t.floatVal) values.set(t.floatVal.slice(0, count));
  } else if (t.dtype === DataType.DT_INT32) {
    values = packed ? new Int32Array(packed) : new Int32Array(count).fill(t.intVal?.[0] ?? 0);
    if (!packed && t.intVal) values.set(t.intVal.slice(0, count));
  } else {
    return null;
  }
  if (values.length !== count) throw new Error(`${where} holds ${values.length} values for shape [${shape}]`);
  return { shape, values };
}
