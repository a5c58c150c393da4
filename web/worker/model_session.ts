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
  private stopRequested = false;

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

  async predictVideo(id: number, stride: number, onWindow: (w: WindowResult, total: number) => void): Promise<WindowResult[]> {
    const rt = this.runtime();
    const v = this.videos.get(id);
    const p = rt.meta.preprocessing;
    if (!Number.isInteger(stride) || stride < 1) throw new Error(`stride must be a whole number of frames ≥ 1, got ${stride}`);
    const shape = { height: p.frameHeight, width: p.frameWidth, channels: p.channels };
    const total = v.frames.length < p.clipLength ? 1 : Math.floor((v.frames.length - p.clipLength) / stride) + 1;
    const out: WindowResult[] = [];
    for await (const w of clipWindows(streamOf(v.frames), p.clipLength, stride)) {
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
      onWindow(result, total);
    }
    return out;
  }

  /** The current model's web-model files (model.json and shards) as the CLI exports them. */
  async exportFiles(): Promise<Map<string, Uint8Array>> {
    const rt = this.runtime();
    return encodeModelFiles(rt.meta, await rt.weights());
  }

  stop(): void {
    this.stopRequested = true;
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
      this.stopRequested = false;
      const steps = await train(tuned, trainSet, options, onStep, () => this.stopRequested);
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
