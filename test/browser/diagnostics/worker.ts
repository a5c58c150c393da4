/**
 * The diagnostics' module worker: the app's backends (web/worker/backends.ts: activation and
 * kernel install) with parity and forward timing instead of the app's model and videos.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs-core';
import { activateBackend, isBackendName, tryBackend, usableBackends } from '../../../web/worker/backends.ts';
import type { S3DGConfig } from '../../../core/model/config.ts';
import { runParity } from './parity.ts';
import { timeForward } from './forward_timing.ts';
import type { BenchClip, ForwardTiming, ParityReport, ParityScope, WorkerBackends } from './types.ts';

const api = {
  /** Activates the first usable backend from `preferred` on; lists the usable ones. */
  async init(preferred: string = 'webgpu'): Promise<WorkerBackends> {
    const active = await activateBackend(isBackendName(preferred) ? preferred : 'webgpu');
    return { active, usable: await usableBackends(active) };
  },

  /** Switches backend; falls back down the list when `name` is unusable. */
  async setBackend(name: string): Promise<WorkerBackends> {
    if (!isBackendName(name)) throw new Error(`unknown backend ${name}`);
    const active = (await tryBackend(name)) ? name : await activateBackend(name);
    return { active, usable: await usableBackends(active) };
  },

  /** Ops and model parity of `backend` against cpu; restores the backend that was active. */
  async parity(backend: string, which: ParityScope = 'all'): Promise<ParityReport> {
    if (!isBackendName(backend)) throw new Error(`unknown backend ${backend}`);
    const previous = tf.getBackend();
    try {
      return await runParity(backend, which);
    } finally {
      if (isBackendName(previous)) await tryBackend(previous);
    }
  },

  /** Times forward passes of S3D-G (`config`, initial weights) on one window, on the active backend. */
  timeForward(config: Partial<S3DGConfig>, clip: BenchClip, runs: number): Promise<ForwardTiming> {
    return timeForward(config, clip, runs);
  },
};

/** The worker's API as the page sees it (through comlink). */
export type DiagnosticsWorkerApi = typeof api;

Comlink.expose(api);
