/**
 * The replica side of data-parallel training, shared by every transport: a model built from the
 * setup that, per request, takes the weights it is sent, runs the step's forward and backward
 * pass ({@link stepGradients}, no update) on its own batch and packs what the coordinator needs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { TfjsModel } from '../model.ts';
import type { EvalRequest, EvalResponse, ReplicaRequest, ReplicaResponse, ReplicaSetup, ReplicaWeights } from './replicas.ts';
import { disposeStepGradients, evalStep, readStepResult, stepGradients, type TensorBatch } from './train_step.ts';

export class ReplicaModel {
  readonly model: TfjsModel;
  private readonly trained: Set<string>;
  /** Every variable, in creation order; then the order of an `updated` request. */
  private readonly all: string[];
  private readonly updated: string[];
  private readonly stateNames: string[];

  constructor(private readonly setup: ReplicaSetup) {
    this.model = new TfjsModel(setup.config);
    this.trained = new Set(setup.trained);
    const specs = this.model.specs();
    this.all = specs.map((s) => s.name);
    this.stateNames = specs.filter((s) => !s.trainable).map((s) => s.name);
    this.updated = [...setup.trained, ...this.stateNames];
    for (const name of setup.trained) this.model.variables.get(name); // a name the model lacks fails here, named
  }

  /** One step on this replica's batch; leaves no tensors behind. */
  async step(request: ReplicaRequest): Promise<ReplicaResponse> {
    this.load(request.weights);
    const trains = (name: string) => this.trained.has(name);
    const batch = this.tensors(request);
    try {
      const s = stepGradients(this.model, batch, {
        trains,
        weightDecay: this.setup.weightDecay,
        keepEndpoints: request.keepEndpoints,
        freezeBatchNorm: this.setup.freezeBatchNorm,
        recompute: this.setup.recompute,
        seed: request.seed,
      });
      try {
        const grads = await Promise.all(this.setup.trained.map((name) => floatsOf(s.grads.get(name), name)));
        const state = await Promise.all(this.stateNames.map((name) => floatsOf(this.model.variables.get(name), name)));
        const r = await readStepResult(s);
        return {
          grads,
          state,
          loss: r.loss,
          crossEntropy: r.crossEntropy,
          l1: r.l1,
          l2: r.l2,
          // Copies: tfjs's cpu backend reads out its own storage, which a transport may move away.
          probabilities: Float32Array.from(r.probabilities),
          ...(r.endpoints ? { endpoints: [...r.endpoints].map(([k, v]) => [k, Float32Array.from(v)] as [string, Float32Array]) } : {}),
        };
      } finally {
        disposeStepGradients(s);
      }
    } finally {
      tf.dispose([batch.clips, batch.labels]);
    }
  }

  /** Inference on one evaluation batch (as the coordinator's `evalStep`); leaves no tensors behind. */
  async evaluate(request: EvalRequest): Promise<EvalResponse> {
    this.load(request.weights);
    const batch = this.tensors(request);
    try {
      const r = await evalStep(this.model, batch, this.setup.weightDecay);
      return { ...r, probabilities: Float32Array.from(r.probabilities) };
    } finally {
      tf.dispose([batch.clips, batch.labels]);
    }
  }

  private tensors(request: { clips: Float32Array; labels: Float32Array; shape: number[] }): TensorBatch {
    return tf.tidy(() => ({
      clips: tf.tensor5d(request.clips, request.shape as [number, number, number, number, number]),
      labels: tf.tensor2d(request.labels, [request.shape[0], this.model.config.numClasses]),
    }));
  }

  private load(weights: ReplicaWeights): void {
    if (weights.which === 'none') return;
    const names = weights.which === 'all' ? this.all : this.updated;
    if (weights.values.length !== names.length)
      throw new Error(`replica: ${weights.values.length} weights sent where the model has ${names.length} (${weights.which})`);
    names.forEach((name, i) => {
      const v = this.model.variables.get(name);
      tf.tidy(() => this.model.variables.assign(name, tf.tensor(weights.values[i], v.shape, 'float32')));
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** A copy of a tensor's values that the caller owns (tfjs may hand out its own storage). */
async function floatsOf(t: tf.Tensor | undefined, name: string): Promise<Float32Array> {
  if (!t) throw new Error(`replica: the step gave no gradient for ${name}`);
  return Float32Array.from(await t.data<'float32'>());
}
