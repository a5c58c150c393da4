/**
 * S3D-G on tfjs: the network of a config, its variables and the ops of the active backend. Every
 * user of a model goes through this object — training and its checkpoints, warm start, the web
 * model store, the worker pools, the web worker — so weights enter a model in one place, through
 * one check.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { S3DGConfig } from '../model/config.ts';
import type { ApplyContext } from '../model/context.ts';
import { checkNamedWeights, type NamedWeights, type WeightsCheck } from '../model/named_weights.ts';
import { S3DG } from '../model/s3dg.ts';
import type { VariableSpec } from '../model/variables.ts';
import type { Ops } from '../ops/ops.ts';
import { tfjsOps } from './ops/tfjs_ops.ts';
import { VariableStore } from './variable_store.ts';

export interface TfjsModelOptions {
  /** Seeds the initial values (variable i of seed s draws from its own stream). */
  seed?: number;
  /** The ops to run on; by default the tfjs ops for whichever backend is active. */
  ops?: Ops<tf.Tensor>;
}

export class TfjsModel {
  /** The architecture (backend-neutral). */
  readonly net: S3DG;
  readonly variables: VariableStore;
  readonly ops: Ops<tf.Tensor>;

  constructor(config: Partial<S3DGConfig>, options: TfjsModelOptions = {}) {
    this.net = new S3DG(config);
    this.variables = new VariableStore(this.net.variables(), options.seed ?? 0);
    this.ops = options.ops ?? tfjsOps();
  }

  get config(): S3DGConfig {
    return this.net.config;
  }

  /** Every variable, in creation order, under TF's names. */
  specs(): VariableSpec[] {
    return [...this.variables.specs.values()];
  }

  /** Trainable parameters. */
  get parameterCount(): number {
    return this.specs()
      .filter((s) => s.trainable)
      .reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  }

  /**
   * Sets the selected variables (all by default) from `weights`. Checks first, so that weights
   * which do not fit change nothing: each missing, unexpected or mis-shaped variable is named.
   * Returns the names loaded.
   */
  loadWeights(weights: NamedWeights, check: WeightsCheck): string[] {
    const selected = checkNamedWeights(this.specs(), weights, check);
    for (const spec of selected) {
      const w = weights.get(spec.name)!;
      tf.tidy(() => this.variables.assign(spec.name, tf.tensor(w.values, spec.shape, 'float32')));
    }
    return selected.map((s) => s.name);
  }

  /** Every variable's value (copied out of tfjs), read asynchronously (WebGPU in a worker needs it). */
  async namedWeights(): Promise<NamedWeights> {
    const out: NamedWeights = new Map();
    for (const spec of this.specs()) {
      const values = Float32Array.from(await this.variables.get(spec.name).data<'float32'>());
      out.set(spec.name, { shape: spec.shape, values });
    }
    return out;
  }

  /**
   * A context that runs the network on these variables. `trains` says which variables the pass
   * trains (default: every trainable one when training); `seed` seeds its dropout;
   * `freezeBatchNorm` keeps the batch norm of untrained layers on moving statistics.
   */
  context(training: boolean, trains?: (name: string) => boolean, seed?: number, freezeBatchNorm?: boolean): ApplyContext<tf.Tensor> {
    return this.variables.context(this.ops, training, trains, seed, freezeBatchNorm);
  }

  /** Probabilities [B, K] of clips [B, T, H, W, C] in [-1, 1] (inference mode), as a tensor. */
  predict(clips: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const predictions = this.net.apply(this.context(false), clips).predictions;
      if (!predictions) throw new Error('the model has no predictions (`numClasses` is 0)');
      return predictions;
    });
  }

  /** Probabilities [B·K] of clips given as values of `shape` [B, T, H, W, C]. */
  async predictValues(clips: Float32Array, shape: number[]): Promise<Float32Array> {
    const probabilities = tf.tidy(() => this.predict(tf.tensor(clips, shape, 'float32')));
    try {
      return Float32Array.from(await probabilities.data<'float32'>());
    } finally {
      probabilities.dispose();
    }
  }

  dispose(): void {
    this.variables.dispose();
  }
}
