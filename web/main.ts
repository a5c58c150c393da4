/**
 * The s3dg web app: the page keeps the UI; a module worker (worker/s3dg_worker.ts) owns tfjs.
 * Opens the demo model (or `?model=`), then predicts clips; clips picked while it starts wait.
 */
import { startWorker } from './worker_client.ts';
import { setupBackendPanel } from './app/backend_panel.ts';
import { setupModelPanel } from './app/model_panel.ts';
import { predictShown, setupClipPanel } from './app/clip_panel.ts';
import { setupTunePanel, refreshTuneClips } from './app/tune_panel.ts';
import { setupCameraPanel } from './app/camera_panel.ts';
import { errorText, showMessage } from './ui/dom.ts';
import type { AppState } from './app/state.ts';

async function main(): Promise<void> {
  let markStarted = () => {};
  const state: AppState = {
    api: startWorker(),
    model: null,
    modelPrepKey: '',
    clips: [],
    shown: -1,
    busy: null,
    cancelRequested: false,
    predictions: Promise.resolve(),
    ready: false,
    started: new Promise((resolve) => (markStarted = resolve)),
  };
  const camera = setupCameraPanel(state);
  const afterModel = async () => {
    refreshTuneClips(state);
    camera.modelChanged();
    // While starting, clips wait for `started` and predict themselves.
    if (state.ready) await predictShown(state);
  };
  setupClipPanel(state, () => refreshTuneClips(state));
  await setupBackendPanel(state);
  setupTunePanel(state, afterModel);
  await setupModelPanel(state, afterModel);
  state.ready = true;
  markStarted();
  // For tests and the console: the worker's API (e.g. `await s3dgWorker.memory()`).
  const hooks = window as unknown as { s3dgWorker: AppState['api']; s3dgClips: () => Array<{ name: string; videoId: number | null }> };
  hooks.s3dgWorker = state.api;
  hooks.s3dgClips = () => state.clips.map((c) => ({ name: c.file.name, videoId: c.videoId }));
  document.body.dataset.ready = 'true';
}

main().catch((e) => showMessage(`The app could not start: ${errorText(e)}`));
