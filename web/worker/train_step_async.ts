/**
 * core's trainStep/evalStep with asynchronous reads. tfjs-backend-webgpu's synchronous read
 * (dataSync) copies through a WebGPU canvas and reads zeros in headless Chromium's worker
 * (SwiftShader), so core's steps report a loss of 0 there; these await `data()` instead. The
 * computation is the same: forward in training mode, the trainer's loss, gradients of the
 * trained variables, core's Optimizer update.
 */
import * as tf from '@tensorflow/tfjs-core';
import { trainingLoss } from '../../core/estimator/losses.ts';
import type { Optimizer } from '../../core/estimator/optimizer.ts';
import type { TensorBatch } from '../../core/estimator/train_step.ts';
import type { ModelRuntime } from './model_runtime.ts';

/** One training step; resolves with the loss. Leaves no tensors behind. */
export async function trainStepAsync(rt: ModelRuntime, optimizer: Optimizer, batch: TensorBatch, trains: (name: string) => boolean): Promise<number> {
  const varList = rt.store.trainable(trains);
  if (varList.length === 0) throw new Error('the selection trains no variable');
  const { value, grads } = tf.variableGrads(() => {
    const out = rt.model.apply(rt.store.context(rt.ops, true, trains), batch.clips);
    return trainingLoss(batch.labels, out.logits!, [], 0).total;
  }, varList);
  try {
    optimizer.apply(new Map(Object.entries(grads).map(([k, g]) => [rt.store.tfNameOf(k), g])), (n) => rt.store.get(n));
    return (await value.data())[0];
  } finally {
    tf.dispose([value, ...Object.values(grads)]);
  }
}

/** Inference on a labelled batch: probabilities [B·K] and the cross-entropy. */
export async function evalStepAsync(rt: ModelRuntime, batch: TensorBatch): Promise<{ probabilities: Float32Array; crossEntropy: number }> {
  const [probs, ce] = tf.tidy(() => {
    const out = rt.model.apply(rt.store.context(rt.ops, false), batch.clips);
    return [out.predictions!, trainingLoss(batch.labels, out.logits!, [], 0).crossEntropy];
  });
  try {
    return { probabilities: (await probs.data()) as Float32Array, crossEntropy: (await ce.data())[0] };
  } finally {
    tf.dispose([probs, ce]);
  }
}
