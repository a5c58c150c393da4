/** A replica in a worker thread of this process, with its own tfjs and backend (`--num_workers`). */
import { startTsWorker } from '../parallel/ts_worker.ts';
import type { ReplicaChannel } from './channel.ts';
import type { FromReplica, ToReplica } from './protocol.ts';

export function startThreadReplica(script: URL): ReplicaChannel {
  const worker = startTsWorker(script);
  let stopping = false;
  let ended = false;
  let endHandler: (how: string) => void = () => {};
  const end = (how: string) => {
    if (ended || stopping) return;
    ended = true;
    endHandler(how);
  };
  worker.on('error', (e) => end(`failed: ${e.message}`));
  worker.on('exit', (code) => end(`exited with code ${code}`));
  return {
    label: `thread ${worker.threadId}`,
    send: (message: ToReplica) => worker.postMessage(message),
    onMessage: (handler: (message: FromReplica) => void) => worker.on('message', handler),
    onEnd: (handler) => {
      endHandler = handler;
    },
    stop: async () => {
      stopping = true;
      await worker.terminate();
    },
  };
}
