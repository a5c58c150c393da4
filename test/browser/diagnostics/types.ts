/** What the diagnostics page (index.html) reports and offers to tests and the browser bench. */
import type { BackendName } from '../../../web/worker/backends.ts';
import type { S3DGConfig } from '../../../core/model/config.ts';
import type { ParityCase, ParityScope } from '../../parity_cases.ts';

export type { ParityCase, ParityScope };

export interface ParityReport {
  backend: BackendName;
  cases: ParityCase[];
  /** On wasm: whether our own SIMD kernels (core/tfjs/kernels/wasm/) loaded, so the cases ran them. */
  wasmKernels?: boolean;
}

/** Clip size of a timed window. */
export interface BenchClip {
  clipLength: number;
  frameHeight: number;
  frameWidth: number;
}

/** Milliseconds of the first pass and of each timed pass (including the read-back). */
export interface ForwardTiming {
  backend: string;
  firstMs: number;
  runsMs: number[];
}

/** Which backend runs in the diagnostics worker, and which ones it can run. */
export interface WorkerBackends {
  active: BackendName;
  usable: BackendName[];
}

/** `window.s3dgDiagnostics`: parity in the page and in the diagnostics worker, forward timing in the worker. */
export interface DiagnosticsHooks {
  /** Backends usable in the page and in the worker. */
  backends(): Promise<{ page: BackendName[]; worker: BackendName[] }>;
  page(backend: BackendName, which?: ParityScope): Promise<ParityReport>;
  worker(backend: BackendName, which?: ParityScope): Promise<ParityReport>;
  /** Activates `backend` in the worker (falling back down the list when unusable). */
  setWorkerBackend(backend: string): Promise<WorkerBackends>;
  /** Times `runs` forward passes of S3D-G (`config`, initial weights) in the worker. */
  timeForward(config: Partial<S3DGConfig>, clip: BenchClip, runs: number): Promise<ForwardTiming>;
}
