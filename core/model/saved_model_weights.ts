/**
 * Model weights from a SavedModel directory: its `variables/` checkpoint when it has one (TF's
 * own exports), else the serving graph's float Consts named as the TF variables (what s3dg's
 * `--mode export` / `export_for_production` write: the network frozen into the graph).
 */
import type { Platform } from '../platform.ts';
import { metaGraphByTags, readSavedModelDir, type MetaGraph } from '../formats/saved_model_reader.ts';
import { DataType } from '../formats/proto/tensor.ts';
import { tensorProtoValues } from '../formats/tensor_proto.ts';
import { checkNamedWeights, type NamedWeight, type NamedWeights } from './named_weights.ts';
import { CONFIG_HINT, floatValues } from './checkpoint_weights.ts';
import type { S3DG } from './s3dg.ts';

/** A SavedModel's weights for `net`, and the clip shape its serving input fixes (when it does). */
export interface SavedModelWeights {
  weights: NamedWeights;
  /** [clipLength, height, width, channels] of a float clip input; null for tf.Example input. */
  clipShape: number[] | null;
}

/** The float Const node `name`'s shape and values, or null when there is no such Const. */
function constWeight(byName: Map<string, MetaGraph['nodes'][number]>, name: string): NamedWeight | null {
  const node = byName.get(name);
  const t = node?.op === 'Const' ? node.attrs.value?.tensor : undefined;
  if (!t || t.dtype !== DataType.DT_FLOAT) return null;
  const read = tensorProtoValues(t, `Const ${name}`);
  return read && { shape: read.shape, values: read.values as Float32Array };
}

/** Reads every variable of `net` from the SavedModel in `dir` (tag set `serve`) and checks they fit. */
export async function readSavedModelWeights(platform: Platform, dir: string, net: S3DG): Promise<SavedModelWeights> {
  const saved = await readSavedModelDir(dir, platform);
  const graph = metaGraphByTags(saved.model, ['serve']);
  if (!graph) throw new Error(`${dir}: the SavedModel has no MetaGraph tagged 'serve'`);
  const specs = net.variables();
  const weights: NamedWeights = new Map();
  if (saved.variables) {
    for (const s of specs) {
      if (!saved.variables.has(s.name)) continue;
      const t = await saved.variables.read(s.name);
      const values = floatValues(t.values);
      if (!values) throw new Error(`${dir}: variable ${s.name} is ${t.dtype}, not a float tensor`);
      weights.set(s.name, { shape: t.shape, values });
    }
  } else {
    const byName = new Map(graph.nodes.map((n) => [n.name, n]));
    for (const s of specs) {
      const w = constWeight(byName, s.name);
      if (w) weights.set(s.name, w);
    }
  }
  checkNamedWeights(specs, weights, { source: `SavedModel ${dir}`, hint: CONFIG_HINT, holder: 'the SavedModel' });
  const input = Object.values(graph.signatures.serving_default?.inputs ?? {})[0];
  const clipShape =
    input?.dtype === 'DT_FLOAT' && input.shape?.length === 5 && input.shape.slice(1).every((d) => d > 0) ? input.shape.slice(1) : null;
  return { weights, clipShape };
}
