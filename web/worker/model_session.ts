/**
 * The worker's current model and what runs on it: loading (bytes → verified weights →
 * runtime), sliding-window prediction over a stored video, and fine-tuning into a new model.
 */
import { clipWindows, preprocessClip, type S3DGWebMetadata, type NamedWeights } from '../../core/index.ts';
import type { ModelBytes } from '../model/model_bytes.ts';
import { decodeModelBytes, encodeModelFiles } from './open_model.ts';
import { ModelRuntime } from './model_runtime.ts';
import { prepKey, streamOf, type VideoStore } from './video_store.ts';
import { evaluate, examplesOf, train, type EvalReport, type FineTuneOptions, type LabelledRange, type StepReport } from './fine_tune.ts';
import { cancelledError, yieldToMessages, type CancelToken } from './cancel.ts';

/** What the page shows about a loaded model. */
export interface ModelSummary {
  source: string;
  /** Frames prepared for one model fit another with the same key. */
  prepKey: string;
  classNames: string[];
  clipLength: number;
  frameHeight: number;
  frameWidth: number;
  fps: number | null;
  depthMultiplier: number;
  parameters: number;
  provenance: S3DGWebMetadata['provenance'];
}

/** One prediction window. */
export interface WindowResult {
  index: number;
  /** First frame and time span (seconds). */
  start: number;
  startSeconds: number;
  endSeconds: number;
  probabilities: Float32Array;
  /** The video was shorter than one clip (its last frame repeated). */
  padded: boolean;
}

export class ModelSession {
  private current: ModelRuntime | null = null;
  private source = '';
  /** The running prediction or fine-tune, which {@link cancel} stops. */
  private job: CancelToken | null = null;

  constructor(private readonly videos: VideoStore) {}

  runtime(): ModelRuntime {
    if (!this.current) throw new Error('no model is loaded');
    return this.current;
  }

  /** Replaces the current model by `meta` + `weights` (also used for models kept in IndexedDB). */
  use(meta: S3DGWebMetadata, weights: NamedWeights, source: string, freshLogits = false): ModelSummary {
    const next = new ModelRuntime(meta, weights, source, freshLogits);
    this.current?.dispose();
    this.current = next;
    this.source = source;
    return this.summary();
  }

  /**
   * Runs `activate` (a backend switch) with the model's weights kept off the backends: they are
   * read out asynchronously first and loaded again on whichever backend is active afterwards.
   * Left to tfjs, the variables would move lazily through the old backend's synchronous read,
   * which on webgpu in a worker returns zeros (every class then reads 0.5).
   */
  async rehost<T>(activate: () => Promise<T>): Promise<T> {
    const rt = this.current;
    if (!rt) return activate();
    const weights = await rt.weights();
    rt.dispose();
    this.current = null;
    try {
      return await activate();
    } finally {
      this.current = new ModelRuntime(rt.meta, weights, this.source);
    }
  }

  /** Verifies and loads gathered model bytes. */
  async load(bytes: ModelBytes): Promise<ModelSummary> {
    const { meta, weights } = await decodeModelBytes(bytes);
    return this.use(meta, weights, bytes.source);
  }

  summary(): ModelSummary {
    const rt = this.runtime();
    const p = rt.meta.preprocessing;
    return {
      source: this.source,
      prepKey: prepKey(p),
      classNames: rt.classNames,
      clipLength: p.clipLength,
      frameHeight: p.frameHeight,
      frameWidth: p.frameWidth,
      fps: p.fps,
      depthMultiplier: rt.meta.config.depthMultiplier,
      parameters: rt.model.parameterCount,
      provenance: rt.meta.provenance,
    };
  }

