/**
 * The Estimator-style loop of the original trainer: train (with resume, warm start, periodic
 * checkpoints and summaries), evaluate (one full pass), train-and-evaluate (evaluate after every
 * checkpoint) and predict. One loop for every backend; all I/O goes through the Platform.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Platform } from '../../platform.ts';
import type { ClipBatch, InputPosition } from '../../data/input_pipeline.ts';
import type { RecordRef } from '../../data/clip_records.ts';
import { EventWriter, eventFileName } from '../../formats/event_writer.ts';
import type { S3DGConfig } from '../../model/config.ts';
import type { Ops } from '../../ops/ops.ts';
import { TfjsModel } from '../model.ts';
import { resolveCheckpoint } from '../../model/checkpoint_weights.ts';
import { restoreModelCheckpoint, saveModelCheckpoint, warmStartFrom } from './checkpoints.ts';
import { MultiLabelMetrics, type MetricGroup } from '../../metrics/metrics.ts';
import { Optimizer, type OptimizerName } from './optimizer.ts';
import { processedFrames, variableHistogramTag, writeActivationSummaries, writeLossSummaries, writeProcessedFrames } from './summaries.ts';
import { evalStep, trainStep, type StepResult, type TensorBatch } from './train_step.ts';
import type { VariablePredicate } from '../../model/variable_selection.ts';
import { concatFloats, type GradientReplicas } from './replicas.ts';
import { ReplicatedTrainer, replicaSetup } from './replicated_step.ts';

/** TF's RunConfig fields the original used. */
export interface RunConfig {
  modelDir: string;
  saveSummarySteps: number;
  saveCheckpointsSteps: number;
  logStepCountSteps: number;
  /** Checkpoints kept, the oldest deleted beyond it; 0 keeps every one (TF's max_to_keep). */
  keepCheckpointMax: number;
}

export interface EstimatorOptions {
  platform: Platform;
  run: RunConfig;
  model: Partial<S3DGConfig>;
  optimizer: OptimizerName;
  learningRate: number;
  momentum?: number;
  weightDecay: number;
  /** Variables to train (default all trainable). */
  variablesToTrain?: VariablePredicate;
  /** Batch norm of layers not trained keeps to moving statistics (default: every batch norm trains, as TF-slim). */
  freezeBatchNorm?: boolean;
  /** Recompute activations per block in the backward pass (less memory, a second forward pass; default off). */
  recompute?: boolean;
  /** Warm start, used only when the model directory has no checkpoint yet (as TF). */
  warmStart?: { from: string; select: VariablePredicate };
  /** Classes the plain metrics (`auc`, `f1`, …) cover, as the original's --metric_weights masks (default: all). */
  metricScope?: MetricGroup;
  /** Groups reported beside the plain metrics as `<group>_<metric>`. */
  metricGroups?: MetricGroup[];
  addImageSummaries?: boolean;
  /** Host name in event file names. */
  hostname?: string;
  seed?: number;
  ops?: Ops<tf.Tensor>;
  /**
   * Synchronous data-parallel training: each step takes one batch per replica from the input
   * (`batchSize` is per replica, as TF's Estimator under a distribution strategy) and applies
   * the mean of their gradients here. Without it, every step runs in this thread.
   */
  replicas?: GradientReplicas;
  /** Progress of training, every step. */
  onStep?: (p: StepProgress) => void;
}

export interface StepProgress {
  step: number;
  /** Global step the run stops at. */
  lastStep: number;
  loss: number;
  stepsPerSecond: number;
}

export interface EvalResult {
  globalStep: number;
  loss: number;
  metrics: Record<string, number>;
  clips: number;
}

export interface Prediction {
  source: RecordRef;
  probabilities: Float32Array;
  /** Labels when the records have them. */
  labels?: Float32Array;
}

/** Clip size of a batch: frames follow from the clip length in the buffer and the frame size. */
interface ClipDims {
  frames: number;
  height: number;
  width: number;
}

function toTensors(batch: ClipBatch, model: TfjsModel, d: ClipDims): TensorBatch {
  return {
    clips: tf.tensor5d(batch.clips, [batch.size, d.frames, d.height, d.width, model.config.inputChannels]),
    labels: tf.tensor2d(batch.labels, [batch.size, model.config.numClasses]),
  };
}

