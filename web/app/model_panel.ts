/**
 * The model panel: the demo model at start (or `?model=<url>`), another model by URL or from
 * local files (picker or drop), models kept in this browser. Loading happens in the worker
 * (fetch, shard hashes, config check); failures show a message naming the URL or file.
 */
import type { ModelSummary } from '../worker/model_session.ts';
import { byId, el, errorText, onDrop, showMessage } from '../ui/dom.ts';
import type { AppState } from './state.ts';
import { confirmAction } from '../ui/confirm_dialog.ts';

/** Where the bundled demo model lives, relative to the page. */
export const DEMO_MODEL_URL = './models/demo/model.json';

function describe(m: ModelSummary): string {
  const metrics = m.provenance.evalMetrics
    ? Object.entries(m.provenance.evalMetrics)
        .map(([k, v]) => `${k} ${v.toFixed(3)}`)
        .join(', ')
    : 'none';
  return (
    `${m.source} — ${m.classNames.length} classes (${m.classNames.join(', ')}); clip ${m.clipLength}×${m.frameHeight}×${m.frameWidth}` +
    `${m.fps ? ` at ${m.fps} fps` : ''}; depth multiplier ${m.depthMultiplier}; ${m.parameters.toLocaleString('en')} parameters; ` +
    `step ${m.provenance.globalStep}; eval: ${metrics}`
  );
}

/** Makes `summary` the page's model and re-predicts the clip on show. */
export async function modelLoaded(state: AppState, summary: ModelSummary, after: () => Promise<void>): Promise<void> {
  state.model = summary;
  state.modelPrepKey = summary.prepKey;
  const words = summary.classNames.map((c) => c.replaceAll('_', ' '));
  byId('model-classes').textContent = `This model detects ${words.length} things: ${words.join('; ')}.`;
  const info = byId('model-info');
  info.textContent = describe(summary);
  info.dataset.source = summary.source;
  document.body.dataset.modelLoaded = String(Date.now());
  await after();
}

/**
 * Opens a model through `f`; resolves whether it became the page's model (failures are shown,
 * not thrown). `address` is the model URL the page's address then names (null: none).
 */
async function load(
  state: AppState,
  what: string,
  f: () => Promise<ModelSummary>,
  after: () => Promise<void>,
  address: string | null = null,
): Promise<boolean> {
  if (state.busy === 'training' || state.busy === 'loading a model') {
    showMessage(`wait until ${state.busy} has finished before opening another model`);
    document.body.dataset.modelError = String(Date.now());
    return false;
  }
  showMessage(`opening ${what}…`, 'info');
  // Queued behind clip predictions: a clip being predicted finishes with the model it started with.
  const job = state.predictions.then(() => {
    state.busy = 'loading a model';
    return f();
  });
  state.predictions = job.then(
    () => undefined,
    () => undefined,
  );
  let summary: ModelSummary;
  try {
    summary = await job;
  } catch (e) {
    showMessage(`Could not open the model: ${errorText(e)}`);
    document.body.dataset.modelError = String(Date.now());
    return false;
  } finally {
    state.busy = null;
  }
  showMessage(null);
  shareModel(address);
  await modelLoaded(state, summary, after);
  return true;
}

/** Puts `?model=<url>` in the address (other parameters kept), so the page's link opens this model; null removes it. */
export function shareModel(url: string | null): void {
  const address = new URL(location.href);
  if (url === null) address.searchParams.delete('model');
  else address.searchParams.set('model', new URL(url, location.href).href);
  history.replaceState(null, '', address);
  byId<HTMLButtonElement>('copy-link').disabled = url === null;
}

/** Opens the model at `url` (model.json or its folder); on success the address names it. */
export async function openModelUrl(state: AppState, url: string, after: () => Promise<void>): Promise<void> {
  await load(state, url, () => state.api.loadModelFromUrl(url, location.href), after, url === DEMO_MODEL_URL ? null : url);
}

/** Copies the page's address (with `?model=`) to the clipboard, or shows it when that is not allowed. */
async function copyLink(): Promise<void> {
  try {
    await navigator.clipboard.writeText(location.href);
    showMessage(`link copied: ${location.href}`, 'info');
  } catch {
    showMessage(`copy this link: ${location.href}`, 'info');
  }
}

/** Refreshes the list of models kept in this browser. */
export async function refreshSaved(state: AppState, after: () => Promise<void>): Promise<void> {
  const box = byId('saved-models');
  const saved = await state.api.listSavedModels();
  box.replaceChildren(saved.length ? el('span', 'Saved in this browser: ') : '');
  for (const m of saved) {
    const open = el('button', `open ${m.name}`, { 'data-saved': m.name });
    open.addEventListener('click', () => void load(state, m.name, () => state.api.openSavedModel(m.name), after));
    const del = el('button', '×', { title: `delete ${m.name}`, 'aria-label': `delete the saved model ${m.name}` });
    del.addEventListener('click', async () => {
      if (!(await confirmAction(`Delete the saved model "${m.name}" from this browser? This cannot be undone.`, `Delete ${m.name}`)))
        return;
      try {
        await state.api.deleteSavedModel(m.name);
        showMessage(`deleted "${m.name}" from this browser`, 'info');
      } catch (e) {
        showMessage(`Deleting failed: ${errorText(e)}`);
      }
      await refreshSaved(state, after);
    });
    box.append(open, del);
  }
}

/** Wires the model inputs and opens the first model (query parameter or demo). */
export async function setupModelPanel(state: AppState, after: () => Promise<void>): Promise<void> {
  const form = byId<HTMLFormElement>('model-url-form');
  const url = byId<HTMLInputElement>('model-url');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (url.value.trim()) void openModelUrl(state, url.value.trim(), after);
  });
  const files = byId<HTMLInputElement>('model-files');
  const fromFiles = (list: File[]) => void load(state, list.map((f) => f.name).join(', '), () => state.api.loadModelFromFiles(list), after);
  files.addEventListener('change', () => {
    if (files.files?.length) fromFiles([...files.files]);
    files.value = '';
  });
  onDrop(byId('model-drop'), fromFiles);
  byId('copy-link').addEventListener('click', () => void copyLink());
  const requested = new URLSearchParams(location.search).get('model');
  url.value = requested ?? new URL(DEMO_MODEL_URL, location.href).href;
  await openModelUrl(state, requested ?? DEMO_MODEL_URL, after);
  await refreshSaved(state, after).catch((e) => showMessage(`IndexedDB: ${errorText(e)}`));
}
