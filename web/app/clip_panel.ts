/**
 * The clip panel: takes a video (picker or drop), decodes it on the page (WebCodecs through
 * mediabunny, or the <video> fallback), streams its frames to the worker (transferred), slides
 * the model's window over it with a progress bar and ETA, and shows probabilities over time
 * (chart) and for the chosen window (table). A clip picked while the app is still starting
 * waits for it; a running prediction can be cancelled; the previous clip's results are cleared
 * as soon as another prediction starts.
 */
import { decodeVideo } from '../video/decode_video.ts';
import type { VideoInfo } from '../video/frames.ts';
import { sendFrame } from '../worker_client.ts';
import { cancelledError, isCancelled } from '../worker/cancel.ts';
import { byId, errorText, onDrop, showMessage } from '../ui/dom.ts';
import { drawLineChart, lineChart } from '../ui/line_chart.ts';
import { renderPredictions } from '../ui/predictions_table.ts';
import { renderEvents } from '../ui/events_list.ts';
import { timelineEvents } from '../../core/index.ts';
import { onPlayerTime, seekPlayer, showInPlayer, windowAt } from './player.ts';
import type { AppState, ClipEntry } from './state.ts';
import * as Comlink from 'comlink';

/**
 * Decodes `clip` into the worker for the current model (again if the frame size changed).
 * `isCancelled` is checked between frames.
 */
export async function ensureFrames(
  state: AppState,
  clip: ClipEntry,
  onProgress: (fraction: number) => void,
  isCancelled: () => boolean = () => false,
): Promise<void> {
  if (clip.videoId !== null && clip.prepKey === state.modelPrepKey) return;
  const model = state.model;
  if (!model) throw new Error('open a model first');
  if (clip.recordedLabel !== undefined)
    throw new Error(`${clip.file.name}: recorded from the camera for a model with another frame size or rate; record it again`);
  if (clip.videoId !== null) await state.api.removeVideo(clip.videoId);
  clip.videoId = null;
  let id: number | null = null;
  let info: VideoInfo | null = null;
  const forceFallback = byId<HTMLInputElement>('force-fallback').checked;
  let count = 0;
  clip.warning = null;
  try {
    const onWarning = (m: string) => (clip.warning = m);
    for await (const frame of decodeVideo(clip.file, { fps: model.fps, forceFallback, onInfo: (i) => (info = i), onWarning })) {
      if (isCancelled()) throw cancelledError(`decoding of ${clip.file.name}`);
      if (id === null) {
        const fps = model.fps ?? info!.fps;
        id = await state.api.beginVideo(clip.file.name, fps);
        clip.fps = fps;
      }
      count = await sendFrame(state.api, id, frame.rgba, frame.width, frame.height);
      if (info) onProgress(Math.min(1, frame.timestamp / Math.max(1e-6, (info as VideoInfo).duration)));
    }
  } catch (e) {
    if (id !== null) await state.api.removeVideo(id);
    throw e;
  }
  if (id === null || count === 0) throw new Error(`${clip.file.name}: no frame could be decoded`);
  clip.videoId = id;
  clip.frames = count;
  clip.info = info;
  clip.prepKey = state.modelPrepKey;
}

/** Marks which clip (uid) the chart and table show ('' for none): tests and styles read it. */
function markShown(uid: string): void {
  byId('predictions').dataset.clip = uid;
  byId('chart').dataset.clip = uid;
}

/** The event threshold (also highlights classes in the table). */
function threshold(): number {
  const t = Number(byId<HTMLInputElement>('threshold').value);
  return t > 0 && t <= 1 ? t : 0.5;
}

/** Shows the window on view at `seconds` (chart cursor there) and moves the player to it. */
function showTime(state: AppState, seconds: number): void {
  const clip = state.clips[state.shown];
  const t = Math.max(0, seconds);
  if (clip?.windows.length) showWindow(state, windowAt(clip.windows, t), clip, t);
  seekPlayer(t);
}

/** Lists the events of `clip`'s windows (core's rule, as the CLI's predict) at the threshold. */
function showEvents(state: AppState, clip: ClipEntry | undefined): void {
  const list = byId('events');
  if (!clip || !state.model || clip.windows.length === 0) {
    renderEvents(list, [], () => undefined);
    return;
  }
  const clipLength = state.model.clipLength;
  const timeline = {
    video: clip.file.name,
    fps: clip.fps,
    clipLength,
    stride: clip.stride,
    classNames: state.model.classNames,
    windows: clip.windows.map((w) => ({ ...w, startFrame: w.start, endFrame: w.start + clipLength })),
  };
  renderEvents(list, timelineEvents(timeline, { threshold: threshold(), minEventSeconds: 0 }), (t) => showTime(state, t));
}

/** Empties the chart, table, events and window slider (a new prediction starts: old results must not look current). */
function clearResults(state: AppState): void {
  renderPredictions(byId<HTMLTableElement>('predictions'), state.model?.classNames ?? [], null);
  drawLineChart(byId<HTMLCanvasElement>('chart'), [], { xLabel: 's' });
  renderEvents(byId('events'), [], () => undefined);
  byId('window-label').textContent = '';
  const slider = byId<HTMLInputElement>('window');
  slider.max = '0';
  slider.value = '0';
  markShown('');
}

