/**
 * One inference-pool thread: its own tfjs with its own backend (wasm by default, single-threaded
 * in Node), the model built from `workerData`, then one forward pass (inference mode) per
 * request, replying with the predictions as a transferred Float32Array.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../backend.ts';
import { S3DG } from '../../core/model/s3dg.ts';
import { VariableStore } from '../../core/tfjs/variable_store.ts';
import { tfjsOps } from '../../core/tfjs/ops/tfjs_ops.ts';
import { loadWeights } from './weights.ts';
import type { InferenceWorkerInit, PredictRequest, WorkerReply } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('inference_worker.ts must run in a worker thread');
const reply = (message: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function build(init: InferenceWorkerInit) {
  await setupBackend(init.backend);
  const model = new S3DG(init.config);
  const store = new VariableStore(model.variables(), 0);
  loadWeights(store, init.weights);
  const context = store.context(tfjsOps(), false);
  return (request: PredictRequest): Float32Array =>
    tf.tidy(() => {
      const input = tf.tensor(request.clip, request.shape);
      const predictions = model.apply(context, input).predictions;
      if (!predictions) throw new Error('the model has no predictions (numClasses is 0)');
      // A copy of our own: some backends hand out their storage, and we transfer the buffer.
      return (predictions.dataSync() as Float32Array).slice();
    });
}

try {
  const predict = await build(workerData as InferenceWorkerInit);
  port.on('message', (request: PredictRequest) => {
    try {
      const probabilities = predict(request);
      reply({ kind: 'result', id: request.id, probabilities }, [probabilities.buffer as ArrayBuffer]);
    } catch (e) {
      reply({ kind: 'error', id: request.id, message: (e as Error).message });
    }
  });
  reply({ kind: 'ready' });
} catch (e) {
  reply({ kind: 'failed', message: (e as Error).message });
}
