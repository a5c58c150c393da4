/**
 * The tfjs engine: the model on the worker-thread inference pool (node/parallel/), one wasm
 * backend per thread, so windows run on every core at once.
 */
import { availableParallelism } from 'node:os';
import type { NamedWeights, S3DGConfig } from '../../core/index.ts';
import { createInferencePool } from '../parallel/inference_pool.ts';
import type { PredictEngine } from './engine.ts';

export interface TfjsEngineOptions {
  config: Partial<S3DGConfig>;
  weights: NamedWeights;
  /** Worker threads; default: the number of cores. */
  threads?: number;
  /** Backend inside each worker (wasm; cpu for tests on tiny models). */
  backend?: 'wasm' | 'cpu';
}

/** Starts the pool's workers (each builds the model) and resolves once all are ready. */
export async function createTfjsEngine(options: TfjsEngineOptions): Promise<PredictEngine> {
  const threads = options.threads ?? availableParallelism();
  const backend = options.backend ?? 'wasm';
  const pool = await createInferencePool({ config: options.config, weights: options.weights, threads, backend });
  return {
    name: 'tfjs',
    description: `tfjs ${backend} (${threads} worker thread${threads === 1 ? '' : 's'})`,
    predict: (clips, shape) => pool.predict(clips, shape),
    close: () => pool.close(),
  };
}
