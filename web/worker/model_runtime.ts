/**
 * A web model made runnable in the worker: S3D-G rebuilt from the metadata's config, its
 * variables set from the model's named weights (the TF variable names), and the ops layer for
 * whichever backend is active.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { S3DGWebMetadata } from '../../core/export/web_model_format.ts';
import { S3DG } from '../../core/model/s3dg.ts';
import { VariableStore } from '../../core/tfjs/variable_store.ts';
import { tfjsOps } from '../../core/tfjs/ops/tfjs_ops.ts';
import type { Ops } from '../../core/ops/ops.ts';

/** Named float32 weights, by TF variable name. */
export type NamedWeights = Map<string, Float32Array>;

export class ModelRuntime {
  readonly model: S3DG;
  readonly store: VariableStore;
  readonly ops: Ops<tf.Tensor> = tfjsOps();

  /**
   * Builds the network of `meta.config` and loads `weights`. Throws naming `source` when a
   * weight is missing or its size does not fit the config (a model.json whose config and
   * weights disagree). With `freshLogits`, the Logits scope keeps its initial values.
   */
  constructor(
    readonly meta: S3DGWebMetadata,
    weights: NamedWeights,
    source: string,
    freshLogits = false,
  ) {
    if (meta.classNames.length !== meta.config.numClasses) {
      throw new Error(`${source}: config.numClasses is ${meta.config.numClasses} but ${meta.classNames.length} class names are listed`);
    }
    this.model = new S3DG(meta.config);
    const specs = this.model.variables();
    const missing = specs.filter((s) => !weights.has(s.name) && !(freshLogits && s.name.includes('/Logits/')));
    if (missing.length > 0) {
      throw new Error(`${source}: the config does not match the weights: ${missing.length} of the config's ${specs.length} variables are missing (first: ${missing[0].name})`);
    }
    this.store = new VariableStore(specs);
    try {
      for (const spec of specs) {
        const value = weights.get(spec.name);
        if (!value || (freshLogits && spec.name.includes('/Logits/'))) continue;
        const size = spec.shape.reduce((a, b) => a * b, 1);
        if (value.length !== size) {
          throw new Error(`${source}: the config does not match the weights: ${spec.name} has ${value.length} values, the config's network needs [${spec.shape}] = ${size}`);
        }
        tf.tidy(() => this.store.assign(spec.name, tf.tensor(value, spec.shape)));
      }
    } catch (e) {
      this.store.dispose();
      throw e;
    }
  }

  get classNames(): string[] {
    return this.meta.classNames;
  }

  /** Probabilities [numClasses] of one clip [T, H, W, C] in [-1, 1]. */
  async predict(clip: Float32Array): Promise<Float32Array> {
    const p = this.meta.preprocessing;
    const probs = tf.tidy(() => {
      const x = tf.tensor5d(clip, [1, p.clipLength, p.frameHeight, p.frameWidth, p.channels]);
      return this.model.apply(this.store.context(this.ops, false), x).predictions!;
    });
    try {
      return (await probs.data()) as Float32Array;
    } finally {
      probs.dispose();
    }
  }

  /** Every variable's current value, by TF name (for saving and export). */
  async weights(): Promise<NamedWeights> {
    const out: NamedWeights = new Map();
    for (const name of this.store.names) out.set(name, (await this.store.get(name).data()) as Float32Array);
    return out;
  }

  dispose(): void {
    this.store.dispose();
  }
}