/**
 * Shows window `index` of the clip on show (table, chart cursor, label); `of` limits it to that
 * clip; `cursor` (seconds) places the chart's cursor (default: the window's middle).
 */
export function showWindow(state: AppState, index: number, of?: ClipEntry, cursor?: number): void {
  const clip = state.clips[state.shown];
  if (of && of !== clip) return;
  const table = byId<HTMLTableElement>('predictions');
  const w = clip?.windows[index];
  if (!clip || !w || !state.model) {
    renderPredictions(table, [], null);
    return;
  }
  renderPredictions(table, state.model.classNames, w.probabilities, threshold());
  byId<HTMLInputElement>('window').value = String(index);
  byId('window-label').textContent =
    `#${index}: ${w.startSeconds.toFixed(2)}–${w.endSeconds.toFixed(2)} s (frames ${w.start}–${w.start + state.model.clipLength - 1})`;
  const names = state.model.classNames;
  drawLineChart(
    byId<HTMLCanvasElement>('chart'),
    names.map((name, k) => ({
      name,
      points: clip.windows.map((x) => [(x.startSeconds + x.endSeconds) / 2, x.probabilities[k]] as [number, number]),
    })),
    { xLabel: 's', yRange: [0, 1], marker: cursor ?? (w.startSeconds + w.endSeconds) / 2 },
  );
  markShown(String(clip.uid));
}

/** Decodes (if needed) and predicts `clip` (default: the clip on show), after any job already queued. */
export function predictShown(state: AppState, clip: ClipEntry | undefined = state.clips[state.shown]): Promise<void> {
  state.predictions = state.predictions.then(() => (clip ? predictNow(state, clip) : undefined));
  return state.predictions;
}

/** "about 12 s left" from the time spent on `done` of `total` steps. */
export function etaText(elapsedMs: number, done: number, total: number): string {
  if (done === 0 || done >= total) return '';
  const seconds = ((elapsedMs / done) * (total - done)) / 1000;
  return seconds < 90 ? `, about ${Math.max(1, Math.round(seconds))} s left` : `, about ${Math.round(seconds / 60)} min left`;
}

function setCancellable(on: boolean): void {
  byId<HTMLButtonElement>('clip-cancel').disabled = !on;
}

/** Finished predictions (body[data-predictions]: changes with each, also for the same clip). */
let predictionCount = 0;

async function predictNow(state: AppState, clip: ClipEntry): Promise<void> {
  if (!state.clips.includes(clip)) return;
  const status = byId('clip-status');
  if (!state.model) {
    status.textContent = `${clip.file.name}: waiting for a model — open one under Model`;
    return;
  }
  const progress = byId<HTMLProgressElement>('progress');
  const slider = byId<HTMLInputElement>('window');
  state.shown = state.clips.indexOf(clip);
  clearResults(state);
  showInPlayer(clip.file);
  state.busy = 'predicting';
  state.cancelRequested = false;
  document.body.dataset.busy = 'predicting';
  document.body.dataset.predicting = String(clip.uid);
  progress.value = 0;
  setCancellable(true);
  try {
    status.textContent = `decoding ${clip.file.name}…`;
    await ensureFrames(
      state,
      clip,
      (f) => (progress.value = f * 0.5),
      () => state.cancelRequested,
    );
    if (state.cancelRequested) throw cancelledError(`prediction of ${clip.file.name}`);
    const stride = Math.max(1, Math.floor(Number(byId<HTMLInputElement>('stride').value) || 1));
    clip.windows = [];
    clip.stride = stride;
    const decoder = clip.info?.decoder ?? '';
    status.textContent = `predicting ${clip.frames} frames (${decoder})…`;
    const began = performance.now();
    const windows = await state.api.predictVideo(
      clip.videoId!,
      stride,
      Comlink.proxy((w, total) => {
        clip.windows.push(w);
        const done = clip.windows.length;
        progress.value = 0.5 + (0.5 * done) / total;
        status.textContent = `predicting ${clip.file.name}: window ${done} of ${total}${etaText(performance.now() - began, done, total)}`;
        if (clip !== state.clips[state.shown]) return;
        slider.max = String(done - 1);
        slider.value = String(done - 1);
        showWindow(state, done - 1, clip);
      }),
    );
    clip.windows = windows;
    progress.value = 1;
    if (clip === state.clips[state.shown]) {
      slider.max = String(windows.length - 1);
      slider.value = '0';
      showWindow(state, 0, clip);
      showEvents(state, clip);
    }
    const d = clip.info;
    const decoded = d ? `, ${d.width}×${d.height}, ${d.codec ?? 'codec ?'}, decoded with ${d.decoder}` : '';
    status.textContent = `${clip.file.name}: ${clip.frames} frames at ${clip.fps.toFixed(2)} fps${decoded}; ${windows.length} window(s)`;
    if (clip.warning) showMessage(clip.warning, 'warning');
    else if (byId('message').dataset.kind === 'warning') showMessage(null);
    document.body.dataset.predicted = `${clip.uid} ${clip.file.name}`;
    document.body.dataset.predictions = String(++predictionCount);
  } catch (e) {
    if (isCancelled(e)) {
      // What was predicted before the cancel stays visible, labelled as partial.
      status.textContent = `${clip.file.name}: cancelled (${clip.windows.length} window(s) predicted before)`;
      document.body.dataset.cancelled = `${clip.uid} ${clip.file.name}`;
    } else {
      status.textContent = '';
      clip.failed = true;
      showMessage(errorText(e));
      document.body.dataset.clipError = `${clip.uid} ${clip.file.name}`;
    }
  } finally {
    state.busy = null;
    setCancellable(false);
    delete document.body.dataset.busy;
    delete document.body.dataset.predicting;
  }
}

