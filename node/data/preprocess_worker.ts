/**
 * Worker-thread side of the preprocessing pool: receives a clip and its distortion, runs
 * core's preprocessClip and sends the float clip back, transferring buffers both ways.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { preprocessClip, type FrameShape } from '../../core/index.ts';
import type { PreprocessReply, PreprocessRequest } from './preprocess_pool.ts';

const shape = workerData as FrameShape;
const port = parentPort;
if (!port) throw new Error('preprocess_worker.ts must run in a worker thread');

port.on('message', (request: PreprocessRequest) => {
  let reply: PreprocessReply;
  try {
    const out = preprocessClip(request.clip, shape, request.distortion);
    reply = { id: request.id, clip: out };
    port.postMessage(reply, [out.buffer as ArrayBuffer]);
  } catch (e) {
    reply = { id: request.id, error: (e as Error).message };
    port.postMessage(reply);
  }
});