/** The next `n` batches of `input`, fewer where it ends before them. */
async function upTo(input: AsyncIterator<ClipBatch>, n: number): Promise<ClipBatch[]> {
  const out: ClipBatch[] = [];
  while (out.length < n) {
    const next = await input.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

/** The next `n` batches (one per replica), or null when the input ends before them. */
async function nextBatches(input: AsyncIterator<ClipBatch>, n: number): Promise<ClipBatch[] | null> {
  const out = await upTo(input, n);
  return out.length === n ? out : null;
}

export class Estimator {
  readonly model: TfjsModel;
  readonly optimizer: Optimizer;
  globalStep = 0;
  private prepared = false;
  private stopRequested = false;
  private lastSavedStep = -1;
  private replicated: ReplicatedTrainer | null = null;
  /** The training input's position after the last batch trained on; saved with each checkpoint. */
  private inputPosition: InputPosition | undefined;
  /**
   * After `prepare()`: the input position saved with the checkpoint training resumes from (null
   * when there is none); build the training input with it as `resumeFrom` to continue exactly.
   */
  resumePosition: InputPosition | null = null;

  constructor(
    private readonly options: EstimatorOptions,
    /** Frame size of the clips (frames per clip follow from the batch size). */
    private readonly frame: { height: number; width: number },
  ) {
    this.model = new TfjsModel(options.model, { seed: options.seed ?? 0, ops: options.ops });
    this.optimizer = new Optimizer(options.optimizer, options.learningRate, options.momentum ?? 0.9);
  }

  private dims(batch: ClipBatch): ClipDims {
    const { height, width } = this.frame;
    const frames = batch.clips.length / batch.size / (height * width * this.model.config.inputChannels);
    if (!Number.isInteger(frames)) throw new Error(`a batch of ${batch.size} clips does not hold whole ${height}×${width} frames`);
    return { frames, height, width };
  }

  private log(message: string): void {
    this.options.platform.log(message);
  }

  /** Ends training after the current step; a checkpoint is written (Ctrl-C). */
  requestStop(): void {
    this.stopRequested = true;
  }

  /**
   * Loads state: the model directory's latest checkpoint (resume), else the warm start, else
   * fresh initial values. `inferenceFrom` (a checkpoint for eval/predict) overrides both.
   */
  async prepare(inferenceFrom?: string): Promise<void> {
    if (this.prepared) return;
    this.prepared = true;
    const { platform, run } = this.options;
    if (inferenceFrom) {
      const prefix = await resolveCheckpoint(platform, inferenceFrom);
      if (prefix === null) throw new Error(`\`checkpoint\` ${inferenceFrom}: no checkpoint there`);
      this.globalStep = (await restoreModelCheckpoint(platform, prefix, this.model, null)).globalStep;
      this.log(`restored ${prefix} (global step ${this.globalStep})`);
      return;
    }
    const own = await resolveCheckpoint(platform, run.modelDir);
    if (own !== null) {
      const restored = await restoreModelCheckpoint(platform, own, this.model, this.optimizer);
      this.globalStep = restored.globalStep;
      this.lastSavedStep = this.globalStep;
      this.resumePosition = restored.inputPosition;
      this.inputPosition = this.resumePosition ?? undefined;
      this.log(
        `resuming from ${own} at global step ${this.globalStep}` +
          (this.options.warmStart ? ' (warm start ignored: the model directory has a checkpoint)' : ''),
      );
      return;
    }
    if (this.options.warmStart) {
      const r = await warmStartFrom(platform, this.options.warmStart.from, this.model, this.options.warmStart.select);
      this.log(`warm-started ${r.loaded.length} variables from ${r.source}; the others start fresh`);
      return;
    }
    this.log('no checkpoint in the model directory and no warm start: starting from fresh initial values');
  }

  /** The replicas' coordinator, started at the first train() (train-and-evaluate trains several times). */
  private async replicatedTrainer(trains: VariablePredicate): Promise<ReplicatedTrainer | null> {
    const { replicas } = this.options;
    if (!replicas) return null;
    if (!this.replicated) {
      const { weightDecay, freezeBatchNorm, recompute } = this.options;
      const setup = replicaSetup(this.model, { trains, weightDecay, freezeBatchNorm, recompute });
      this.replicated = new ReplicatedTrainer(this.model, this.optimizer, replicas, setup);
      await this.replicated.start();
    }
    return this.replicated;
  }

  private newEventWriter(dir: string): EventWriter {
    const { platform } = this.options;
    const start = Math.floor(platform.wallTime());
    const path = platform.join(dir, eventFileName(start, this.options.hostname ?? 'localhost'));
    const ready = platform.makeDir(dir);
    return new EventWriter({
      append: async (b) => {
        await ready;
        await platform.appendFile(path, b);
      },
      startSeconds: start,
      wallTime: () => platform.wallTime(),
    });
  }

  private async checkpoint(writer: EventWriter | null): Promise<void> {
    if (this.lastSavedStep === this.globalStep) return;
    const { platform, run } = this.options;
    const prefix = await saveModelCheckpoint(
      platform,
      run.modelDir,
      this.globalStep,
      this.model,
      this.optimizer,
      run.keepCheckpointMax,
      this.inputPosition,
    );
    writer?.sessionLog('CHECKPOINT', this.globalStep, prefix);
    this.lastSavedStep = this.globalStep;
    this.log(`saved checkpoint ${prefix}`);
  }

  /**
   * Trains until global step `maxSteps` (or `steps` more), reading batches from `input` without
   * closing it (train-and-evaluate continues it). Writes a checkpoint every
   * save_checkpoints_steps and at the end. Returns the last loss.
   */
  async train(
    input: AsyncIterator<ClipBatch>,
    limit: { steps?: number; maxSteps?: number },
  ): Promise<{ globalStep: number; loss: number }> {
    await this.prepare();
    const { run } = this.options;
    const lastStep = limit.steps !== undefined ? this.globalStep + limit.steps : (limit.maxSteps ?? Infinity);
    if (this.globalStep >= lastStep) {
      this.log(`global step ${this.globalStep} already reaches ${lastStep}: nothing to train`);
      return { globalStep: this.globalStep, loss: NaN };
    }
    if (limit.steps !== undefined) this.log(`training ${limit.steps} more steps: global step ${this.globalStep} to ${lastStep}`);
    const trains = this.options.variablesToTrain ?? (() => true);
    const replicated = await this.replicatedTrainer(trains);
    const writer = this.newEventWriter(run.modelDir);
    writer.sessionLog('START', this.globalStep);
    const metrics = new MultiLabelMetrics(this.model.config.numClasses, this.options.metricGroups, this.options.metricScope);
    const { platform } = this.options;
    let loss = NaN;
    let windowStart = platform.wallTime();
    let windowStep = this.globalStep;
    this.stopRequested = false;
    try {
      while (this.globalStep < lastStep && !this.stopRequested) {
        const batches = await nextBatches(input, replicated?.count ?? 1);
        if (batches === null) {
          this.log('training input ended');
          break;
        }
        const batch = batches[0];
        const dims = this.dims(batch);
        const step = this.globalStep + 1;
        const summarize = step % run.saveSummarySteps === 0 || step === 1;
        const stepOptions = {
          trains,
          weightDecay: this.options.weightDecay,
          keepEndpoints: summarize,
          freezeBatchNorm: this.options.freezeBatchNorm,
          recompute: this.options.recompute,
          // Dropout from (--seed, step): the same command gives the same run, resumed or not.
          seed: (this.options.seed ?? 0) * 1_000_003 + step,
        };
        let r: StepResult;
        if (replicated) {
          const shape = this.clipShape(batch);
          r = await replicated.step(
            batches.map((b) => ({ clips: b.clips, labels: b.labels, shape })),
            stepOptions,
          );
        } else {
          const tensors = toTensors(batch, this.model, dims);
          r = await trainStep(this.model, this.optimizer, tensors, stepOptions).finally(() => tf.dispose([tensors.clips, tensors.labels]));
        }
        this.globalStep = step;
        // After the last batch of the step: the record stream does not depend on the replicas.
        this.inputPosition = batches[batches.length - 1].position;
        loss = r.loss;
        if (!Number.isFinite(loss)) throw new Error(`loss is ${loss} at global step ${step}: training diverged (lower \`learningRate\`?)`);
        metrics.update(r.probabilities, batches.length === 1 ? batch.labels : concatFloats(batches.map((b) => b.labels)));
        const now = platform.wallTime();
        const rate = (step - windowStep) / Math.max(now - windowStart, 1e-9);
        this.options.onStep?.({ step, lastStep, loss, stepsPerSecond: rate });
        if (step % run.logStepCountSteps === 0) {
          this.log(`global step ${step}: loss = ${loss.toFixed(5)} (${rate.toFixed(3)} steps/s)`);
          writer.scalar('global_step/sec', rate, step);
          windowStart = now;
          windowStep = step;
        }
        if (summarize) {
          writeLossSummaries(writer, r, step);
          writer.scalar('learning_rate', this.optimizer.learningRate, step);
          for (const [k, v] of Object.entries(metrics.result())) writer.scalar(`Metrics/train/${k}`, v, step);
          metrics.reset();
          if (r.endpoints) writeActivationSummaries(writer, r.endpoints, step);
          // Every global variable, as the original: the model's and global_step.
          for (const name of this.model.variables.names)
            writer.histogram(variableHistogramTag(name), await this.model.variables.get(name).data<'float32'>(), step);
          writer.histogram(variableHistogramTag('global_step'), [step], step);
          if (this.options.addImageSummaries) {
            const { frames, height, width } = dims;
            writeProcessedFrames(
              writer,
              processedFrames(batch.clips, batch.size, frames, height, width, this.model.config.inputChannels),
              step,
            );
          }
        }
        if (step % run.saveCheckpointsSteps === 0) await this.checkpoint(writer);
      }
      await this.checkpoint(writer);
    } finally {
      await writer.close();
    }
    return { globalStep: this.globalStep, loss };
  }

  /** One pass over `input`; summaries go to `<modelDir>/eval` at the current global step. */
  async evaluate(input: AsyncIterable<ClipBatch>, checkpointPath?: string): Promise<EvalResult> {
    await this.prepare(checkpointPath);
    const metrics = new MultiLabelMetrics(this.model.config.numClasses, this.options.metricGroups, this.options.metricScope);
    let lossSum = 0;
    let clips = 0;
    // Replicas started by training evaluate a batch each at once; the results are taken in input
    // order, so the metrics are those of one thread.
    const replicated = this.replicated;
    const batches = input[Symbol.asyncIterator]();
    const perRound = replicated?.count ?? 1;
    try {
      for (let round = await upTo(batches, perRound); round.length > 0; round = await upTo(batches, perRound)) {
        const results = replicated
          ? await replicated.evaluate(round.map((b) => ({ clips: b.clips, labels: b.labels, shape: this.clipShape(b) })))
          : [await this.evalOne(round[0])];
        results.forEach((r, i) => {
          metrics.update(r.probabilities, round[i].labels);
          lossSum += r.loss * round[i].size;
          clips += round[i].size;
        });
      }
    } finally {
      // As a for-await loop would: an input left early (a replica failed) closes its files.
      await batches.return?.();
    }
    if (clips === 0) throw new Error('evaluation input holds no clips');
    const result: EvalResult = { globalStep: this.globalStep, loss: lossSum / clips, metrics: metrics.result(), clips };
    const writer = this.newEventWriter(this.options.platform.join(this.options.run.modelDir, 'eval'));
    writer.scalar('loss', result.loss, this.globalStep);
    for (const [k, v] of Object.entries(result.metrics)) writer.scalar(`Metrics/eval/${k}`, v, this.globalStep);
    await writer.close();
    const shown = ['auc', 'precision', 'recall', 'f1'].map((k) => `${k} = ${result.metrics[k].toFixed(4)}`).join(', ');
    const scope = this.options.metricScope ? ` (metrics over ${this.options.metricScope.name}'s classes)` : '';
    const on = replicated ? ` on ${replicated.count} replicas` : '';
    this.log(`evaluation at global step ${this.globalStep} over ${clips} clips${on}: loss = ${result.loss.toFixed(5)}, ${shown}${scope}`);
    return result;
  }

  private evalOne(batch: ClipBatch): Promise<{ probabilities: Float32Array; loss: number }> {
    const tensors = toTensors(batch, this.model, this.dims(batch));
    return evalStep(this.model, tensors, this.options.weightDecay).finally(() => tf.dispose([tensors.clips, tensors.labels]));
  }

  /** [B, T, H, W, C] of a batch. */
  private clipShape(batch: ClipBatch): number[] {
    const d = this.dims(batch);
    return [batch.size, d.frames, d.height, d.width, this.model.config.inputChannels];
  }

  /** Trains to `maxSteps`, evaluating after every checkpoint (as tf.estimator.train_and_evaluate). */
  async trainAndEvaluate(
    train: AsyncIterator<ClipBatch>,
    evalInput: () => AsyncIterable<ClipBatch>,
    maxSteps: number,
  ): Promise<EvalResult> {
    await this.prepare();
    let last: EvalResult | null = null;
    while (this.globalStep < maxSteps && !this.stopRequested) {
      const every = this.options.run.saveCheckpointsSteps;
      const nextCheckpoint = Math.min(maxSteps, (Math.floor(this.globalStep / every) + 1) * every);
      const before = this.globalStep;
      await this.train(train, { maxSteps: nextCheckpoint });
      if (this.globalStep === before) break; // input ended
      last = await this.evaluate(evalInput());
    }
    return last ?? (await this.evaluate(evalInput()));
  }

  /** Per-clip predictions, streamed batch by batch. */
  async *predict(input: AsyncIterable<ClipBatch>, checkpointPath?: string): AsyncGenerator<Prediction> {
    await this.prepare(checkpointPath);
    const k = this.model.config.numClasses;
    for await (const batch of input) {
      const dims = this.dims(batch);
      const probs = await this.model.predictValues(batch.clips, [
        batch.size,
        dims.frames,
        dims.height,
        dims.width,
        this.model.config.inputChannels,
      ]);
      for (let b = 0; b < batch.size; b++) {
        yield {
          source: batch.sources[b],
          probabilities: probs.slice(b * k, (b + 1) * k),
          labels: batch.labels.length ? batch.labels.slice(b * k, (b + 1) * k) : undefined,
        };
      }
    }
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }
}
