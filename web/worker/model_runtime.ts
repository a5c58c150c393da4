/**
 * A web model made runnable in the worker: its metadata (classes, preprocessing, provenance)
 * and the S3D-G of its config on tfjs, its weights loaded through the model's one check.
 */
import type { S3DGWebMetadata, NamedWeights } from '../../core/index.ts';
import { TfjsModel } from '../../core/tfjs/index.ts';

const isLogits = (name: string) => name.includes('/Logits/');

export class ModelRuntime {
  readonly model: TfjsModel;

  /**
   * Builds the network of `meta.config` and loads `weights`; throws naming `source` and each
   * variable that does not fit. With `freshLogits`, the Logits scope keeps its initial values.
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
    this.model = new TfjsModel(meta.config);
    try {
      this.model.loadWeights(weights, { source, select: freshLogits ? (name) => !isLogits(name) : undefined });
    } catch (e) {
      this.model.dispose();
      throw e;
    }
  }

  get classNames(): string[] {
    return this.meta.classNames;
  }

  /** Probabilities [numClasses] of one clip [T, H, W, C] in [-1, 1]. */
  predict(clip: Float32Array): Promise<Float32Array> {
    const p = this.meta.preprocessing;
    return this.model.predictValues(clip, [1, p.clipLength, p.frameHeight, p.frameWidth, p.channels]);
  }

  /** Every variable's current value, by TF name (for saving and export). */
  weights(): Promise<NamedWeights> {
    return this.model.namedWeights();
  }

  dispose(): void {
    this.model.dispose();
  }
}
