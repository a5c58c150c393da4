/**
 * Gradient checkpointing per S3D-G stage: a step's gradients for a fraction of the memory.
 *
 * The forward pass runs without a tape and keeps only each stage's input (the stem's layers one by
 * one, each Mixed block, the logits head: `S3DG.sequence`). The backward pass then goes from the
 * loss to the input a stage at a time: it runs the stage's forward again under the engine's
 * gradient tape and takes the vector-Jacobian product with the gradient of the stage's output,
 * w.r.t. the stage's input and its trained variables. tfjs frees a tape's saved tensors as soon as
 * its `gradients` call returns, so at most one stage's activations live at once.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ApplyContext } from '../../model/context.ts';
import type { TfjsModel } from '../model.ts';
import { trainingLoss } from './losses.ts';
import type { StepGradients, StepOptions, TensorBatch } from './train_step.ts';

/**
 * {@link stepGradients} by recomputation: the same gradients (to float rounding), loss terms,
 * predictions and endpoints. `varList` are the trained variables, `decayed` the regularised ones.
 */
export function recomputedStepGradients(
  model: TfjsModel,
  batch: TensorBatch,
  options: StepOptions,
  varList: tf.Variable[],
  decayed: tf.Variable[],
): StepGradients {
  const store = model.variables;
  const net = model.net;
  // The recomputation must draw the forward's dropout mask: an unseeded step gets a seed of its own.
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 30);
  const ctx = model.context(true, options.trains, seed, options.freezeBatchNorm);
  // Moving averages move once per step, in the forward pass; the recomputation only reads batch statistics.
  const again: ApplyContext<tf.Tensor> = { ...ctx, updateMovingAverage: () => {} };
  net.checkInput(ctx, batch.clips);
  const stages = net.sequence();
  if (stages[stages.length - 1]?.endpoint !== 'Logits') throw new Error('training needs a model with logits (`numClasses` ≥ 1)');

  const inputs: tf.Tensor[] = [batch.clips];
  for (const stage of stages) {
    const x = inputs[inputs.length - 1];
    inputs.push(tf.tidy(() => stage.apply(ctx, x)));
  }
  const logits = inputs[stages.length];
  const terms = tf.tidy(() => ({ ...trainingLoss(batch.labels, logits, decayed, options.weightDecay) }));
  const probabilities = tf.tidy(() => net.predictionsOf(ctx, logits));
  const endpoints: [string, tf.Tensor][] = options.keepEndpoints
    ? [...stages.map((s, i) => [s.endpoint, tf.clone(inputs[i + 1])] as [string, tf.Tensor]), ['Predictions', tf.clone(probabilities)]]
    : [];

  const trained = new Map(varList.map((v) => [store.tfNameOf(v.name), v]));
  const trainedOf = stages.map((s) =>
    s.variables().flatMap((spec) => (trained.has(spec.name) ? [[spec.name, trained.get(spec.name)!] as const] : [])),
  );
  // Stages before the first one with trained variables need no backward pass at all.
  const first = trainedOf.findIndex((vars) => vars.length > 0);
  const grads = new Map<string, tf.Tensor>();
  let dy: tf.Tensor | undefined;
  try {
    for (let i = stages.length - 1; i >= first && first >= 0; i--) {
      const x = inputs[i];
      const vars = trainedOf[i];
      const withInput = i > first;
      const stage = stages[i];
      const f =
        i === stages.length - 1 ? () => trainingLoss(batch.labels, stage.apply(again, x), [], 0).total : () => stage.apply(again, x);
      const xs = withInput ? [x, ...vars.map(([, v]) => v)] : vars.map(([, v]) => v);
      const r = tf.engine().gradients(f, xs, dy, true);
      r.value.dispose();
      dy?.dispose();
      dy = withInput ? r.grads[0] : undefined;
      if (i > 0) x.dispose();
      vars.forEach(([name], k) => {
        const g = r.grads[withInput ? k + 1 : k];
        if (g) grads.set(name, g);
      });
    }
    addDecayGradients(
      grads,
      batch.labels,
      logits,
      decayed.filter((v) => trained.has(store.tfNameOf(v.name))),
      options.weightDecay,
      store.tfNameOf.bind(store),
    );
  } finally {
    dy?.dispose();
    tf.dispose(inputs.slice(1));
  }
  return { ...terms, probabilities, endpoints, grads };
}

/** Adds weight decay's gradient (L1 and L2 terms) to the trained regularised variables' gradients. */
function addDecayGradients(
  grads: Map<string, tf.Tensor>,
  labels: tf.Tensor,
  logits: tf.Tensor,
  decayed: tf.Variable[],
  weightDecay: number,
  tfNameOf: (tfjsName: string) => string,
): void {
  if (weightDecay <= 0 || decayed.length === 0) return;
  const decay = () => {
    const t = trainingLoss(labels, logits, decayed, weightDecay);
    return tf.add(t.l1, t.l2);
  };
  const r = tf.engine().gradients(decay, decayed, undefined, true);
  r.value.dispose();
  decayed.forEach((v, k) => {
    const g = r.grads[k];
    if (!g) return;
    const name = tfNameOf(v.name);
    const other = grads.get(name);
    grads.set(name, other ? tf.add(other, g) : g);
    if (other) tf.dispose([other, g]);
  });
}
