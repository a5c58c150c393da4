/**
 * A replica in a child process (`--num_gpus N`: one per GPU, each seeing only its own CUDA
 * device). Typed arrays cross the IPC channel as they are (`serialization: 'advanced'`).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EndReport, type ReplicaChannel } from './channel.ts';
import type { FromReplica, ToReplica } from './protocol.ts';

export function startProcessReplica(script: URL, env: NodeJS.ProcessEnv): ReplicaChannel {
  // The child runs TypeScript too: tsx's loader, found from here (the user's directory may not have it).
  const child = fork(fileURLToPath(script), [], {
    serialization: 'advanced',
    execArgv: ['--import', import.meta.resolve('tsx')],
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const report = new EndReport();
  const end = (how: string) => report.end(how);
  // A send to a child that just died fails (EPIPE) before its exit is seen: wait a moment for the
  // exit, which says how it ended; report the error itself only if no exit comes.
  const failed = (e: Error) => setTimeout(() => end(`failed: ${e.message}`), 2000);
  child.on('error', failed);
  child.on('exit', (code, signal) => end(signal ? `was killed by ${signal}` : `exited with code ${code}`));
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    label: `pid ${child.pid}`,
    send: (message: ToReplica) => {
      child.send(message, (e) => e && failed(e));
    },
    onMessage: (handler: (message: FromReplica) => void) => child.on('message', handler),
    onEnd: (handler) => report.onEnd(handler),
    stop: async () => {
      report.stop();
      if (child.exitCode === null && child.signalCode === null) {
        // Closing the channel ends it (replica_main exits on disconnect).
        if (child.connected) child.disconnect();
        else child.kill('SIGTERM');
        await gone;
      }
    },
  };
}