  async predictVideo(
    id: number,
    stride: number,
    onWindow: (w: WindowResult, total: number) => void | Promise<void>,
  ): Promise<WindowResult[]> {
    const rt = this.runtime();
    const v = this.videos.get(id);
    const p = rt.meta.preprocessing;
    if (!Number.isInteger(stride) || stride < 1) throw new Error(`stride must be a whole number of frames ≥ 1, got ${stride}`);
    const shape = { height: p.frameHeight, width: p.frameWidth, channels: p.channels };
    const total = v.frames.length < p.clipLength ? 1 : Math.floor((v.frames.length - p.clipLength) / stride) + 1;
    const out: WindowResult[] = [];
    const job = this.startJob();
    for await (const w of clipWindows(streamOf(v.frames), p.clipLength, stride)) {
      await yieldToMessages();
      if (job.cancelled) throw cancelledError(`prediction of ${v.name}`);
      const probabilities = await rt.predict(preprocessClip(w.frames, shape, null));
      const result = {
        index: out.length,
        start: w.start,
        startSeconds: w.start / v.fps,
        endSeconds: (w.start + p.clipLength) / v.fps,
        probabilities,
        padded: w.padded,
      };
      out.push(result);
      // Awaited: the page's callback travels on its own port, so without the wait the returned
      // list could reach the page before the last window's callback.
      await onWindow(result, total);
    }
    return out;
  }

  /**
   * Probabilities of the last clip_length frames of video `id` (the live camera), or null while
   * it holds fewer. Not a job: it takes one window, so there is nothing to cancel.
   */
  async predictLatest(id: number): Promise<Float32Array | null> {
    const rt = this.runtime();
    const v = this.videos.get(id);
    const p = rt.meta.preprocessing;
    if (v.frames.length < p.clipLength) return null;
    const shape = { height: p.frameHeight, width: p.frameWidth, channels: p.channels };
    for await (const w of clipWindows(streamOf(v.frames.slice(-p.clipLength)), p.clipLength, p.clipLength)) {
      return rt.predict(preprocessClip(w.frames, shape, null));
    }
    return null;
  }

  /** The current model's web-model files (model.json and shards) as the CLI exports them. */
  async exportFiles(): Promise<Map<string, Uint8Array>> {
    const rt = this.runtime();
    return encodeModelFiles(rt.meta, await rt.weights());
  }

  /** Makes a fresh token the running job's (a cancel request before this belongs to an older job). */
  private startJob(): CancelToken {
    this.job = { cancelled: false };
    return this.job;
  }

  /** Asks the running prediction or fine-tune to stop at its next window or step. */
  cancel(): void {
    if (this.job) this.job.cancelled = true;
  }

  /**
   * Trains a copy of the current model on `ranges` (a fresh logits layer when `classNames`
   * differ from the model's), evaluates it on the held-out ranges, and makes it current.
   */
  async fineTune(
    ranges: LabelledRange[],
    classNames: string[],
    options: FineTuneOptions,
    onStep: (r: StepReport) => void,
  ): Promise<{ steps: StepReport[]; eval: EvalReport | null; model: ModelSummary }> {
    const base = this.runtime();
    const job = this.startJob();
    if (classNames.length === 0) throw new Error('fine-tuning needs at least one class');
    const sameClasses = classNames.length === base.classNames.length && classNames.every((c, i) => c === base.classNames[i]);
    const meta: S3DGWebMetadata = {
      ...base.meta,
      config: { ...base.meta.config, numClasses: classNames.length },
      classNames: [...classNames],
      provenance: { ...base.meta.provenance, sourceCheckpoint: `${this.source} (fine-tuned in the browser)`, evalMetrics: null },
    };
    const tuned = new ModelRuntime(meta, await base.weights(), this.source, !sameClasses);
    try {
      const trainSet = await examplesOf(
        ranges.filter((r) => !r.heldOut),
        this.videos,
        tuned,
        classNames,
      );
      const heldOut = await examplesOf(
        ranges.filter((r) => r.heldOut),
        this.videos,
        tuned,
        classNames,
      );
      const steps = await train(tuned, trainSet, options, onStep, () => job.cancelled);
      if (job.cancelled) throw cancelledError('fine-tuning');
      const report = heldOut.length > 0 ? await evaluate(tuned, heldOut) : null;
      const globalStep = base.meta.provenance.globalStep + steps.length;
      tuned.meta.provenance = {
        ...meta.provenance,
        globalStep,
        evalMetrics: report ? { loss: report.loss, ...report.metrics } : null,
        exportedAt: new Date().toISOString(),
      };
      base.dispose();
      this.current = tuned;
      this.source = meta.provenance.sourceCheckpoint;
      return { steps, eval: report, model: this.summary() };
    } catch (e) {
      tuned.dispose();
      throw e;
    }
  }
}