let clipSerial = 0;

/** A fresh clip uid (uploads and camera recordings share the series). */
export function newClipUid(): number {
  return ++clipSerial;
}

/** The built-in sample clip (web/public/samples/, made by the demo's scene generator). */
const SAMPLE_CLIP_URL = './samples/level-crossing.mp4';

/** Adds a clip (picker or drop) and predicts it; a clip picked while the app starts waits for it. */
export async function addClip(state: AppState, file: File, onAdded: () => void): Promise<void> {
  showMessage(null);
  const clip: ClipEntry = {
    uid: newClipUid(),
    file,
    warning: null,
    videoId: null,
    prepKey: '',
    info: null,
    frames: 0,
    fps: 0,
    windows: [],
    stride: 1,
    failed: false,
  };
  state.clips.push(clip);
  document.body.dataset.lastClip = String(clip.uid);
  if (!state.ready) {
    byId('clip-status').textContent = `starting… ${file.name} will be predicted as soon as the model is open`;
    document.body.dataset.queued = `${clip.uid} ${file.name}`;
    await state.started;
  }
  await predictShown(state, clip);
  if (clip.failed) state.clips.splice(state.clips.indexOf(clip), 1);
  else onAdded();
}

/** Wires the clip inputs (at once: a clip picked while the app starts is queued, not lost). */
export function setupClipPanel(state: AppState, onAdded: () => void): void {
  const input = byId<HTMLInputElement>('clip-file');
  const pick = () => {
    const file = input.files?.[0];
    if (file) void addClip(state, file, onAdded).finally(() => (input.value = ''));
  };
  input.addEventListener('change', pick);
  pick(); // picked before this script ran
  onDrop(byId('clip-drop'), (files) => {
    if (files[0]) void addClip(state, files[0], onAdded);
  });
  byId<HTMLInputElement>('window').addEventListener('input', (e) => {
    const index = Number((e.target as HTMLInputElement).value);
    showWindow(state, index);
    const w = state.clips[state.shown]?.windows[index];
    if (w) seekPlayer(w.startSeconds);
  });
  onPlayerTime((seconds) => {
    const clip = state.clips[state.shown];
    if (clip?.windows.length) showWindow(state, windowAt(clip.windows, seconds), clip, seconds);
  });
  const chart = lineChart(byId<HTMLCanvasElement>('chart'));
  chart.box.addEventListener('click', (e) => {
    const x = chart.xAt(e.clientX);
    if (x !== null) showTime(state, x);
  });
  chart.box.addEventListener('mousemove', (e) => {
    const clip = state.clips[state.shown];
    const x = chart.xAt(e.clientX);
    if (x === null || !clip?.windows.length || !state.model) return;
    const seconds = Math.max(0, x);
    const w = clip.windows[windowAt(clip.windows, seconds)];
    const names = state.model.classNames;
    const top = names.map((_, k) => k).sort((a, b) => w.probabilities[b] - w.probabilities[a]);
    byId('chart-hover').textContent =
      `${seconds.toFixed(2)} s (window ${w.startSeconds.toFixed(2)}–${w.endSeconds.toFixed(2)} s): ` +
      top
        .slice(0, 3)
        .map((k) => `${names[k]} ${w.probabilities[k].toFixed(3)}`)
        .join(', ');
  });
  byId('sample-clip').addEventListener('click', async () => {
    try {
      const response = await fetch(SAMPLE_CLIP_URL);
      if (!response.ok) throw new Error(`${SAMPLE_CLIP_URL}: HTTP ${response.status}`);
      const file = new File([await response.blob()], 'level-crossing.mp4', { type: 'video/mp4' });
      await addClip(state, file, onAdded);
    } catch (e) {
      showMessage(`The sample clip could not be opened: ${errorText(e)}`);
    }
  });
  byId<HTMLInputElement>('threshold').addEventListener('change', () => {
    const clip = state.clips[state.shown];
    showEvents(state, clip);
    showWindow(state, Number(byId<HTMLInputElement>('window').value));
  });
  byId<HTMLInputElement>('stride').addEventListener('change', () => {
    if (state.ready && state.clips[state.shown]) void predictShown(state);
  });
  byId('clip-cancel').addEventListener('click', () => {
    state.cancelRequested = true;
    void state.api.cancel();
  });
}
