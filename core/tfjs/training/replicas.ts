/**
 * Synchronous data-parallel training: what the coordinator (the Estimator, holding the one
 * canonical model and optimizer) and its replicas (threads, processes: anything that computes a
 * step's gradients on its own copy of the model) exchange, as plain typed arrays so every
 * transport carries them unchanged.
 */
import type { S3DGConfig } from '../../model/config.ts';

/** What a replica builds once: the model, and the fixed parts of every step. */
export interface ReplicaSetup {
  config: Partial<S3DGConfig>;
  /** TF names of the variables trained, in the order gradients come back. */
  trained: string[];
  weightDecay: number;
  freezeBatchNorm: boolean;
  /** Recompute activations in the backward pass (StepOptions.recompute). */
  recompute: boolean;
}

/**
 * The coordinator's weights as a replica needs them: `all`, every variable in the model's
 * creation order (a replica's first request); `updated`, the trained variables (setup order),
 * then every non-trainable one (the moving statistics); `none`, the replica already has them.
 */
export interface ReplicaWeights {
  which: 'all' | 'updated' | 'none';
  values: Float32Array[];
}

/** One step for one replica: the weights that changed since its last request and its own batch. */
export interface ReplicaRequest {
  weights: ReplicaWeights;
  clips: Float32Array;
  labels: Float32Array;
  /** [B, T, H, W, C] of `clips`. */
  shape: number[];
  /** Dropout seed of this replica's step. */
  seed: number;
  /** Return every endpoint's values (for activation summaries). */
  keepEndpoints: boolean;
}

/** A replica's step: gradients (setup order), its updated moving statistics, loss terms, predictions. */
export interface ReplicaResponse {
  grads: Float32Array[];
  /** Every non-trainable variable after the step (model creation order). */
  state: Float32Array[];
  loss: number;
  crossEntropy: number;
  l1: number;
  l2: number;
  /** Predictions [B·K]. */
  probabilities: Float32Array;
  endpoints?: [string, Float32Array][];
}

/** One evaluation batch for one replica: inference (moving statistics, no dropout) and the loss. */
export interface EvalRequest {
  weights: ReplicaWeights;
  clips: Float32Array;
  labels: Float32Array;
  /** [B, T, H, W, C] of `clips`. */
  shape: number[];
}

/** What `evalStep` gives, as plain values. */
export interface EvalResponse {
  /** Predictions [B·K]. */
  probabilities: Float32Array;
  loss: number;
  crossEntropy: number;
}

/** Replicas that compute gradients: request r goes to replica r, answers come back in the same order. */
export interface GradientReplicas {
  readonly count: number;
  /** Builds every replica's model; called once, before the first step. */
  start(setup: ReplicaSetup): Promise<void>;
  /** One step on every replica at once; rejects as soon as one replica fails or dies. */
  compute(requests: ReplicaRequest[]): Promise<ReplicaResponse[]>;
  /** Evaluation batches on replicas 0…n−1 (n ≤ count) at once; rejects as `compute` does. */
  evaluate(requests: EvalRequest[]): Promise<EvalResponse[]>;
  /** Stops every replica. */
  close(): Promise<void>;
}

/**
 * The element-wise mean of `parts`, summed in order 0..N-1 and divided once, so a run gives the
 * same bits every time. The sum runs in float64 and is rounded to float32 at the end: the mean
 * of N equal float32 values is then that value exactly (moving statistics a step left alone).
 */
export function meanInOrder(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 0) throw new Error('meanInOrder: nothing to average');
  const n = parts[0].length;
  for (const p of parts) if (p.length !== n) throw new Error(`meanInOrder: ${p.length} values where ${n} were expected`);
  const out = new Float32Array(n);
  const count = parts.length;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < count; k++) sum += parts[k][i];
    out[i] = sum / count;
  }
  return out;
}

/**
 * Dropout seed of replica `r` for a step seeded `stepSeed`: replica 0 keeps it (one replica is
 * today's run); the others get negative seeds, which no step's own seed (≥ 0) ever is, distinct
 * for every replica and for 2^32 consecutive steps, and exact integers for any seed.
 */
export function replicaSeed(stepSeed: number, r: number): number {
  return r === 0 ? stepSeed : -(r * 2 ** 32 + (stepSeed % 2 ** 32));
}

/** `parts` one after another: the replicas' predictions, or their batches' labels, in replica order. */
export function concatFloats(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
