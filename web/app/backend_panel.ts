/** The backend selector: shows the worker's active backend and switches it on request. */
import type { BackendStatus } from '../worker/s3dg_worker.ts';
import { byId, el, errorText, showMessage } from '../ui/dom.ts';
import type { AppState } from './state.ts';

function show(status: BackendStatus): void {
  const select = byId<HTMLSelectElement>('backend-select');
  select.replaceChildren(...status.usable.map((b) => el('option', b, { value: b })));
  select.value = status.active;
  byId('backend').textContent = status.active;
  document.body.dataset.backend = status.active;
}

/** Starts the worker's backend (`?backend=` or the best available) and wires the selector. */
export async function setupBackendPanel(state: AppState): Promise<void> {
  const requested = new URLSearchParams(location.search).get('backend') ?? 'webgpu';
  show(await state.api.init(requested));
  const select = byId<HTMLSelectElement>('backend-select');
  select.addEventListener('change', async () => {
    if (state.busy) {
      showMessage(`wait until ${state.busy} has finished before switching backend`);
      return;
    }
    try {
      show(await state.api.setBackend(select.value));
    } catch (e) {
      showMessage(`backend ${select.value}: ${errorText(e)}`);
    }
  });
}
