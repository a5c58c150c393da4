/**
 * The fine-tune panel: label time ranges of uploaded clips with the model's classes or new ones,
 * train in the worker with a live loss chart, evaluate on held-out ranges, use the result at
 * once, keep it in IndexedDB or download it as a web-model zip.
 */
import * as Comlink from 'comlink';
import type { LabelledRange, StepReport } from '../worker/fine_tune.ts';
import { byId, el, errorText, showMessage } from '../ui/dom.ts';
import { drawLineChart } from '../ui/line_chart.ts';
import { modelLoaded, refreshSaved, shareModel } from './model_panel.ts';
import type { AppState, ClipEntry } from './state.ts';
import { ensureFrames, etaText } from './clip_panel.ts';
import { isCancelled } from '../worker/cancel.ts';

/** A range as the page keeps it (by clip, since worker video ids change with the model). */
interface PageRange extends Omit<LabelledRange, 'videoId'> {
  clip: ClipEntry;
}

const ranges: PageRange[] = [];

/** The class list a fine-tune trains: the model's classes, then new ones in order of first use. */
function classList(state: AppState): string[] {
  const names = [...(state.model?.classNames ?? [])];
  for (const r of ranges) for (const l of r.labels) if (!names.includes(l)) names.push(l);
  return names;
}

/** Redraws the clip selector and class checkboxes (after a clip or model change). */
export function refreshTuneClips(state: AppState): void {
  const select = byId<HTMLSelectElement>('range-clip');
  select.replaceChildren(...state.clips.map((c, i) => el('option', c.file.name, { value: String(i) })));
  const box = byId('range-classes');
  box.replaceChildren(
    ...classList(state).map((name) => {
      const label = el('label');
      label.append(el('input', '', { type: 'checkbox', value: name, 'data-class': name }), ` ${name}`);
      return label;
    }),
  );
}

function renderRanges(state: AppState): void {
  const body = byId<HTMLTableElement>('ranges').tBodies[0];
  body.replaceChildren(
    ...ranges.map((r, i) => {
      const row = el('tr');
      const del = el('button', '×', {
        'aria-label': `remove the range ${r.start.toFixed(1)}–${r.end.toFixed(1)} s of ${r.clip.file.name}`,
      });
      del.addEventListener('click', () => {
        ranges.splice(i, 1);
        renderRanges(state);
      });
      const cell = el('td');
      cell.append(del);
      row.append(
        el('td', r.clip.file.name),
        el('td', r.start.toFixed(1)),
        el('td', r.end.toFixed(1)),
        el('td', r.labels.join(', ') || '(none)'),
        el('td', r.heldOut ? 'held out' : 'train'),
        cell,
      );
      return row;
    }),
  );
  refreshTuneClips(state);
}

function addRange(state: AppState): void {
  const clip = state.clips[Number(byId<HTMLSelectElement>('range-clip').value)];
  if (!clip) {
    showMessage('upload a clip before labelling');
    return;
  }
  const start = Number(byId<HTMLInputElement>('range-start').value);
  const end = Number(byId<HTMLInputElement>('range-end').value);
  const duration = clip.frames / clip.fps;
  if (!(end > start) || start < 0 || start >= duration) {
    showMessage(`${clip.file.name}: a range must satisfy 0 ≤ from < to, with from before the clip's end (${duration.toFixed(1)} s)`);
    return;
  }
  const checked = [...byId('range-classes').querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value);
  const typed = byId<HTMLInputElement>('range-new')
    .value.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  ranges.push({
    clip,
    start,
    end: Math.min(end, duration),
    labels: [...new Set([...checked, ...typed])],
    heldOut: byId<HTMLInputElement>('range-heldout').checked,
  });
  byId<HTMLInputElement>('range-new').value = '';
  showMessage(null);
  renderRanges(state);
}

