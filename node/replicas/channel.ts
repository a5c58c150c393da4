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

/**
 * How a transport reports its replica's end: once, and never after `stop()` began (an end we
 * asked for is no failure). `onEnd` sets the handler a channel exposes.
 */
export class EndReport {
  private stopping = false;
  private ended = false;
  private handler: (how: string) => void = () => {};

  onEnd(handler: (how: string) => void): void {
    this.handler = handler;
  }

  /** The replica ended (`how`: "exited with code 1", "was killed by SIGKILL", "failed: …"). */
  end(how: string): void {
    if (this.ended || this.stopping) return;
    this.ended = true;
    this.handler(how);
  }

  /** `stop()` began: what follows is the end asked for. */
  stop(): void {
    this.stopping = true;
  }
}
