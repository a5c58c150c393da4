/** What the page's panels share: the worker, the loaded model, the uploaded clips. */
import type { Remote } from 'comlink';
import type { WorkerApi } from '../worker_client.ts';
import type { ModelSummary, WindowResult } from '../worker/model_session.ts';
import type { VideoInfo } from '../video/frames.ts';

/** An uploaded clip and its frames in the worker. */
export interface ClipEntry {
  /** Serial number of the upload (body[data-predicted] starts with it). */
  uid: number;
  file: File;
  /** A decoding problem that left usable frames (truncated file), shown with the predictions. */
  warning: string | null;
  /** The worker's video id, or null before decoding / after the model's frame size changed. */
  videoId: number | null;
  /** Preprocessing the worker's frames were made for (see worker/video_store.ts prepKey). */
  prepKey: string;
  info: VideoInfo | null;
  frames: number;
  /** Frames per second of the worker's frames. */
  fps: number;
  windows: WindowResult[];
  /** Frames between the starts of `windows`. */
  stride: number;
  /** Decoding or prediction failed (the clip is then dropped from the list). */
  failed: boolean;
  /** Set for a camera recording (its class): its frames live only in the worker, there is no file to decode again. */
  recordedLabel?: string;
}

export interface AppState {
  api: Remote<WorkerApi>;
  model: ModelSummary | null;
  /** Key of the current model's preprocessing. */
  modelPrepKey: string;
  clips: ClipEntry[];
  /** Index in `clips` of the clip on show. */
  shown: number;
  /** The chain of clip predictions (each waits for the one before). */
  predictions: Promise<void>;
  /** Set while decoding, predicting, training, loading a model or switching backend (one job at a time). */
  busy: string | null;
  /** Set by the cancel buttons; each job clears it when it starts and checks it between frames. */
  cancelRequested: boolean;
  /** Whether the first model has been opened (clips picked before wait for `started`). */
  ready: boolean;
  /** Resolves once the app has started (backend up, first model opened or refused). */
  started: Promise<void>;
}
