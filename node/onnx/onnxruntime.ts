/**
 * onnxruntime-node, an optional dependency: loaded by dynamic import when first asked for, so
 * s3dg installs and runs without it. The few parts of its API we use are typed here, not
 * imported, so the project also type-checks where it is absent.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** An onnxruntime tensor (what `run` returns per output). */
export interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
  readonly type: string;
}

export interface OrtSessionOptions {
  executionProviders?: string[];
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  executionMode?: 'sequential' | 'parallel';
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>, fetches?: string[]): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

/** The module's surface s3dg uses. */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array | string, options?: OrtSessionOptions): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  env: { versions: { common?: string; node?: string } };
  listSupportedBackends?: () => Array<{ name: string; bundled: boolean }>;
}

/** Whether onnxruntime-node can run here: the module, or why not (one line). */
export type OnnxruntimeStatus = { available: true; ort: OrtModule; version: string } | { available: false; reason: string };

const PACKAGE = 'onnxruntime-node';
const loading = new Map<string, Promise<OnnxruntimeStatus>>();

/**
 * Loads onnxruntime-node once; never throws (a failure is the status's reason). `specifier`
 * names another module only in tests of the not-installed path.
 */
export function loadOnnxruntime(specifier = PACKAGE): Promise<OnnxruntimeStatus> {
  let status = loading.get(specifier);
  if (!status) {
    status = importOnnxruntime(specifier);
    loading.set(specifier, status);
  }
  return status;
}

async function importOnnxruntime(specifier: string): Promise<OnnxruntimeStatus> {
  try {
    const mod = (await import(specifier)) as { default?: OrtModule } & OrtModule;
    const ort = mod.default ?? mod;
    return { available: true, ort, version: ort.env.versions.node ?? ort.env.versions.common ?? 'unknown' };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') {
      return { available: false, reason: `${specifier} is not installed (an optional dependency; npm install ${specifier})` };
    }
    return { available: false, reason: `${specifier} does not load here: ${err.message.split('\n')[0]}` };
  }
}

/** Whether to try the CUDA provider, and if not, why not (for the log). */
export function cudaCandidate(ort: OrtModule): { use: boolean; reason: string } {
  if (!ort.listSupportedBackends?.().some((b) => b.name === 'cuda'))
    return { use: false, reason: 'this onnxruntime build has no CUDA provider' };
  if (!existsSync('/dev/nvidia0') && !existsSync('/proc/driver/nvidia/version')) return { use: false, reason: 'no NVIDIA GPU' };
  // The CUDA provider is not in the npm package: its install script downloads it unless told to skip (.npmrc does).
  const main = createRequire(import.meta.url).resolve(PACKAGE);
  const lib = join(dirname(main), '..', 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so');
  if (!existsSync(lib)) {
    return {
      use: false,
      reason: `an NVIDIA GPU is present but ${PACKAGE} was installed without its CUDA provider (reinstall with ONNXRUNTIME_NODE_INSTALL=cuda12)`,
    };
  }
  return { use: true, reason: 'NVIDIA GPU and CUDA provider present' };
}
