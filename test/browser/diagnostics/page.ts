/**
 * The diagnostics page: parity (parity.ts) on the page's own main thread and in the diagnostics
 * worker, for every usable backend, and forward timing in the worker. Tests and the browser
 * bench call `window.s3dgDiagnostics`; people press Run.
 */
import * as Comlink from 'comlink';
import { runParity } from './parity.ts';
import { activateBackend, usableBackends } from '../../../web/worker/backends.ts';
import type { DiagnosticsHooks } from './types.ts';
import type { DiagnosticsWorkerApi } from './worker.ts';

declare global {
  interface Window {
    s3dgDiagnostics: DiagnosticsHooks;
  }
}

const worker = Comlink.wrap<DiagnosticsWorkerApi>(
  new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 's3dg-diagnostics' }),
);

window.s3dgDiagnostics = {
  async backends() {
    const page = await usableBackends(await activateBackend('webgpu'));
    const w = await worker.init('webgpu');
    return { page, worker: w.usable };
  },
  page: (backend, which = 'all') => runParity(backend, which),
  worker: (backend, which = 'all') => worker.parity(backend, which),
  setWorkerBackend: (backend) => worker.setBackend(backend),
  timeForward: (config, clip, runs) => worker.timeForward(config, clip, runs),
};

document.getElementById('run')?.addEventListener('click', async () => {
  const out = document.getElementById('out')!;
  const { page, worker: inWorker } = await window.s3dgDiagnostics.backends();
  for (const [where, list] of [
    ['page', page],
    ['worker', inWorker],
  ] as const) {
    for (const b of list.filter((x) => x !== 'cpu')) {
      const r = await window.s3dgDiagnostics[where](b);
      for (const c of r.cases) out.textContent += `${where} ${b} ${c.ok ? 'ok  ' : 'FAIL'} ${c.maxAbsDiff.toExponential(2)} ${c.name}\n`;
    }
  }
});
document.body.dataset.ready = 'true';
