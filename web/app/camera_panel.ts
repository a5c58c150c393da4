/**
 * The camera panel: live prediction from the camera and recording labelled examples for
 * fine-tuning (as Teachable Machine records samples). Frames are sampled at the model's frame
 * rate and sent to the worker, which makes them model frames as it does a clip's; the last
 * clip_length frames are predicted again and again, one prediction at a time (frames that
 * arrive meanwhile join the window but start no prediction of their own), and shown as the top
 * classes and a chart of the last seconds. Holding (or pressing) Record keeps the frames as a
 * clip in the worker whose whole length is a labelled range of the fine-tune panel.
 */
import * as Comlink from 'comlink';
import { openCamera, type Camera } from '../video/camera.ts';
import type { RgbaFrame } from '../video/frames.ts';
import { byId, el, errorText, showMessage } from '../ui/dom.ts';
import { drawLineChart } from '../ui/line_chart.ts';
import { renderPredictions } from '../ui/predictions_table.ts';
import { newClipUid } from './clip_panel.ts';
import { addRecordedRange } from './tune_panel.ts';
import type { AppState, ClipEntry } from './state.ts';

/** Seconds of live predictions the chart shows. */
const CHART_SECONDS = 30;
/** A press on Record held longer than this stops recording on release; a shorter one toggles. */
const HOLD_MS = 400;
/** Frame rate for a model that does not name one. */
const DEFAULT_FPS = 15;

/** A recording in progress: a video in the worker that gets the live frames. */
interface Recording {
  id: number | null;
  label: string;
  name: string;
  frames: number;
}

/** The running camera and its live window. */
interface Live {
  /** Null until the camera has opened. */
  camera: Camera | null;
  /** The worker's live video (its last clip_length frames); null until begun. */
  videoId: number | null;
  /** The model preprocessing the live frames are made for. */
  prepKey: string;
  fps: number;
  /** Frames sent since the camera started. */
  sent: number;
  /** The last frame send (a recording's count is final once it settles). */
  lastSend: Promise<void>;
  inFlight: boolean;
  /** Live predictions done, and frames on which one was due but the last was still running. */
  predictions: number;
  skipped: number;
  firstPredictionAt: number;
  history: Array<{ seconds: number; probabilities: Float32Array }>;
  historyClasses: string[];
  recording: Recording | null;
}

let live: Live | null = null;
let recordings = 0;

function setStatus(text: string): void {
  byId('camera-status').textContent = text;
}

function setRunning(on: boolean): void {
  byId<HTMLButtonElement>('camera-start').disabled = on;
  byId<HTMLButtonElement>('camera-stop').disabled = !on;
  byId<HTMLButtonElement>('camera-record').disabled = !on;
  document.body.dataset.camera = on ? 'on' : 'off';
}

/** The classes offered for a recording: the model's, then those recorded so far. */
function refreshClassChoices(state: AppState): void {
  const names = new Set(state.model?.classNames ?? []);
  for (const c of state.clips) if (c.recordedLabel) names.add(c.recordedLabel);
  byId('camera-classes').replaceChildren(...[...names].map((n) => el('option', '', { value: n })));
}

function showLive(state: AppState, l: Live, classNames: string[]): void {
  const last = l.history[l.history.length - 1];
  if (!last) return;
  const threshold = Number(byId<HTMLInputElement>('threshold').value);
  renderPredictions(
    byId<HTMLTableElement>('camera-predictions'),
    classNames,
    last.probabilities,
    threshold > 0 && threshold <= 1 ? threshold : 0.5,
  );
  drawLineChart(
    byId<HTMLCanvasElement>('camera-chart'),
    classNames.map((name, k) => ({ name, points: l.history.map((h) => [h.seconds, h.probabilities[k]] as [number, number]) })),
    { xLabel: 's', yRange: [0, 1], marker: last.seconds },
  );
  const elapsed = (performance.now() - l.firstPredictionAt) / 1000;
  const rate = l.predictions > 1 && elapsed > 0 ? `, ${((l.predictions - 1) / elapsed).toFixed(1)} per second` : '';
  byId('camera-live').textContent =
    `live: ${l.predictions} windows of the last ${state.model?.clipLength ?? '?'} frames at ${l.fps} fps${rate}` +
    (l.skipped ? `; ${l.skipped} frames came while the model was busy` : '');
  document.body.dataset.cameraWindows = String(l.predictions);
}

