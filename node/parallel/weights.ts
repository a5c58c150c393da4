/**
 * Moving model weights between a VariableStore and plain Float32Arrays keyed by TF variable
 * name, the form the inference pool sends to its workers.
 */
import type { VariableStore } from '../../core/tfjs/variable_store.ts';
import * as tf from '@tensorflow/tfjs-core';
import type { NamedWeights } from './protocol.ts';

/** Copies every variable of `store` (trainable or not) out of tfjs. */
export function weightsOf(store: VariableStore): NamedWeights {
  const out: NamedWeights = {};
  for (const name of store.names) out[name] = Float32Array.from(store.get(name).dataSync() as Float32Array);
  return out;
}

/**
 * Assigns `weights` to `store`. Every variable of the store must be present with the right
 * number of values, and no unknown names are accepted: a partial load would silently serve
 * random weights.
 */
export function loadWeights(store: VariableStore, weights: NamedWeights): void {
  const unknown = Object.keys(weights).filter((n) => !store.specs.has(n));
  if (unknown.length > 0) throw new Error(`weights for unknown variables: ${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ' …' : ''}`);
  for (const name of store.names) {
    const values = weights[name];
    if (!values) throw new Error(`no weights for variable ${name}`);
    const shape = store.get(name).shape;
    const size = shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) throw new Error(`${name}: ${values.length} values for shape [${shape}]`);
    tf.tidy(() => store.assign(name, tf.tensor(values, shape)));
  }
}

/** Copies of `weights` and the buffers to transfer them with, one set per worker. */
export function transferableCopy(weights: NamedWeights): { weights: NamedWeights; buffers: ArrayBuffer[] } {
  const copy: NamedWeights = {};
  const buffers: ArrayBuffer[] = [];
  for (const [name, values] of Object.entries(weights)) {
    const own = values.slice();
    copy[name] = own;
    buffers.push(own.buffer as ArrayBuffer);
  }
  return { weights: copy, buffers };
}
