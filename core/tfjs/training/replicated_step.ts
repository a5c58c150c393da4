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
  type EvalResponse,
  type GradientReplicas,
  type ReplicaResponse,
  type ReplicaSetup,
  type ReplicaWeights,
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
  /** Bumped by every update of the coordinator's weights. */
  private version = 0;
  /** The version each replica holds (-1: none yet, it needs every variable). */
  private readonly held: number[];
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
    this.held = Array.from({ length: replicas.count }, () => -1);
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
    const weights = await this.weightsFor(batches.length);
    const responses = await this.replicas.compute(
      batches.map((b, r) => ({
        weights: weights[r],
        clips: b.clips,
        labels: b.labels,
        shape: b.shape,
        seed: replicaSeed(options.seed, r),
        keepEndpoints: options.keepEndpoints && r === 0,
      })),
    );
    this.apply(responses);
    this.version++;
    return {
      loss: mean(responses.map((x) => x.loss)),
      crossEntropy: mean(responses.map((x) => x.crossEntropy)),
      l1: mean(responses.map((x) => x.l1)),
      l2: mean(responses.map((x) => x.l2)),
      probabilities: concatFloats(responses.map((x) => x.probabilities)),
      ...(responses[0].endpoints ? { endpoints: new Map(responses[0].endpoints) } : {}),
    };
  }

  /**
   * Inference on up to `count` evaluation batches at once (batch r on replica r) with the
   * coordinator's current weights: each answer is what `evalStep` gives on the coordinator.
   */
  async evaluate(batches: ReplicaBatch[]): Promise<EvalResponse[]> {
    if (batches.length === 0 || batches.length > this.replicas.count)
      throw new Error(`${batches.length} evaluation batches for ${this.replicas.count} replicas`);
    const weights = await this.weightsFor(batches.length);
    return this.replicas.evaluate(batches.map((b, r) => ({ weights: weights[r], clips: b.clips, labels: b.labels, shape: b.shape })));
  }

  /**
   * What replicas 0…n−1 need to hold the current weights (each read once): every variable for a
   * replica that has none yet, what training changes for one that is behind, nothing otherwise.
   */
  private async weightsFor(n: number): Promise<ReplicaWeights[]> {
    const read = async (names: string[]) =>
      Promise.all(names.map(async (name) => Float32Array.from(await this.model.variables.get(name).data<'float32'>())));
    let all: Float32Array[] | null = null;
    let updated: Float32Array[] | null = null;
    const out: ReplicaWeights[] = [];
    for (let r = 0; r < n; r++) {
      if (this.held[r] === -1) {
        all ??= await read(this.model.specs().map((s) => s.name));
        out.push({ which: 'all', values: all });
      } else if (this.held[r] < this.version) {
        updated ??= await read([...this.setup.trained, ...this.stateNames]);
        out.push({ which: 'updated', values: updated });
      } else out.push({ which: 'none', values: [] });
      this.held[r] = this.version;
    }
    return out;
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
