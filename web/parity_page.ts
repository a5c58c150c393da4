/**
 * The parity page: runs worker/parity.ts on the page's own main thread and in the app's worker,
 * for every usable backend. Tests call `window.s3dgParity`; people press Run.
 */
import { runParity } from './worker/parity.ts';
import { activateBackend, usableBackends } from './worker/backends.ts';
import type { ParityHooks } from './worker/parity_types.ts';
import { startWorker } from './worker_client.ts';

declare global {
  interface Window {
    s3dgParity: ParityHooks;
  }
}

const worker = startWorker();

window.s3dgParity = {
  async backends() {
    const page = await usableBackends(await activateBackend('webgpu'));
    const w = await worker.init('webgpu');
    return { page, worker: w.usable };
  },
  page: (backend, which = 'all') => runParity(backend, which),
  worker: (backend, which = 'all') => worker.parity(backend, which),
};

document.getElementById('run')?.addEventListener('click', async () => {
  const out = document.getElementById('out')!;
  const { page, worker: inWorker } = await window.s3dgParity.backends();
  for (const [where, list] of [['page', page], ['worker', inWorker]] as const) {
    for (const b of list.filter((x) => x !== 'cpu')) {
      const r = await window.s3dgParity[where](b);
      for (const c of r.cases) out.textContent += `${where} ${b} ${c.ok ? 'ok  ' : 'FAIL'} ${c.maxAbsDiff.toExponential(2)} ${c.name}\n`;
    }
  }
});
document.body.dataset.ready = 'true';
