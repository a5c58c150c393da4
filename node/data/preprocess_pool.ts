/**
 * Clip preprocessing in `node:worker_threads`, so colour distortion of the next batch runs on
 * the other core while the model computes. Use `pool.preprocess` as the input pipeline's
 * `preprocess` and `pool.size` as its `parallelism`. Results are identical to running
 * preprocessClip on the main thread: the distortion parameters are drawn by the pipeline.
 */
import { Worker } from 'node:worker_threads';
import type { ClipPreprocessor, ColorDistortion, FrameShape } from '../../core/index.ts';

/** Message to a worker. */
export interface PreprocessRequest {
  id: number;
  clip: Uint8Array;
  distortion: ColorDistortion | null;
}

/** Message back: the float clip, or why it failed. */
export type PreprocessReply = { id: number; clip: Float32Array } | { id: number; error: string };

interface Pending {
  resolve(clip: Float32Array): void;
  reject(e: Error): void;
}

/**
 * The worker script is TypeScript. Loader flags (--import tsx) do not reach worker threads on
 * Node 20, so a tiny bootstrap registers tsx inside the worker, then imports the script.
 */
function bootstrap(script: URL): string {
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return `import(${tsx}).then((m) => { m.register(); return import(${JSON.stringify(script.href)}); });`;
}

export class PreprocessPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private nextWorker = 0;
  private failure: Error | null = null;

  /** Starts `size` workers for clips of `shape` ([T, H, W, C] with this H, W, C). */
  constructor(
    readonly size: number,
    shape: FrameShape,
  ) {
    const code = bootstrap(new URL('./preprocess_worker.ts', import.meta.url));
    for (let i = 0; i < size; i++) {
      const worker = new Worker(code, { eval: true, workerData: shape });
      worker.on('message', (reply: PreprocessReply) => this.settle(reply));
      worker.on('error', (e) => this.fail(new Error(`preprocessing worker failed: ${e.message}`)));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`preprocessing worker exited with code ${code}`));
      });
      worker.unref(); // an idle pool must not keep the process alive
      this.workers.push(worker);
    }
  }

  /** A ClipPreprocessor that sends each clip to the next worker in turn. */
  readonly preprocess: ClipPreprocessor = (clip, distortion) => {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const worker = this.workers[this.nextWorker];
    this.nextWorker = (this.nextWorker + 1) % this.workers.length;
    // Copy into a buffer of its own: the record may be a view into a larger file chunk.
    const own = clip.slice();
    const request: PreprocessRequest = { id, clip: own, distortion };
    return new Promise<Float32Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage(request, [own.buffer as ArrayBuffer]);
    });
  };

  private settle(reply: PreprocessReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) for (const w of this.workers) w.unref();
    if ('error' in reply) p.reject(new Error(`preprocessing failed: ${reply.error}`));
    else p.resolve(reply.clip);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Stops the workers; pending clips are rejected. */
  async close(): Promise<void> {
    this.fail(new Error('preprocessing pool closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
