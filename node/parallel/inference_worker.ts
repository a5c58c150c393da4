/**
 * One inference-pool thread: its own tfjs with its own backend (wasm by default, single-threaded
 * in Node), the model built from `workerData`, then one forward pass (inference mode) per
 * request, replying with the predictions as a transferred Float32Array.
 */
import { parentPort, workerData } from 'node:worker_threads';
import '@tensorflow/tfjs';
import { setupBackend } from '../backend.ts';
import { TfjsModel } from '../../core/tfjs/index.ts';
import type { InferenceWorkerInit, PredictRequest, WorkerReply } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('inference_worker.ts must run in a worker thread');
const reply = (message: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function build(init: InferenceWorkerInit): Promise<TfjsModel> {
  await setupBackend(init.backend);
  const model = new TfjsModel(init.config);
  model.loadWeights(init.weights, { source: "the inference pool's weights" });
  return model;
}

try {
  const model = await build(workerData as InferenceWorkerInit);
  // Requests are handled one at a time: the pool sends a worker its next clip after the reply.
  port.on('message', async (request: PredictRequest) => {
    try {
      const probabilities = await model.predictValues(request.clip, request.shape);
      reply({ kind: 'result', id: request.id, probabilities }, [probabilities.buffer as ArrayBuffer]);
    } catch (e) {
      reply({ kind: 'error', id: request.id, message: (e as Error).message });
    }
  });
  reply({ kind: 'ready' });
} catch (e) {
  reply({ kind: 'failed', message: (e as Error).message });
}
