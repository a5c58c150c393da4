/**
 * A replica's entry, in a worker thread or a child process: builds the model on its own tfjs
 * backend from the setup, then answers each step with the core replica function.
 */
import { parentPort } from 'node:worker_threads';
import '@tensorflow/tfjs';
import { setupBackend } from '../backend.ts';
import { ReplicaModel, type ReplicaResponse } from '../../core/tfjs/index.ts';
import type { FromReplica, ToReplica } from './protocol.ts';

interface Link {
  send(message: FromReplica, transfer?: ArrayBuffer[]): void;
  on(handler: (message: ToReplica) => void): void;
}

function link(): Link {
  const port = parentPort;
  if (port) return { send: (m, transfer) => port.postMessage(m, transfer ?? []), on: (h) => port.on('message', h) };
  if (!process.send) throw new Error('replica_main.ts runs as a worker thread or a forked child process');
  // Ctrl-C reaches the whole process group: the coordinator decides when replicas stop.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  // The coordinator closed the channel, or died: nothing more will come.
  process.on('disconnect', () => process.exit(0));
  return {
    // After a disconnect (the coordinator stopped us mid-step) an answer has nowhere to go.
    send: (m) => {
      if (process.connected) process.send!(m, undefined, undefined, () => {});
    },
    on: (h) => process.on('message', h),
  };
}

/** The buffers a response can move instead of copying (threads only; a process serialises anyway). */
function buffersOf(r: ReplicaResponse): ArrayBuffer[] {
  const arrays = [...r.grads, ...r.state, r.probabilities, ...(r.endpoints ?? []).map(([, v]) => v)];
  return arrays.map((a) => a.buffer as ArrayBuffer);
}

const channel = link();
let replica: ReplicaModel | null = null;
// One message at a time, in order: the coordinator sends the next step after this one's answer.
let queue = Promise.resolve();
channel.on((message) => {
  queue = queue.then(async () => {
    if (message.kind === 'setup') {
      try {
        await setupBackend(message.backend);
        replica = new ReplicaModel(message.setup);
        channel.send({ kind: 'ready' });
      } catch (e) {
        channel.send({ kind: 'failed', message: (e as Error).message });
      }
      return;
    }
    try {
      if (!replica) throw new Error(`a ${message.kind} request before the setup`);
      if (message.kind === 'evaluate') {
        const response = await replica.evaluate(message.request);
        channel.send({ kind: 'evaluated', id: message.id, response }, [response.probabilities.buffer as ArrayBuffer]);
      } else {
        const response = await replica.step(message.request);
        channel.send({ kind: 'result', id: message.id, response }, buffersOf(response));
      }
    } catch (e) {
      channel.send({ kind: 'error', id: message.id, message: (e as Error).message });
    }
  });
});
