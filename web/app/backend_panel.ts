/**
 * The backend selector: shows the worker's active backend and switches it on request. A switch
 * waits for the job queue (it moves the model's weights) and is refused while a prediction or
 * fine-tune runs; a refused or failed choice never stays in the selector: it reverts, and the
 * message says why.
 */
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

function refuse(select: HTMLSelectElement, why: string): void {
  select.value = document.body.dataset.backend ?? '';
  showMessage(why);
  document.body.dataset.backendRefused = String(Date.now());
}

async function switchBackend(state: AppState, select: HTMLSelectElement): Promise<void> {
  const name = select.value;
  if (state.busy) return refuse(select, `${name}: wait until ${state.busy} has finished (or cancel it) before switching backend`);
  state.busy = 'switching backend';
  select.disabled = true;
  byId('backend').textContent = `switching to ${name}…`;
  const job = state.predictions.then(() => state.api.setBackend(name));
  state.predictions = job.then(
    () => undefined,
    () => undefined,
  );
  try {
    show(await job);
    showMessage(null);
  } catch (e) {
    show(await state.api.backends());
    refuse(select, `backend ${errorText(e)}`);
  } finally {
    state.busy = null;
    select.disabled = false;
  }
}

/** Starts the worker's backend (`?backend=` or the best available) and wires the selector. */
export async function setupBackendPanel(state: AppState): Promise<void> {
  const requested = new URLSearchParams(location.search).get('backend') ?? 'webgpu';
  show(await state.api.init(requested));
  const select = byId<HTMLSelectElement>('backend-select');
  select.addEventListener('change', () => void switchBackend(state, select));
}
