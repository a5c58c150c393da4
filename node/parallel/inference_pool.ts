/**
 * Stream inference on several cores: a pool of `worker_threads`, each with its own tfjs and
 * wasm backend (wasm is single-threaded in Node) and the same model weights. Clips are queued
 * and each worker runs one at a time, so with N threads N clips are in flight.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { S3DGConfig, NamedWeights } from '../../core/index.ts';
import type { InferenceWorkerInit, PredictRequest, WorkerReply } from './protocol.ts';
import { startTsWorker } from './ts_worker.ts';
import { transferableCopy } from './weights.ts';

export interface InferencePoolOptions {
  /** The model, as `new S3DG(config)` takes it; numClasses must be > 0. */
  config: Partial<S3DGConfig>;
  /** Every variable's values keyed by TF name (`TfjsModel.namedWeights()`); copied, never consumed. */
  weights: NamedWeights;
  /** Worker threads; default: the number of cores. */
  threads?: number;
  /** Backend inside each worker; default wasm (cpu is for tests on tiny models). */
  backend?: 'wasm' | 'cpu';
}

export interface InferencePool {
  readonly threads: number;
  /**
   * Predictions (sigmoid or softmax, as the config says) for `clip` laid out `shape`:
   * [B,T,H,W,C] or [T,H,W,C] for one clip; returns B × numClasses values. The clip is copied.
   */
  predict(clip: Float32Array, shape: number[]): Promise<Float32Array>;
  /** Finishes nothing: rejects queued and running requests, then stops every worker. */
  close(): Promise<void>;
}

interface Job {
  request: PredictRequest;
  resolve(p: Float32Array): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

/** Waits for a new worker's first message: ready, or why it could not build the model. */
function whenReady(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: WorkerReply) => {
      cleanup();
      if (m.kind === 'ready') resolve();
      else reject(new Error(`inference worker failed to start: ${m.kind === 'failed' ? m.message : m.kind}`));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(new Error(`inference worker failed to start: ${e.message}`));
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`inference worker exited with code ${code} while starting`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/**
 * Starts `threads` workers, each building the model from `config` and `weights`, and resolves
 * once all are ready. Close the pool when done: its workers are unref'd while idle, so an
 * unclosed pool does not keep the process alive, but it holds their memory.
 */
export async function createInferencePool(options: InferencePoolOptions): Promise<InferencePool> {
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`inference pool: threads must be a positive integer, got ${threads}`);
  if ((options.config.numClasses ?? 1) === 0) throw new Error('inference pool: the model needs numClasses > 0 to predict');
  const script = new URL('./inference_worker.ts', import.meta.url);
  const slots: Slot[] = [];
  for (let i = 0; i < threads; i++) {
    const { weights, buffers } = transferableCopy(options.weights);
    const init: InferenceWorkerInit = { config: options.config, weights, backend: options.backend ?? 'wasm' };
    slots.push({ worker: startTsWorker(script, { workerData: init, transferList: buffers }), job: null });
  }
  try {
    await Promise.all(slots.map((s) => whenReady(s.worker)));
  } catch (e) {
    await Promise.all(slots.map((s) => s.worker.terminate()));
    throw e;
  }
  return new Pool(slots);
}

class Pool implements InferencePool {
  private readonly queue: Job[] = [];
  private nextId = 0;
  private failure: Error | null = null;

  constructor(private readonly slots: Slot[]) {
    for (const slot of slots) {
      slot.worker.on('message', (m: WorkerReply) => this.settle(slot, m));
      slot.worker.on('error', (e) => this.fail(new Error(`inference worker failed: ${e.message}`)));
      slot.worker.on('exit', (code) => this.fail(new Error(`inference worker exited with code ${code}`)));
      slot.worker.unref();
    }
  }

  get threads(): number {
    return this.slots.length;
  }

  predict(clip: Float32Array, shape: number[]): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure);
    const full = shape.length === 4 ? [1, ...shape] : shape;
    const size = full.reduce((a, b) => a * b, 1);
    if (full.length !== 5 || size !== clip.length) {
      return Promise.reject(new Error(`predict: shape [${shape}] (${size} values) does not fit a clip of ${clip.length} values`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, clip, shape: full }, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.fail(new Error('inference pool closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  /** Hands queued jobs to idle workers; a busy worker keeps the process alive until it answers. */
  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage(job.request);
    }
  }

  private settle(slot: Slot, m: WorkerReply): void {
    const job = slot.job;
    if (!job || (m.kind !== 'result' && m.kind !== 'error') || m.id !== job.request.id) return;
    slot.job = null;
    slot.worker.unref();
    if (m.kind === 'result') job.resolve(m.probabilities);
    else job.reject(new Error(`inference worker: ${m.message}`));
    this.dispatch();
  }

  /** Rejects everything queued or running; later calls reject with the same error. */
  private fail(e: Error): void {
    if (!this.failure) this.failure = e;
    for (const job of this.queue.splice(0)) job.reject(this.failure);
    for (const slot of this.slots) {
      slot.job?.reject(this.failure);
      slot.job = null;
    }
  }
}