async function fineTune(state: AppState, after: () => Promise<void>): Promise<void> {
  if (state.busy) return showMessage(`wait until ${state.busy} has finished`);
  if (!state.model) return showMessage('open a model first');
  const status = byId('tune-status');
  const losses: StepReport[] = [];
  const cancel = byId<HTMLButtonElement>('tune-cancel');
  const start = byId<HTMLButtonElement>('tune-start');
  state.busy = 'training';
  state.cancelRequested = false;
  cancel.disabled = false;
  start.disabled = true;
  try {
    status.textContent = 'preparing the labelled clips…';
    for (const r of ranges)
      await ensureFrames(
        state,
        r.clip,
        () => undefined,
        () => state.cancelRequested,
      );
    const began = performance.now();
    const options = {
      steps: Math.max(1, Number(byId<HTMLInputElement>('tune-steps').value) | 0),
      learningRate: Number(byId<HTMLInputElement>('tune-lr').value),
      batchSize: Math.max(1, Number(byId<HTMLInputElement>('tune-batch').value) | 0),
      trainLastBlock: byId<HTMLInputElement>('tune-block').checked,
    };
    const result = await state.api.fineTune(
      ranges.map(({ clip, ...r }) => ({ ...r, videoId: clip.videoId! })),
      classList(state),
      options,
      Comlink.proxy((r: StepReport) => {
        losses.push(r);
        status.textContent = `step ${r.step}/${options.steps}: loss ${r.loss.toFixed(4)}${etaText(performance.now() - began, r.step, options.steps)}`;
        status.dataset.losses = JSON.stringify(losses.map((l) => l.loss));
        drawLineChart(byId<HTMLCanvasElement>('loss-chart'), [{ name: 'loss', points: losses.map((l) => [l.step, l.loss]) }], {
          xLabel: 'step',
        });
      }),
    );
    // The step callbacks travel on their own port and may trail the result: the result's list is complete.
    status.dataset.losses = JSON.stringify(result.steps.map((l) => l.loss));
    const ev = result.eval;
    byId('tune-eval').textContent = ev
      ? `held-out: ${ev.clips} clips, loss ${ev.loss.toFixed(4)}, ${Object.entries(ev.metrics)
          .map(([k, v]) => `${k} ${v.toFixed(3)}`)
          .join(', ')}`
      : 'no held-out range: not evaluated';
    status.textContent = `trained ${result.steps.length} steps; the fine-tuned model is now in use`;
    state.busy = null;
    shareModel(null); // the address's model is not this one
    await modelLoaded(state, result.model, after); // re-predicts the clip on show
    document.body.dataset.tuned = String(Date.now());
  } catch (e) {
    if (isCancelled(e)) {
      status.textContent = 'fine-tuning cancelled; the model in use is unchanged';
      document.body.dataset.tuneCancelled = String(Date.now());
    } else showMessage(`Fine-tuning failed: ${errorText(e)}`);
  } finally {
    state.busy = null;
    cancel.disabled = true;
    start.disabled = false;
  }
}

async function download(state: AppState): Promise<void> {
  const name = byId<HTMLInputElement>('save-name').value.trim() || 's3dg-model';
  try {
    const zip = await state.api.exportZip(name);
    const url = URL.createObjectURL(new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
    const a = el('a', '', { href: url, download: `${name}.zip` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (e) {
    showMessage(`Download failed: ${errorText(e)}`);
  }
}

/** Wires the fine-tune panel. */
export function setupTunePanel(state: AppState, after: () => Promise<void>): void {
  byId<HTMLFormElement>('range-form').addEventListener('submit', (e) => {
    e.preventDefault();
    addRange(state);
  });
  byId('tune-start').addEventListener('click', () => void fineTune(state, after));
  byId('tune-cancel').addEventListener('click', () => {
    state.cancelRequested = true;
    void state.api.cancel();
  });
  byId('save-idb').addEventListener('click', async () => {
    const name = byId<HTMLInputElement>('save-name').value.trim();
    if (!name) return showMessage('give the model a name to save it under');
    try {
      await state.api.saveModel(name);
      showMessage(`saved "${name}" in this browser`, 'info');
      await refreshSaved(state, after);
    } catch (e) {
      showMessage(`Saving failed: ${errorText(e)}`);
    }
  });
  byId('download').addEventListener('click', () => void download(state));
}
