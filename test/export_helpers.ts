/**
 * Helpers for the export tests: a small S3D-G with random (but well-scaled) weights, its live
 * tfjs outputs, its weights as the exporter takes them, and a runner that executes a tfjs
 * graph-model form with tfjs-converter's own executor.
 */
import * as tf from '@tensorflow/tfjs';
import type { S3DG } from '../core/model/s3dg.ts';
import type { VariableStore } from '../core/tfjs/variable_store.ts';
import { tfjsOps } from '../core/tfjs/ops/tfjs_ops.ts';
import { TfjsModel } from '../core/tfjs/model.ts';
import type { S3DGConfig } from '../core/model/config.ts';
import { randomizeVariables } from './random_variables.ts';
import type { NamedWeight } from '../core/model/named_weights.ts';
import type { TfjsGraphArtifacts } from '../core/export/tfjs_graph_json.ts';

/** Small but complete: every endpoint, block and pool runs; 32² frames reach 1×1 at Mixed_5c. */
export const SMALL: Partial<S3DGConfig> = { numClasses: 5, depthMultiplier: 0.125, minDepth: 4, dropoutKeepProb: 1 };
export const CLIP = { clipLength: 8, frameHeight: 32, frameWidth: 32 };

/** A model (the network, its variable store, the runnable) whose variables are reproducible random values (moving stats included). */
export function randomModel(config: Partial<S3DGConfig> = SMALL, seed = 7): { model: S3DG; store: VariableStore; tfjs: TfjsModel } {
  const tfjs = new TfjsModel(config, { seed });
  randomizeVariables(tfjs.variables, seed);
  return { model: tfjs.net, store: tfjs.variables, tfjs };
}

/** The store's values by TF name, as the exporter reads them from a checkpoint. */
export function weightsOf(store: VariableStore): Map<string, NamedWeight> {
  return new Map(
    store.names.map((n) => [n, { shape: store.get(n).shape, values: Float32Array.from(store.get(n).dataSync() as Float32Array) }]),
  );
}

/** Live inference outputs of the tfjs model on `clip` (values in [-1, 1]). */
export function liveOutputs(model: S3DG, store: VariableStore, clip: tf.Tensor): { logits: Float32Array; probabilities: Float32Array } {
  return tf.tidy(() => {
    const out = model.apply(store.context(tfjsOps(), false), clip);
    return { logits: out.logits!.dataSync() as Float32Array, probabilities: out.predictions!.dataSync() as Float32Array };
  });
}

/** Loads graph-model artifacts with tf.loadGraphModel (from memory) and runs `outputs`. */
export async function runTfjsGraph(a: TfjsGraphArtifacts, feeds: Record<string, tf.Tensor>, outputs: string[]): Promise<Float32Array[]> {
  const weightData = a.weightData.slice().buffer;
  const graph = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: a.modelTopology as unknown as tf.io.ModelJSON['modelTopology'],
      weightSpecs: a.weightSpecs,
      weightData,
    }),
  );
  try {
    const result = graph.execute(feeds, outputs);
    const list = Array.isArray(result) ? result : [result];
    const values = list.map((t) => Float32Array.from(t.dataSync() as ArrayLike<number>));
    tf.dispose(list);
    return values;
  } finally {
    graph.dispose();
  }
}

/** A reproducible uint8 clip [B, T, H, W, 3] and its [-1, 1] float form. */
export function randomClip(batch: number, clip = CLIP, seed = 3): { bytes: Uint8Array; floats: tf.Tensor } {
  const n = batch * clip.clipLength * clip.frameHeight * clip.frameWidth * 3;
  const bytes = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    bytes[i] = s >>> 24;
  }
  const shape = [batch, clip.clipLength, clip.frameHeight, clip.frameWidth, 3];
  const floats = tf.tensor(
    Float32Array.from(bytes, (b) => (b / 255) * 2 - 1),
    shape,
  );
  return { bytes, floats };
}

/** Largest |a − b|. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`sizes differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