/** Predicts the live window unless a prediction is running (skipped, not queued) or another job runs. */
function maybePredict(state: AppState, l: Live): void {
  const model = state.model;
  if (state.busy) {
    byId('camera-live').textContent = `live predictions paused while ${state.busy}`;
    return;
  }
  if (!model || l.videoId === null || l.sent < model.clipLength) return;
  if (l.inFlight) {
    l.skipped++;
    return;
  }
  l.inFlight = true;
  const end = l.sent;
  const names = model.classNames;
  state.api
    .predictLatest(l.videoId)
    .then((p) => {
      if (!p || live !== l || state.model !== model) return;
      if (l.historyClasses.join('\n') !== names.join('\n')) {
        l.history = [];
        l.historyClasses = names;
      }
      if (l.predictions === 0) l.firstPredictionAt = performance.now();
      l.predictions++;
      const seconds = end / l.fps;
      l.history.push({ seconds, probabilities: p });
      while (l.history.length > 1 && l.history[0].seconds < seconds - CHART_SECONDS) l.history.shift();
      showLive(state, l, names);
    })
    .catch((e) => {
      // A job that replaces the model (training, a backend switch) may pull it from under a live window.
      if (live === l && !state.busy) showMessage(`Live prediction failed: ${errorText(e)}`);
    })
    .finally(() => (l.inFlight = false));
}

function onFrame(state: AppState, l: Live, frame: RgbaFrame): void {
  const model = state.model;
  if (live !== l || !model || l.videoId === null) return;
  if (l.prepKey !== state.modelPrepKey) {
    void stopCamera(state);
    showMessage('The model now wants other frames (size or rate): press "Use camera" to start again.', 'info');
    return;
  }
  const rec = l.recording;
  l.sent++;
  const sent = state.api
    .addCameraFrame(
      l.videoId,
      rec?.id ?? null,
      model.clipLength,
      Comlink.transfer(frame.rgba.buffer, [frame.rgba.buffer]),
      frame.width,
      frame.height,
    )
    .then((n) => {
      if (!rec || rec.id === null) return;
      rec.frames = n;
      const box = byId('camera-recording');
      box.dataset.frames = String(n);
      if (l.recording === rec) box.textContent = `recording "${rec.label}": ${n} frames (${(n / l.fps).toFixed(1)} s)`;
    });
  l.lastSend = sent.catch((e) => {
    if (live === l) showMessage(`The camera frame could not be used: ${errorText(e)}`);
  });
  maybePredict(state, l);
}

/** Starts the camera and its live window. */
async function startCamera(state: AppState): Promise<void> {
  if (live) return;
  const model = state.model;
  if (!model) return showMessage('open a model first');
  // The worker's model is away during these (the live frames are made for it).
  if (state.busy === 'switching backend' || state.busy === 'loading a model') return showMessage(`wait until ${state.busy} has finished`);
  showMessage(null);
  const fps = model.fps ?? DEFAULT_FPS;
  document.body.dataset.camera = 'starting';
  byId<HTMLButtonElement>('camera-start').disabled = true;
  setStatus('starting the camera…');
  const l: Live = {
    camera: null,
    videoId: null,
    prepKey: state.modelPrepKey,
    fps,
    sent: 0,
    lastSend: Promise.resolve(),
    inFlight: false,
    predictions: 0,
    skipped: 0,
    firstPredictionAt: 0,
    history: [],
    historyClasses: [],
    recording: null,
  };
  try {
    l.videoId = await state.api.beginVideo('camera', fps);
    l.camera = await openCamera(byId<HTMLVideoElement>('camera-video'), fps, (f) => onFrame(state, l, f));
  } catch (e) {
    if (l.videoId !== null) await state.api.removeVideo(l.videoId);
    setRunning(false);
    setStatus('');
    showMessage(errorText(e));
    document.body.dataset.cameraError = String(Date.now());
    return;
  }
  live = l;
  setRunning(true);
  const video = byId<HTMLVideoElement>('camera-video');
  setStatus(`camera on (${video.videoWidth}×${video.videoHeight}); the model sees its last ${model.clipLength} frames at ${fps} fps`);
}

