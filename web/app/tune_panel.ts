/**
 * The fine-tune panel: label time ranges of uploaded clips with the model's classes or new ones
 * (shown on per-class cards with thumbnails; a range without a class is refused), train in the
 * worker with a live loss chart (Train disabled meanwhile and while there is nothing to train on),
 * evaluate on held-out ranges per class, use the result at once, keep it in IndexedDB or download
 * it as a web-model zip.
 */
import * as Comlink from 'comlink';
import type { LabelledRange, StepReport } from '../worker/fine_tune.ts';
import { byId, el, errorText, showMessage } from '../ui/dom.ts';
import { drawLineChart } from '../ui/line_chart.ts';
import { renderClassCards } from '../ui/class_cards.ts';
import { renderTuneMetrics } from '../ui/tune_metrics.ts';
import { modelLoaded, refreshSaved, shareModel } from './model_panel.ts';
import type { AppState, ClipEntry } from './state.ts';
import { ensureFrames, etaText } from './clip_panel.ts';
import { isCancelled } from '../worker/cancel.ts';

/** A range as the page keeps it (by clip, since worker video ids change with the model). */
interface PageRange extends Omit<LabelledRange, 'videoId'> {
  id: number;
  clip: ClipEntry;
  /** Thumbnail pixels (a frame from the middle of the range, from the worker's frames), once they arrived. */
  thumb: ImageData | null;
  /** That frame's index in the clip. */
  frame: number;
}

const ranges: PageRange[] = [];
let rangeSerial = 0;
/** Whether a fine-tune runs (Train stays disabled). */
let training = false;

/** The class list a fine-tune trains: the model's classes, then new ones in order of first use. */
function classList(state: AppState): string[] {
  const names = [...(state.model?.classNames ?? [])];
  for (const r of ranges) for (const l of r.labels) if (!names.includes(l)) names.push(l);
  return names;
}

/** The classes being trained: those with at least one labelled range, in class-list order. */
function trainedClasses(state: AppState): string[] {
  return classList(state).filter((name) => ranges.some((r) => r.labels.includes(name)));
}

/** Why Train cannot start now ('' when it can). */
function trainBlocker(state: AppState): string {
  if (training) return 'training…';
  if (!state.model) return 'open a model first';
  if (!ranges.some((r) => !r.heldOut)) return 'label at least one range that is not held out to train on';
  return '';
}

/** Enables Train when there is something to train on, else disables it and says why. */
function updateTrain(state: AppState): void {
  const reason = trainBlocker(state);
  byId<HTMLButtonElement>('tune-start').disabled = reason !== '';
  byId('tune-reason').textContent = reason;
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
  updateTrain(state);
}

/** Takes class `name` off range `id`; a range left without a class goes. */
function removeFromClass(state: AppState, id: number, name: string): void {
  const r = ranges.find((x) => x.id === id);
  if (!r) return;
  r.labels = r.labels.filter((l) => l !== name);
  if (r.labels.length === 0) ranges.splice(ranges.indexOf(r), 1);
  renderRanges(state);
}

function renderRanges(state: AppState): void {
  renderClassCards(
    byId('class-cards'),
    trainedClasses(state),
    (name) =>
      ranges
        .filter((r) => r.labels.includes(name))
        .map((r) => ({
          id: r.id,
          clipName: r.clip.file.name,
          start: r.start,
          end: r.end,
          heldOut: r.heldOut,
          thumb: r.thumb,
          frame: r.frame,
        })),
    (id, name) => removeFromClass(state, id, name),
  );
  refreshTuneClips(state);
}

/** Model-size frame bytes ([H, W, C], C = 3 or 1) as canvas pixels. */
function imageOf(bytes: Uint8Array, width: number, height: number, channels: number): ImageData {
  const image = new ImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) image.data[i * 4 + c] = bytes[i * channels + (channels === 1 ? 0 : c)];
    image.data[i * 4 + 3] = 255;
  }
  return image;
}

/** Fetches `r`'s thumbnail from the worker's frames of its clip (nothing is decoded again), then redraws. */
async function loadThumbnail(state: AppState, r: PageRange): Promise<void> {
  const id = r.clip.videoId;
  if (id === null) return;
  try {
    const f = await state.api.videoFrame(id, r.frame);
    r.thumb = imageOf(f.bytes, f.width, f.height, f.channels);
    if (ranges.includes(r)) renderRanges(state);
  } catch {
    // The clip's frames left the worker (another model); the card shows "no preview".
  }
}

/**
 * Adds a labelled range of `clip` (its card and thumbnail follow); returns why it was refused, or
 * null. A range must name a class: one without would teach only "none of these classes here",
 * which the ranges of the other classes already do (every range is a negative for the classes it
 * does not name), and an empty class list is far more often a forgotten tick than a choice.
 */
function pushRange(state: AppState, clip: ClipEntry, start: number, end: number, labels: string[], heldOut: boolean): string | null {
  const what = `${clip.file.name} ${start.toFixed(1)}–${end.toFixed(1)} s`;
  if (labels.length === 0)
    return `${what} has no class: tick one of the classes or type a new one (a range with no class could only teach "none of these happen here", which the ranges of the other classes already teach — it is more likely a forgotten tick)`;
  const middle = Math.min(Math.max(0, clip.frames - 1), Math.floor(((start + end) / 2) * clip.fps));
  const r: PageRange = { id: ++rangeSerial, clip, start, end, labels, heldOut, thumb: null, frame: middle };
  ranges.push(r);
  renderRanges(state);
  void loadThumbnail(state, r);
  return null;
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
  const refused = pushRange(
    state,
    clip,
    start,
    Math.min(end, duration),
    [...new Set([...checked, ...typed])],
    byId<HTMLInputElement>('range-heldout').checked,
  );
  if (refused) {
    showMessage(refused);
    document.body.dataset.rangeRefused = String(Date.now());
    return;
  }
  byId<HTMLInputElement>('range-new').value = '';
  showMessage(null);
}

/** Adds the whole of `clip` (a camera recording) as a training range labelled `labels`. */
export function addRecordedRange(state: AppState, clip: ClipEntry, labels: string[]): void {
  const refused = pushRange(state, clip, 0, clip.frames / clip.fps, labels, false);
  if (refused) showMessage(refused);
}

async function fineTune(state: AppState, after: () => Promise<void>): Promise<void> {
  if (state.busy) return showMessage(`wait until ${state.busy} has finished`);
  if (!state.model) return showMessage('open a model first');
  const status = byId('tune-status');
  const losses: StepReport[] = [];
  const cancel = byId<HTMLButtonElement>('tune-cancel');
  state.busy = 'training';
  state.cancelRequested = false;
  training = true;
  cancel.disabled = false;
  updateTrain(state);
  byId('tune-eval').replaceChildren();
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
    const classes = classList(state);
    const result = await state.api.fineTune(
      ranges.map(({ clip, start, end, labels, heldOut }) => ({ start, end, labels, heldOut, videoId: clip.videoId! })),
      classes,
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
    const evalBox = byId('tune-eval');
    evalBox.textContent = ev
      ? `held-out: ${ev.clips} clips, loss ${ev.loss.toFixed(4)}, ${Object.entries(ev.metrics)
          .map(([k, v]) => `${k} ${v.toFixed(3)}`)
          .join(', ')} (all classes together)`
      : 'no held-out range: not evaluated (mark a range "held out" to measure the model on it)';
    if (ev) renderTuneMetrics(evalBox, ev, classes, trainedClasses(state));
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
    training = false;
    cancel.disabled = true;
    updateTrain(state);
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
  renderRanges(state);
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
