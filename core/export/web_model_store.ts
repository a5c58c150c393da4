/**
 * The trainable S3D-G rebuilt from a web model: the config from its metadata, every variable
 * from its weights by TF name (what `readWebModel` returns). The web app fine-tunes this, and
 * the trainer can resume from it, exactly where the exported checkpoint stood.
 */
import * as tf from '@tensorflow/tfjs-core';
import { S3DG } from '../model/s3dg.ts';
import { VariableStore } from '../tfjs/variable_store.ts';
import type { WebModelWeights } from './web_model_reader.ts';

/** A model and its variables, ready for `store.context(ops, training)`. */
export interface RebuiltModel {
  model: S3DG;
  store: VariableStore;
}

/** Builds the model from the metadata's config and assigns every variable; throws naming any missing or misshapen one. */
export function rebuildFromWebModel(web: WebModelWeights): RebuiltModel {
  const model = new S3DG(web.modelJson.userDefinedMetadata.s3dg.config);
  const problems: string[] = [];
  for (const spec of model.variables()) {
    const w = web.weights.get(spec.name);
    if (!w) problems.push(`${spec.name}: missing`);
    else if (!tf.util.arraysEqual(w.shape, spec.shape)) problems.push(`${spec.name}: [${w.shape}] in the web model, [${spec.shape}] in its config`);
  }
  if (problems.length > 0) throw new Error(`web model does not fit its own config:\n  ${problems.slice(0, 20).join('\n  ')}`);
  const store = new VariableStore(model.variables());
  for (const spec of model.variables()) {
    const w = web.weights.get(spec.name)!;
    const value = tf.tensor(w.values, w.shape, 'float32');
    store.assign(spec.name, value);
    value.dispose();
  }
  return { model, store };
}
