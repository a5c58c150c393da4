/**
 * Fine-tuning in the worker on labelled time ranges of uploaded clips: training clips are
 * cut from the ranges (clip_length frames, half-clip stride), the logits (optionally Mixed_5c
 * too) are trained with core's train step (its loss and momentum optimizer), and held-out ranges
 * are evaluated with core's eval step and the trainer's multi-label metrics.
 */
import * as tf from '@tensorflow/tfjs-core';
import { clipWindows, preprocessClip, MultiLabelMetrics, trainingStepBytes } from '../../core/index.ts';
import { metricValues } from '../../core/metrics/metrics.ts';
import { Optimizer, evalStep, trainStep } from '../../core/tfjs/index.ts';
import type { ModelRuntime } from './model_runtime.ts';
import { streamOf, type VideoStore } from './video_store.ts';

/** A labelled time range of an uploaded clip. */
export interface LabelledRange {
  videoId: number;
  /** Seconds. */
  start: number;
  end: number;
  /** Class names present in the range (may be empty: none of the classes). */
  labels: string[];
  /** Held out for evaluation instead of training. */
  heldOut: boolean;
}

export interface FineTuneOptions {
  steps: number;
  learningRate: number;
  batchSize: number;
  /** Also train the last Inception block (Mixed_5c), not just the logits. */
  trainLastBlock: boolean;
}

/** One training clip with its multi-hot label. */
interface Example {
  clip: Float32Array;
  label: Float32Array;
}

/** Progress of one step. */
export interface StepReport {
  step: number;
  loss: number;
}

