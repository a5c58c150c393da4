/** A replica in a worker thread of this process, with its own tfjs and backend (`--num_workers`). */
import { startTsWorker } from '../parallel/ts_worker.ts';
import { EndReport, type ReplicaChannel } from './channel.ts';
import type { FromReplica, ToReplica } from './protocol.ts';

export function startThreadReplica(script: URL): ReplicaChannel {
  const worker = startTsWorker(script);
  const report = new EndReport();
  worker.on('error', (e) => report.end(`failed: ${e.message}`));
  worker.on('exit', (code) => report.end(`exited with code ${code}`));
  return {
    label: `thread ${worker.threadId}`,
    send: (message: ToReplica) => worker.postMessage(message),
    onMessage: (handler: (message: FromReplica) => void) => worker.on('message', handler),
    onEnd: (handler) => report.onEnd(handler),
    stop: async () => {
      report.stop();
      await worker.terminate();
    },
  };
}
