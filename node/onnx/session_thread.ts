/**
 * onnxruntime sessions on a worker thread (onnx_worker.ts), driven from the main thread by
 * request id. Model bytes and clips travel as transferables (moved, not copied); the worker is
 * unref'd while nothing is pending, so an idle engine never keeps the process alive.
 */
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../parallel/ts_worker.ts';
import type { OrtSessionOptions } from './onnxruntime.ts';

/** Main → worker. */
export type SessionRequest =
  | { kind: 'open'; id: number; key: string; model: Uint8Array; options: OrtSessionOptions }
  | { kind: 'run'; id: number; key: string; input: string; output: string; clips: Float32Array; shape: number[] };

/** Worker → main: one reply per request. */
export type SessionReply =
  | { kind: 'done'; id: number }
  | { kind: 'result'; id: number; values: Float32Array }
  | { kind: 'error'; id: number; message: string };

interface Pending {
  resolve(reply: SessionReply): void;
  reject(e: Error): void;
}

/** The worker and its pending requests. */
export class SessionThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  constructor() {
    this.worker = startTsWorker(new URL('./onnx_worker.ts', import.meta.url));
    this.worker.unref();
    this.worker.on('message', (reply: SessionReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.settled(reply.id);
      if (reply.kind === 'error') p.reject(new Error(reply.message));
      else p.resolve(reply);
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    this.worker.on('error', (e) => fail(new Error(`the onnxruntime worker failed: ${e.message}`)));
    this.worker.on('exit', (code) => fail(new Error(`the onnxruntime worker exited (code ${code})`)));
  }

  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
  }

  private call(request: SessionRequest, transfer: ArrayBuffer[] = []): Promise<SessionReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage(request, transfer);
    });
  }

  /** Opens a session for `key` from `model` (its buffer moves to the worker when `model` spans all of it). */
  async open(key: string, model: Uint8Array, options: OrtSessionOptions): Promise<void> {
    const whole = model.byteOffset === 0 && model.byteLength === model.buffer.byteLength ? model : model.slice();
    await this.call({ kind: 'open', id: this.nextId++, key, model: whole, options }, [whole.buffer as ArrayBuffer]);
  }

  /** Runs `key`'s session on `clips` (copied) and returns output `output`'s values. */
  async run(key: string, input: string, output: string, clips: Float32Array, shape: number[]): Promise<Float32Array> {
    const copy = clips.slice();
    const reply = await this.call({ kind: 'run', id: this.nextId++, key, input, output, clips: copy, shape }, [copy.buffer]);
    if (reply.kind !== 'result') throw new Error('the onnxruntime worker sent no result');
    return reply.values;
  }

  /** Rejects pending requests, then stops the worker (its sessions go with it). */
  async close(): Promise<void> {
    this.failure ??= new Error('the onnxruntime engine is closed');
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    await this.worker.terminate();
  }
}
