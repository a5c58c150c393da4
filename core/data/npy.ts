/**
 * A reader for NumPy `.npy` files (format versions 1–3), for the per-video label arrays the
 * original project stored (uint8 or float, shape [num_classes] or [frames, num_classes]).
 * Numeric dtypes of either byte order; C order only.
 */

/** A decoded array: shape and values in C (row-major) order, as numbers. */
export interface NpyArray {
  shape: number[];
  /** NumPy dtype string as written, e.g. "|u1", "<f4". */
  dtype: string;
  data: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

type Getter = (view: DataView, offset: number, little: boolean) => number;
const GETTERS: Record<string, [number, Getter]> = {
  b1: [1, (v, o) => v.getUint8(o)],
  u1: [1, (v, o) => v.getUint8(o)],
  i1: [1, (v, o) => v.getInt8(o)],
  u2: [2, (v, o, l) => v.getUint16(o, l)],
  i2: [2, (v, o, l) => v.getInt16(o, l)],
  u4: [4, (v, o, l) => v.getUint32(o, l)],
  i4: [4, (v, o, l) => v.getInt32(o, l)],
  u8: [8, (v, o, l) => Number(v.getBigUint64(o, l))],
  i8: [8, (v, o, l) => Number(v.getBigInt64(o, l))],
  f4: [4, (v, o, l) => v.getFloat32(o, l)],
  f8: [8, (v, o, l) => v.getFloat64(o, l)],
};

/** Parses `.npy` bytes; `source` names the file in errors. */
export function readNpy(bytes: Uint8Array, source: string): NpyArray {
  const fail = (problem: string): never => {
    throw new Error(`${source}: ${problem}`);
  };
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) fail('not a .npy file (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`unsupported .npy version ${major}`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) fail('header runs past the end of the file');
  const header = new TextDecoder().decode(bytes.subarray(headerStart, dataStart));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) return fail(`cannot parse header ${header.trim()}`);
  if (fortran === 'True') fail('Fortran-order arrays are not supported; save with np.ascontiguousarray');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`bad shape (${shapeText})`);
  const order = descr[0];
  const getter = GETTERS[descr.slice(1)];
  if (!getter || !'<>|='.includes(order)) return fail(`unsupported dtype ${descr} (numeric dtypes only)`);
  const [itemSize, get] = getter;
  const count = shape.reduce((a, b) => a * b, 1);
  if (dataStart + count * itemSize > bytes.length)
    fail(`holds ${bytes.length - dataStart} data bytes, shape (${shape.join(', ')}) of ${descr} needs ${count * itemSize}`);
  const little = order !== '>';
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = get(view, dataStart + i * itemSize, little);
  return { shape, dtype: descr, data };
}