/** One class's held-out results: core's precision, recall and F1 of that class alone. */
export interface ClassEval {
  /** Held-out clips labelled with the class. */
  positives: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Held-out results: mean loss, the trainer's metrics (auc, precision, recall, f1) and per class (in class order). */
export interface EvalReport {
  clips: number;
  loss: number;
  metrics: Record<string, number>;
  perClass: ClassEval[];
}

/** Clips [T,H,W,C] in [-1,1] with labels over `classNames`, cut from `ranges`. */
export async function examplesOf(
  ranges: LabelledRange[],
  videos: VideoStore,
  runtime: ModelRuntime,
  classNames: string[],
): Promise<Example[]> {
  const p = runtime.meta.preprocessing;
  const shape = { height: p.frameHeight, width: p.frameWidth, channels: p.channels };
  const out: Example[] = [];
  for (const r of ranges) {
    const v = videos.get(r.videoId);
    const first = Math.max(0, Math.floor(r.start * v.fps));
    const last = Math.min(v.frames.length, Math.ceil(r.end * v.fps));
    if (last <= first) throw new Error(`${v.name}: the labelled range ${r.start}–${r.end} s holds no frame`);
    const label = new Float32Array(classNames.length);
    for (const name of r.labels) {
      const k = classNames.indexOf(name);
      if (k < 0) throw new Error(`label "${name}" is not one of the classes (${classNames.join(', ')})`);
      label[k] = 1;
    }
    const stride = Math.max(1, Math.floor(p.clipLength / 2));
    for await (const w of clipWindows(streamOf(v.frames.slice(first, last)), p.clipLength, stride)) {
      out.push({ clip: preprocessClip(w.frames, shape, null), label });
    }
  }
  return out;
}

function batchOf(examples: Example[], indices: number[], runtime: ModelRuntime): { clips: tf.Tensor5D; labels: tf.Tensor2D } {
  const p = runtime.meta.preprocessing;
  const clipSize = p.clipLength * p.frameHeight * p.frameWidth * p.channels;
  const k = examples[0].label.length;
  const clips = new Float32Array(indices.length * clipSize);
  const labels = new Float32Array(indices.length * k);
  indices.forEach((e, i) => {
    clips.set(examples[e].clip, i * clipSize);
    labels.set(examples[e].label, i * k);
  });
  return {
    clips: tf.tensor5d(clips, [indices.length, p.clipLength, p.frameHeight, p.frameWidth, p.channels]),
    labels: tf.tensor2d(labels, [indices.length, k]),
  };
}

/** 0..n−1 in random order (Fisher–Yates): each epoch visits every clip once. */
function shuffled(n: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const GiB = 2 ** 30;

/**
 * Whether a step of `batchSize` clips should recompute activations in the backward pass: when the
 * model's training-step estimate (as the CLI's memory check) exceeds what the backend has left.
 * Browsers do not tell a page its GPU memory, so webgpu and webgl assume 2 GiB per tab (common
 * limits are 2–4 GiB) and wasm its 4 GiB heap, less what tfjs already holds (`tf.memory()`).
 */
function needsRecompute(runtime: ModelRuntime, batchSize: number): boolean {
  const p = runtime.meta.preprocessing;
  const budget = (tf.getBackend() === 'wasm' ? 4 * GiB : 2 * GiB) - tf.memory().numBytes;
  return trainingStepBytes(runtime.model.net, [p.clipLength, p.frameHeight, p.frameWidth, p.channels], batchSize) > budget;
}

/** Trains `runtime` in place for `options.steps` steps; calls `onStep` after each. */
export async function train(
  runtime: ModelRuntime,
  examples: Example[],
  options: FineTuneOptions,
  onStep: (r: StepReport) => void,
  shouldStop: () => boolean,
): Promise<StepReport[]> {
  if (examples.length === 0) throw new Error('no training clip: label at least one range (not held out) as long as a clip');
  const trains = (n: string) => n.startsWith('InceptionV1/Logits/') || (options.trainLastBlock && n.startsWith('InceptionV1/Mixed_5c/'));
  const optimizer = new Optimizer('momentum', options.learningRate, 0.9);
  const reports: StepReport[] = [];
  const recompute = needsRecompute(runtime, Math.min(options.batchSize, examples.length));
  let order: number[] = [];
  try {
    for (let step = 1; step <= options.steps && !shouldStop(); step++) {
      const indices: number[] = [];
      while (indices.length < Math.min(options.batchSize, examples.length)) {
        if (order.length === 0) order = shuffled(examples.length);
        indices.push(order.pop()!);
      }
      const batch = batchOf(examples, indices, runtime);
      try {
        // No weight decay: a short run on a few clips, where the trainer's 1e-7 would change nothing.
        // Frozen layers keep their moving statistics: a few clips would make poor batch statistics.
        const { loss } = await trainStep(runtime.model, optimizer, batch, {
          trains,
          weightDecay: 0,
          freezeBatchNorm: true,
          recompute,
        });
        reports.push({ step, loss });
        onStep({ step, loss });
      } finally {
        tf.dispose([batch.clips, batch.labels]);
      }
      await new Promise((resolve) => setTimeout(resolve, 0)); // let comlink messages (stop) through
    }
  } finally {
    optimizer.dispose();
  }
  return reports;
}

/** Loss and metrics of `runtime` on held-out examples. */
export async function evaluate(runtime: ModelRuntime, examples: Example[]): Promise<EvalReport> {
  if (examples.length === 0) throw new Error('no held-out clip: mark at least one labelled range as held out');
  const metrics = new MultiLabelMetrics(examples[0].label.length);
  let loss = 0;
  for (let i = 0; i < examples.length; i++) {
    const batch = batchOf(examples, [i], runtime);
    try {
      const r = await evalStep(runtime.model, batch, 0);
      metrics.update(r.probabilities, examples[i].label);
      loss += r.crossEntropy;
    } finally {
      tf.dispose([batch.clips, batch.labels]);
    }
  }
  const perClass = Array.from({ length: metrics.numClasses }, (_, k) => {
    const c = metrics.confusion([k]);
    const { precision, recall, f1 } = metricValues(c);
    return { positives: c.tp + c.fn, precision, recall, f1 };
  });
  return { clips: examples.length, loss: loss / examples.length, metrics: metrics.result(), perClass };
}