/** Stops the camera (a recording in progress is kept) and releases it. */
async function stopCamera(state: AppState): Promise<void> {
  const l = live;
  if (!l) return;
  if (l.recording) await stopRecording(state);
  live = null;
  l.camera?.stop();
  if (l.videoId !== null) await state.api.removeVideo(l.videoId);
  setRunning(false);
  setStatus('camera off');
}

/** Starts recording the live frames for the class typed or picked. */
async function startRecording(state: AppState): Promise<void> {
  const l = live;
  if (!l || l.recording) return;
  const label = byId<HTMLInputElement>('camera-class').value.trim();
  if (!label) {
    showMessage('type or pick the class you are about to record, then press Record');
    return;
  }
  showMessage(null);
  const rec: Recording = { id: null, label, name: `camera ${recordings + 1} (${label})`, frames: 0 };
  l.recording = rec;
  const button = byId<HTMLButtonElement>('camera-record');
  button.setAttribute('aria-pressed', 'true');
  button.textContent = 'Recording… release (or press again) to stop';
  const box = byId('camera-recording');
  box.textContent = `recording "${label}"…`;
  box.dataset.frames = '0';
  try {
    rec.id = await state.api.beginVideo(rec.name, l.fps);
  } catch (e) {
    l.recording = null;
    showMessage(`Recording failed: ${errorText(e)}`);
  }
}

/** Ends the recording: its frames become a clip whose whole length is a labelled range for fine-tuning. */
async function stopRecording(state: AppState): Promise<void> {
  const l = live;
  const rec = l?.recording;
  if (!l || !rec) return;
  l.recording = null;
  const button = byId<HTMLButtonElement>('camera-record');
  button.setAttribute('aria-pressed', 'false');
  button.textContent = 'Hold to record';
  await l.lastSend; // the frames already on their way belong to it
  const box = byId('camera-recording');
  if (rec.id === null || rec.frames === 0) {
    if (rec.id !== null) await state.api.removeVideo(rec.id);
    box.textContent = 'nothing was recorded: hold Record a little longer';
    return;
  }
  recordings++;
  const clip: ClipEntry = {
    uid: newClipUid(),
    file: new File([], rec.name),
    warning: null,
    videoId: rec.id,
    prepKey: l.prepKey,
    info: null,
    frames: rec.frames,
    fps: l.fps,
    windows: [],
    stride: 1,
    failed: false,
    recordedLabel: rec.label,
  };
  state.clips.push(clip);
  addRecordedRange(state, clip, [rec.label]);
  refreshClassChoices(state);
  box.textContent = `recorded ${rec.name}: ${rec.frames} frames (${(rec.frames / l.fps).toFixed(1)} s), added to Fine-tune`;
  document.body.dataset.recorded = String(recordings);
}

/** Record: a press held longer than HOLD_MS records while held; a short press (or Enter/Space) toggles. */
function wireRecordButton(state: AppState): void {
  const button = byId<HTMLButtonElement>('camera-record');
  let pressedAt = 0;
  let startedByPress = false;
  button.addEventListener('pointerdown', (e) => {
    startedByPress = false;
    if (!live || live.recording) return;
    button.setPointerCapture(e.pointerId);
    pressedAt = performance.now();
    startedByPress = true;
    void startRecording(state);
  });
  const release = () => {
    if (startedByPress && performance.now() - pressedAt > HOLD_MS) void stopRecording(state);
  };
  button.addEventListener('pointerup', release);
  button.addEventListener('pointercancel', release);
  button.addEventListener('click', () => {
    // The press that started a recording also ends in a click: that one is not a toggle.
    if (startedByPress) {
      startedByPress = false;
      return;
    }
    if (live?.recording) void stopRecording(state);
    else void startRecording(state);
  });
}

/** Wires the camera panel; `refresh` is called after the model changes (classes on offer). */
export function setupCameraPanel(state: AppState): { modelChanged: () => void } {
  byId('camera-start').addEventListener('click', () => void startCamera(state));
  byId('camera-stop').addEventListener('click', () => void stopCamera(state));
  wireRecordButton(state);
  setRunning(false);
  return { modelChanged: () => refreshClassChoices(state) };
}
