/** Results of the in-browser parity checks (web/worker/parity.ts), shared with the tests. */

/** The backends the app offers, in order of preference. */
export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** One compared computation. */
export interface ParityCase {
  name: string;
  /** Largest |backend − cpu| over all outputs. */
  maxAbsDiff: number;
  /** Largest |cpu| value: the tolerance is relative to max(1, this). */
  maxAbsValue: number;
  tolerance: number;
  ok: boolean;
}

export interface ParityReport {
  backend: BackendName;
  cases: ParityCase[];
  /** On wasm: whether our own SIMD kernels (core/kernels/wasm/) loaded, so the cases ran them. */
  wasmKernels?: boolean;
}

/** What the parity page offers to tests (`window.s3dgParity`). */
export interface ParityHooks {
  /** Backends usable in the page and in the worker. */
  backends(): Promise<{ page: BackendName[]; worker: BackendName[] }>;
  page(backend: BackendName, which?: 'ops' | 'model' | 'all'): Promise<ParityReport>;
  worker(backend: BackendName, which?: 'ops' | 'model' | 'all'): Promise<ParityReport>;
}
