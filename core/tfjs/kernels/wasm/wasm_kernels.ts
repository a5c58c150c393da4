/**
 * Our hand-written WebAssembly kernels (the .wat files here), run on the memory of tfjs's wasm
 * backend: each module imports that memory, so a kernel reads and writes tensors where they are,
 * by their byte offsets, with no copies. One instance per backend memory (a worker has its own).
 *
 * The modules use SIMD, as do the tfjs wasm builds we run on; where the host lacks it (or tfjs
 * runs its plain build), `wasmKernelsOf` returns undefined and callers keep their JS route.
 */
import type { DataId, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { COMPILED_MODULES } from './compiled_modules.ts';

/** The exports of our modules; pointers are byte offsets, counts i32. */
export interface WasmKernels {
  /** max_pool_grad.wat */
  maxPoolGrad(
    x: number,
    dy: number,
    dx: number,
    n: number,
    h: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
    sh: number,
    sw: number,
    kh: number,
    kw: number,
    top: number,
    left: number,
  ): void;
  /** batch_norm_relu.wat: x [rows, C], C a multiple of 4; scratch holds C floats. */
  batchNormReluForward(
    x: number,
    offset: number,
    rows: number,
    c: number,
    epsilon: number,
    centered: number,
    value: number,
    mean: number,
    variance: number,
    scale: number,
    scratch: number,
  ): void;
  /** batch_norm_relu.wat: scratch holds 4·C floats. */
  batchNormReluBackward(
    dz: number,
    value: number,
    centered: number,
    scale: number,
    rows: number,
    c: number,
    dx: number,
    sumDy: number,
    scratch: number,
  ): void;
}

/** The parts of tfjs's BackendWasm this needs (its Emscripten module and tensor table). */
interface BackendWasmInternals {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(id: DataId): { memoryOffset: number } | undefined };
}

const isBackendWasm = (b: KernelBackend): b is KernelBackend & BackendWasmInternals => 'wasm' in b && 'dataIdMap' in b;

const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));

// null: tried, unavailable on this memory (no SIMD, an unknown memory).
const instances = new WeakMap<WebAssembly.Memory, WasmKernels | null>();

function instantiate(memory: WebAssembly.Memory): WasmKernels | null {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const exports: Record<string, unknown> = {};
  for (const compiled of Object.values(COMPILED_MODULES)) {
    const bytes = bytesOf(shared ? compiled.sharedMemory : compiled.plainMemory);
    if (!WebAssembly.validate(bytes)) return null;
    Object.assign(exports, new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports);
  }
  return exports as unknown as WasmKernels;
}

/** Our kernels on `backend`'s memory, or undefined where it is not tfjs's wasm or they cannot run. */
export function wasmKernelsOf(backend: KernelBackend): WasmKernels | undefined {
  if (!isBackendWasm(backend)) return undefined;
  // The threaded build keeps its (shared) memory in wasmMemory, the others export theirs.
  const memory = backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
  return memory === undefined ? undefined : wasmKernelsOn(memory);
}

/** Our kernels on `memory` (instantiated once per memory), or undefined where they cannot run. */
export function wasmKernelsOn(memory: WebAssembly.Memory): WasmKernels | undefined {
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    kernels = instantiate(memory);
    instances.set(memory, kernels);
  }
  return kernels ?? undefined;
}

/** The byte offset of a wasm backend tensor in its memory. */
export function heapOffset(backend: KernelBackend, t: TensorInfo): number {
  const entry = isBackendWasm(backend) ? backend.dataIdMap.get(t.dataId) : undefined;
  if (entry === undefined) throw new Error('heapOffset: not a tensor of the wasm backend');
  return entry.memoryOffset;
}

/** heapOffset on one backend, for a kernel's arguments. */
export const heapOffsetsOn =
  (backend: KernelBackend) =>
  (t: TensorInfo): number =>
    heapOffset(backend, t);
