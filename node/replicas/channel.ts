/** The one thing the replica pool needs from a transport: send, receive, and hear how a replica ended. */
import type { FromReplica, ToReplica } from './protocol.ts';

export interface ReplicaChannel {
  /** What the replica runs as, for messages: "thread 3", "pid 4242". */
  readonly label: string;
  send(message: ToReplica): void;
  onMessage(handler: (message: FromReplica) => void): void;
  /** Called once if the replica ends before `stop()`: how ("exited with code 1", "was killed by SIGKILL", an error). */
  onEnd(handler: (how: string) => void): void;
  /** Ends the replica; resolves once it is gone. */
  stop(): Promise<void>;
}
