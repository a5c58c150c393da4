/**
 * Messages between the inference pool (main thread) and its workers. Float32Arrays travel as
 * transferables: their buffers move, nothing is copied.
 */
import type { S3DGConfig, NamedWeights } from '../../core/index.ts';

/** The worker's `workerData`: what to build and which backend to build it on. */
export interface InferenceWorkerInit {
  config: Partial<S3DGConfig>;
  weights: NamedWeights;
  /** tfjs backend inside the worker; wasm unless a test asks for cpu. */
  backend: 'wasm' | 'cpu';
}

/** Main → worker: run the model on one batch of clips [B,T,H,W,C]. */
export interface PredictRequest {
  id: number;
  clip: Float32Array;
  shape: number[];
}

/** Worker → main. `ready` once the model is built; then one reply per request. */
export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'failed'; message: string }
  | { kind: 'result'; id: number; probabilities: Float32Array }
  | { kind: 'error'; id: number; message: string };
