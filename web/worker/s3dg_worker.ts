/**
 * The module worker that owns tfjs: backends, the loaded model, uploaded videos (as model-size
 * frames), sliding-window prediction and fine-tuning. The page drives it through comlink
 * (web/worker_client.ts); frame buffers arrive transferred, not copied.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs-core';
import { activateBackend, backendFailure, isBackendName, tryBackend, usableBackends, type BackendName } from './backends.ts';
import { zipFolder } from './export_zip.ts';
import { modelReadme } from './model_readme.ts';
import { VideoStore } from './video_store.ts';
import { ModelSession, type ModelSummary, type WindowResult } from './model_session.ts';
import type { EvalReport, FineTuneOptions, LabelledRange, StepReport } from './fine_tune.ts';
import { modelBytesFromFiles, modelBytesFromUrl } from '../model/model_bytes.ts';
import { deleteModel, listModels, loadModel as loadSavedModel, saveModel, type SavedModelInfo } from '../storage/model_db.ts';
import type { S3DGWebMetadata, NamedWeights } from '../../core/index.ts';

/** Which backend runs, and which ones this browser offers. */
export interface BackendStatus {
  active: BackendName;
  usable: BackendName[];
}

const videos = new VideoStore();
const session = new ModelSession(videos);
/** The backends offered to the page: those that started at init, less any that failed since. */
let offered: BackendName[] = [];

function status(): BackendStatus {
  const active = tf.getBackend() as BackendName;
  return { active, usable: offered.filter((b) => b === active || backendFailure(b) === '') };
}

const api = {
  /** Activates the first usable backend from `preferred` on; lists the usable ones. */
  async init(preferred: string = 'webgpu'): Promise<BackendStatus> {
    const active = await activateBackend(isBackendName(preferred) ? preferred : 'webgpu');
    offered = await usableBackends(active);
    return status();
  },

  /**
   * Switches backend, the model's weights moved across (see ModelSession.rehost). When `name`
   * cannot start, stays on the current backend and throws why; the page then no longer offers it.
   */
  async setBackend(name: string): Promise<BackendStatus> {
    if (!isBackendName(name)) throw new Error(`unknown backend ${name}`);
    const from = tf.getBackend() as BackendName;
    if (name === from) return status();
    await session.rehost(async () => {
      if (await tryBackend(name)) return;
      await tryBackend(from);
      throw new Error(`${name} could not start here (${backendFailure(name)}); still on ${from}`);
    });
    return status();
  },

  /** The backends on offer now (after a refused switch, without the refused one). */
  backends(): BackendStatus {
    return status();
  },

  /** Live tensor count and bytes (tests check nothing grows across windows and steps). */
  memory(): { numTensors: number; numBytes: number } {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes };
  },

  /** Fetches and loads the model at `url` (model.json or its folder), relative to `base`. */
  async loadModelFromUrl(url: string, base: string): Promise<ModelSummary> {
    return session.load(await modelBytesFromUrl(url, base));
  },

  /** Loads a model from local files: model.json and its shards. */
  async loadModelFromFiles(files: File[]): Promise<ModelSummary> {
    return session.load(await modelBytesFromFiles(files));
  },

  /** Keeps the current model in IndexedDB under `name`. */
  async saveModel(name: string): Promise<void> {
    const rt = session.runtime();
    await saveModel({ name, savedAt: new Date().toISOString(), meta: rt.meta, weights: await rt.weights() });
  },

  /** Models kept in IndexedDB. */
  listSavedModels(): Promise<SavedModelInfo[]> {
    return listModels();
  },

  /** Makes a model kept in IndexedDB the current one. */
  async openSavedModel(name: string): Promise<ModelSummary> {
    const m = await loadSavedModel(name);
    return session.use(m.meta, m.weights, `saved in this browser: ${name}`);
  },

  deleteSavedModel(name: string): Promise<void> {
    return deleteModel(name);
  },

  /** Starts receiving a video's frames for the current model; returns its id. */
  beginVideo(name: string, fps: number): number {
    return videos.begin(name, fps, session.runtime().meta.preprocessing);
  },

  /** One decoded RGBA frame (transferred). Returns the video's frame count. */
  addFrame(id: number, rgba: ArrayBuffer, width: number, height: number): number {
    return videos.add(id, rgba, width, height);
  },

  /**
   * One camera frame (transferred) for the live video `liveId` (only its last `keep` frames are
   * kept) and, while recording, for video `recordingId`. Returns the recording's frame count.
   */
  addCameraFrame(liveId: number, recordingId: number | null, keep: number, rgba: ArrayBuffer, width: number, height: number): number {
    return videos.addCameraFrame(liveId, recordingId, keep, rgba, width, height);
  },

  /** The current model's probabilities for the last clip_length frames of video `id` (null: fewer frames so far). */
  predictLatest(id: number): Promise<Float32Array | null> {
    return session.predictLatest(id);
  },

  /** Frame `index` of video `id` at the model's size ([H, W, C] bytes, a copy): thumbnails of labelled ranges. */
  videoFrame(id: number, index: number): { bytes: Uint8Array; height: number; width: number; channels: number } {
    const v = videos.get(id);
    const frame = v.frames[Math.max(0, Math.min(v.frames.length - 1, index))];
    if (!frame) throw new Error(`${v.name}: no frame ${index}`);
    const bytes = frame.slice();
    const p = v.prep;
    return Comlink.transfer({ bytes, height: p.frameHeight, width: p.frameWidth, channels: p.channels }, [bytes.buffer]);
  },

  /** Video `id`'s model-size frames ([frames, H, W, C] bytes, transferred), for checks and tests. */
  videoFrames(id: number): Uint8Array {
    const v = videos.get(id);
    const out = new Uint8Array(v.frames.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of v.frames) {
      out.set(f, at);
      at += f.length;
    }
    return Comlink.transfer(out, [out.buffer]);
  },

  removeVideo(id: number): void {
    videos.remove(id);
  },

  /** Slides clip_length windows `stride` frames apart over video `id`; reports each window. */
  async predictVideo(
    id: number,
    stride: number,
    onWindow: (w: WindowResult, total: number) => void | Promise<void>,
  ): Promise<WindowResult[]> {
    return session.predictVideo(id, stride, onWindow);
  },

  /** Fine-tunes a copy of the model on labelled ranges; the result becomes the current model. */
  async fineTune(
    ranges: LabelledRange[],
    classNames: string[],
    options: FineTuneOptions,
    onStep: (r: StepReport) => void,
  ): Promise<{ steps: StepReport[]; eval: EvalReport | null; model: ModelSummary }> {
    return session.fineTune(ranges, classNames, options, onStep);
  },

  /** Asks the running prediction or fine-tune to stop at its next window or step; it then throws "… cancelled". */
  cancel(): void {
    session.cancel();
  },

  /** The current model as a web-model folder (the CLI's export format) with a README.md, zipped; transferred. */
  async exportZip(folder: string): Promise<Uint8Array> {
    const files = await session.exportFiles();
    files.set('README.md', new TextEncoder().encode(modelReadme(folder, session.runtime().meta)));
    const zip = zipFolder(folder, files);
    return Comlink.transfer(zip, [zip.buffer]);
  },

  /** The current model's metadata and weights (for IndexedDB and download). */
  async currentWeights(): Promise<{ meta: S3DGWebMetadata; weights: NamedWeights }> {
    const rt = session.runtime();
    return { meta: rt.meta, weights: await rt.weights() };
  },
};

/** The worker's API as the page sees it (through comlink). */
export type WorkerApi = typeof api;

Comlink.expose(api);
