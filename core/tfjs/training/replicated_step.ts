/**
 * The coordinator of data-parallel training (TF1's MirroredStrategy under an Estimator): each
 * replica computes the gradients of its own batch on the coordinator's weights; the coordinator
 * applies the mean of them (each replica's loss scaled by 1/N, gradients summed, as TF) with its
 * own optimizer, and sets each moving statistic to the mean of the replicas' updated values (the
 * moving-average update with the mean batch statistics, as TF's MEAN-aggregated mirrored
 * variables). Batch norm uses each replica's own batch statistics (no sync batch norm, as TF).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TfjsModel } from '../model.ts';
import type { Optimizer } from './optimizer.ts';
import {
  concatFloats,
  meanInOrder,
  replicaSeed,
  type GradientReplicas,
  type ReplicaRequest,
  type ReplicaResponse,
  type ReplicaSetup,
} from './replicas.ts';
import type { StepResult } from './train_step.ts';

/** One replica's batch as plain values (clips [B,T,H,W,C], labels [B,K]). */
export interface ReplicaBatch {
  clips: Float32Array;
  labels: Float32Array;
  shape: number[];
}

export interface ReplicatedStepOptions {
  /** Dropout seed of the step (replica 0's; the others derive theirs from it). */
  seed: number;
  keepEndpoints: boolean;
}

/** The replica setup of a model trained with these step options. */
export function replicaSetup(
  model: TfjsModel,
  options: { trains: (name: string) => boolean; weightDecay: number; freezeBatchNorm?: boolean; recompute?: boolean },
): ReplicaSetup {
  const { trains, weightDecay } = options;
  const trained = model
    .specs()
    .filter((s) => s.trainable && trains(s.name))
    .map((s) => s.name);
  if (trained.length === 0) throw new Error('the variable selection (`variablesToTrain`) trains no variable');
  return {
    config: model.config,
    trained,
    weightDecay,
    freezeBatchNorm: options.freezeBatchNorm ?? false,
    recompute: options.recompute ?? false,
  };
}

export class ReplicatedTrainer {
  /** Every replica has had every variable (after the first step). */
  private synced = false;
  private readonly stateNames: string[];

  constructor(
    private readonly model: TfjsModel,
    private readonly optimizer: Optimizer,
    private readonly replicas: GradientReplicas,
    private readonly setup: ReplicaSetup,
  ) {
    this.stateNames = model
      .specs()
      .filter((s) => !s.trainable)
      .map((s) => s.name);
  }

  get count(): number {
    return this.replicas.count;
  }

  /** Builds the replicas' models (once). */
  async start(): Promise<void> {
    await this.replicas.start(this.setup);
  }

  /** One synchronous step over `batches` (one per replica, in replica order); leaves no tensors behind. */
  async step(batches: ReplicaBatch[], options: ReplicatedStepOptions): Promise<StepResult> {
    if (batches.length !== this.replicas.count) throw new Error(`${batches.length} batches for ${this.replicas.count} replicas`);
    const weights = await this.weightsToSend();
    const requests: ReplicaRequest[] = batches.map((b, r) => ({
      weights,
      clips: b.clips,
      labels: b.labels,
      shape: b.shape,
      seed: replicaSeed(options.seed, r),
      keepEndpoints: options.keepEndpoints && r === 0,
    }));
    const responses = await this.replicas.compute(requests);
    this.apply(responses);
    this.synced = true;
    return {
      loss: mean(responses.map((x) => x.loss)),
      crossEntropy: mean(responses.map((x) => x.crossEntropy)),
      l1: mean(responses.map((x) => x.l1)),
      l2: mean(responses.map((x) => x.l2)),
      probabilities: concatFloats(responses.map((x) => x.probabilities)),
      ...(responses[0].endpoints ? { endpoints: new Map(responses[0].endpoints) } : {}),
    };
  }

  /** Everything at first (after restore or warm start), then only what a step changes. */
  private async weightsToSend(): Promise<ReplicaRequest['weights']> {
    const names = this.synced ? [...this.setup.trained, ...this.stateNames] : this.model.specs().map((s) => s.name);
    const values = await Promise.all(names.map(async (n) => Float32Array.from(await this.model.variables.get(n).data<'float32'>())));
    return { which: this.synced ? 'updated' : 'all', values };
  }

  private apply(responses: ReplicaResponse[]): void {
    const store = this.model.variables;
    const grads = new Map(this.setup.trained.map((name, i) => [name, meanInOrder(responses.map((x) => x.grads[i]))]));
    this.optimizer.applyValues(grads, (n) => store.get(n));
    this.stateNames.forEach((name, i) => {
      tf.tidy(() => store.assign(name, tf.tensor(meanInOrder(responses.map((x) => x.state[i])), store.get(name).shape, 'float32')));
    });
  }
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
