/**
 * The page's handle on the tfjs worker: starts the module worker and wraps its API with
 * comlink. Frame buffers are sent with `Comlink.transfer` (moved, not copied).
 */
import * as Comlink from 'comlink';
import type { WorkerApi } from './worker/s3dg_worker.ts';

export type { WorkerApi };

/** Starts the worker; every call on the result is an async message to it. */
export function startWorker(): Comlink.Remote<WorkerApi> {
  const worker = new Worker(new URL('./worker/s3dg_worker.ts', import.meta.url), { type: 'module', name: 's3dg-tfjs' });
  return Comlink.wrap<WorkerApi>(worker);
}

/** Sends one RGBA frame to the worker, moving its buffer. */
export function sendFrame(
  api: Comlink.Remote<WorkerApi>,
  id: number,
  rgba: Uint8ClampedArray<ArrayBuffer>,
  width: number,
  height: number,
): Promise<number> {
  return api.addFrame(id, Comlink.transfer(rgba.buffer, [rgba.buffer]), width, height);
}
