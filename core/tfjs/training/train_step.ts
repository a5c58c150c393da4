import * as tf from '@tensorflow/tfjs-core';
import type { TfjsModel } from '../model.ts';
import { trainingLoss } from './losses.ts';
import type { Optimizer } from './optimizer.ts';
import { recomputedStepGradients } from './recompute.ts';

/** One batch as tensors: clips [B,T,H,W,C] in [-1,1], labels [B,K] of 0/1. */
export interface TensorBatch {
  clips: tf.Tensor5D;
  labels: tf.Tensor2D;
}

export interface StepOptions {
  /** Which trainable variables this step updates (TF names). */
  trains: (name: string) => boolean;
  weightDecay: number;
  /** Also return every endpoint's values (for activation summaries). */
  keepEndpoints?: boolean;
  /** Seed of this step's dropout (a new one each step makes a seeded run reproducible). */
  seed?: number;
  /**
   * Batch norm of layers not trained runs on moving statistics and leaves them alone (Keras's
   * frozen layers). Default off: every batch norm normalises by batch statistics and updates its
   * moving averages, as the original trainer (TF-slim, `is_training=True`, UPDATE_OPS) does.
   */
  freezeBatchNorm?: boolean;
  /**
   * Recompute activations in the backward pass, stage by stage (`recompute.ts`): the same
   * gradients for a fraction of the memory, at the cost of a second forward pass.
   */
  recompute?: boolean;
}

/** What a step reports, as plain numbers (no tensors outlive the step). */
export interface StepResult {
  loss: number;
  crossEntropy: number;
  l1: number;
  l2: number;
  /** Predictions [B,K] of the training forward pass. */
  probabilities: Float32Array;
  endpoints?: Map<string, Float32Array>;
}

/** Names of the variables weight decay applies to. */
export function regularizedNames(model: TfjsModel): string[] {
  return model
    .specs()
    .filter((s) => s.regularized)
    .map((s) => s.name);
}

/**
 * What the forward and backward pass of a step give, before any update: the gradients of the
 * trained variables keyed by TF name, the loss terms, predictions and (asked for) endpoints.
 * The caller owns every tensor: `disposeStepGradients` frees them. Batch-norm moving averages
 * are already updated in the model (as TF-slim's `updates_collections=None`).
 */
export interface StepGradients {
  grads: Map<string, tf.Tensor>;
  total: tf.Scalar;
  crossEntropy: tf.Scalar;
  l1: tf.Scalar;
  l2: tf.Scalar;
  probabilities: tf.Tensor;
  endpoints: [string, tf.Tensor][];
}

/** Forward in training mode (batch statistics, dropout), loss and the trained variables' gradients. */
export function stepGradients(model: TfjsModel, batch: TensorBatch, options: StepOptions): StepGradients {
  const store = model.variables;
  const varList = store.trainable(options.trains);
  if (varList.length === 0) throw new Error('the variable selection (`variablesToTrain`) trains no variable');
  const decayed = regularizedNames(model).map((n) => store.get(n));
  if (options.recompute) return recomputedStepGradients(model, batch, options, varList, decayed);
  let kept: Omit<StepGradients, 'grads' | 'total'> | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const out = model.net.apply(model.context(true, options.trains, options.seed, options.freezeBatchNorm), batch.clips);
    const terms = trainingLoss(batch.labels, out.logits!, decayed, options.weightDecay);
    kept = {
      crossEntropy: tf.keep(terms.crossEntropy),
      l1: tf.keep(terms.l1),
      l2: tf.keep(terms.l2),
      probabilities: tf.keep(out.predictions!),
      endpoints: options.keepEndpoints ? [...out.endpoints].map(([k, t]) => [k, tf.keep(t)] as [string, tf.Tensor]) : [],
    };
    return terms.total;
  }, varList);
  return { ...kept!, total: value, grads: new Map(Object.entries(grads).map(([name, g]) => [store.tfNameOf(name), g])) };
}

export function disposeStepGradients(s: StepGradients): void {
  tf.dispose([s.total, s.crossEntropy, s.l1, s.l2, s.probabilities, ...s.grads.values(), ...s.endpoints.map(([, t]) => t)]);
}

/** A step's loss terms, predictions and endpoints as plain numbers. */
export async function readStepResult(s: StepGradients): Promise<StepResult> {
  const [loss, crossEntropy, l1, l2, probabilities] = await Promise.all([s.total, s.crossEntropy, s.l1, s.l2, s.probabilities].map(floats));
  const result: StepResult = { loss: loss[0], crossEntropy: crossEntropy[0], l1: l1[0], l2: l2[0], probabilities };
  if (s.endpoints.length > 0)
    result.endpoints = new Map(await Promise.all(s.endpoints.map(async ([name, t]) => [name, await floats(t)] as const)));
  return result;
}

/**
 * One training step: {@link stepGradients}, then the optimizer's update. Values are read with
 * `data()`, never `dataSync()`: tfjs-backend-webgpu's synchronous read returns zeros in a
 * headless browser worker. Leaves no tensors behind.
 */
export async function trainStep(model: TfjsModel, optimizer: Optimizer, batch: TensorBatch, options: StepOptions): Promise<StepResult> {
  const s = stepGradients(model, batch, options);
  try {
    optimizer.apply(s.grads, (n) => model.variables.get(n));
    return await readStepResult(s);
  } finally {
    disposeStepGradients(s);
  }
}

/** Inference on a batch: probabilities [B,K] and the loss terms (labels given). Leaves no tensors behind. */
export async function evalStep(
  model: TfjsModel,
  batch: TensorBatch,
  weightDecay: number,
): Promise<{ probabilities: Float32Array; loss: number; crossEntropy: number }> {
  const [probs, total, ce] = tf.tidy(() => {
    const out = model.net.apply(model.context(false), batch.clips);
    const terms = trainingLoss(
      batch.labels,
      out.logits!,
      regularizedNames(model).map((n) => model.variables.get(n)),
      weightDecay,
    );
    return [out.predictions!, terms.total, terms.crossEntropy];
  });
  try {
    const [probabilities, loss, crossEntropy] = await Promise.all([probs, total, ce].map(floats));
    return { probabilities, loss: loss[0], crossEntropy: crossEntropy[0] };
  } finally {
    tf.dispose([probs, total, ce]);
  }
}

/** A float32 tensor's values, read asynchronously. */
function floats(t: tf.Tensor): Promise<Float32Array> {
  return t.data<'float32'>();
}
