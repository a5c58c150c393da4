/**
 * The clip panel: takes a video (picker or drop), decodes it on the page (WebCodecs through
 * mediabunny, or the <video> fallback), streams its frames to the worker (transferred), slides
 * the model's window over it with a progress bar, and shows probabilities over time (chart)
 * and for the chosen window (table).
 */
import { decodeVideo } from '../video/decode_video.ts';
import type { VideoInfo } from '../video/frames.ts';
import { sendFrame } from '../worker_client.ts';
import { byId, errorText, onDrop, showMessage } from '../ui/dom.ts';
import { drawLineChart } from '../ui/line_chart.ts';
import { renderPredictions } from '../ui/predictions_table.ts';
import type { AppState, ClipEntry } from './state.ts';
import * as Comlink from 'comlink';

/** Decodes `clip` into the worker for the current model (again if the frame size changed). */
export async function ensureFrames(state: AppState, clip: ClipEntry, onProgress: (fraction: number) => void): Promise<void> {
  if (clip.videoId !== null && clip.prepKey === state.modelPrepKey) return;
  const model = state.model;
  if (!model) throw new Error('open a model first');
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

/** Shows window `index` of the clip on show (table, chart marker, label); `of` limits it to that clip. */
export function showWindow(state: AppState, index: number, of?: ClipEntry): void {
  const clip = state.clips[state.shown];
  if (of && of !== clip) return;
  const table = byId<HTMLTableElement>('predictions');
  const w = clip?.windows[index];
  if (!clip || !w || !state.model) {
    renderPredictions(table, [], null);
    return;
  }
  renderPredictions(table, state.model.classNames, w.probabilities);
  byId('window-label').textContent =
    `#${index}: ${w.startSeconds.toFixed(2)}–${w.endSeconds.toFixed(2)} s (frames ${w.start}–${w.start + state.model.clipLength - 1})`;
  const names = state.model.classNames;
  drawLineChart(
    byId<HTMLCanvasElement>('chart'),
    names.map((name, k) => ({
      name,
      points: clip.windows.map((x) => [(x.startSeconds + x.endSeconds) / 2, x.probabilities[k]] as [number, number]),
    })),
    { xLabel: 's', yRange: [0, 1], marker: (w.startSeconds + w.endSeconds) / 2 },
  );
}

/** Decodes (if needed) and predicts the clip on show, after any prediction already running. */
export function predictShown(state: AppState): Promise<void> {
  state.predictions = state.predictions.then(() => predictNow(state));
  return state.predictions;
}

async function predictNow(state: AppState): Promise<void> {
  const clip = state.clips[state.shown];
  if (!clip || !state.model) return;
  const progress = byId<HTMLProgressElement>('progress');
  const status = byId('clip-status');
  const slider = byId<HTMLInputElement>('window');
  state.busy = 'predicting';
  document.body.dataset.busy = 'predicting';
  try {
    status.textContent = `decoding ${clip.file.name}…`;
    await ensureFrames(state, clip, (f) => (progress.value = f * 0.5));
    const stride = Math.max(1, Math.floor(Number(byId<HTMLInputElement>('stride').value) || 1));
    clip.windows = [];
    status.textContent = `predicting ${clip.frames} frames (${clip.info?.decoder ?? ''})…`;
    const windows = await state.api.predictVideo(
      clip.videoId!,
      stride,
      Comlink.proxy((w, total) => {
        clip.windows.push(w);
        progress.value = 0.5 + (0.5 * clip.windows.length) / total;
        if (clip !== state.clips[state.shown]) return;
        slider.max = String(clip.windows.length - 1);
        slider.value = String(clip.windows.length - 1);
        showWindow(state, clip.windows.length - 1, clip);
      }),
    );
    clip.windows = windows;
    progress.value = 1;
    if (clip === state.clips[state.shown]) {
      slider.max = String(windows.length - 1);
      slider.value = '0';
      showWindow(state, 0, clip);
    }
    const d = clip.info;
    const decoded = d ? `, ${d.width}×${d.height}, ${d.codec ?? 'codec ?'}, decoded with ${d.decoder}` : '';
    status.textContent = `${clip.file.name}: ${clip.frames} frames at ${clip.fps.toFixed(2)} fps${decoded}; ${windows.length} window(s)`;
    if (clip.warning) showMessage(clip.warning, 'warning');
    else if (byId('message').dataset.kind === 'warning') showMessage(null);
    document.body.dataset.predicted = `${clip.uid} ${clip.file.name}`;
  } catch (e) {
    status.textContent = '';
    showMessage(errorText(e));
    document.body.dataset.clipError = `${clip.uid} ${clip.file.name}`;
  } finally {
    state.busy = null;
    delete document.body.dataset.busy;
  }
}

let clipSerial = 0;

/** Adds a clip (picker or drop) and predicts it. */
export async function addClip(state: AppState, file: File, onAdded: () => void): Promise<void> {
  showMessage(null);
  const clip: ClipEntry = {
    uid: ++clipSerial,
    file,
    warning: null,
    videoId: null,
    prepKey: '',
    info: null,
    frames: 0,
    fps: 0,
    windows: [],
  };
  state.clips.push(clip);
  document.body.dataset.lastClip = String(clip.uid);
  state.shown = state.clips.length - 1;
  await predictShown(state);
  if (clip.videoId === null) state.clips.splice(state.clips.indexOf(clip), 1);
  else onAdded();
}

/** Wires the clip inputs. */
export function setupClipPanel(state: AppState, onAdded: () => void): void {
  const input = byId<HTMLInputElement>('clip-file');
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) void addClip(state, file, onAdded).finally(() => (input.value = ''));
  });
  onDrop(byId('clip-drop'), (files) => {
    if (files[0]) void addClip(state, files[0], onAdded);
  });
  byId<HTMLInputElement>('window').addEventListener('input', (e) => showWindow(state, Number((e.target as HTMLInputElement).value)));
}
