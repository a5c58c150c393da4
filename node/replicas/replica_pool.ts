/**
 * N replicas behind one GradientReplicas: request r to replica r, the answers gathered in order.
 * A replica that ends, or fails to answer, fails the whole pool at once: pending steps reject
 * with a message naming the replica and how it ended, and every other replica is stopped.
 */
import type { EvalRequest, EvalResponse, GradientReplicas, ReplicaRequest, ReplicaResponse, ReplicaSetup } from '../../core/tfjs/index.ts';
import type { ReplicaChannel } from './channel.ts';
import type { FromReplica, ReplicaBackend, ToReplica } from './protocol.ts';

/** What a replica answers: a training step's gradients, or an evaluation batch's predictions. */
type Answer = ReplicaResponse | EvalResponse;

interface Waiter {
  id: number;
  resolve(r: Answer): void;
  reject(e: Error): void;
}

export class ReplicaPool implements GradientReplicas {
  private failure: Error | null = null;
  private nextId = 0;
  private readonly waiting: (Waiter | null)[];
  private readonly ready: { resolve(): void; reject(e: Error): void }[] = [];
  private closed = false;

  constructor(
    private readonly channels: ReplicaChannel[],
    private readonly backend: ReplicaBackend,
  ) {
    this.waiting = channels.map(() => null);
    channels.forEach((c, r) => {
      c.onMessage((m) => this.receive(r, m));
      c.onEnd((how) => this.fail(new Error(`${this.name(r)} ${how}; the other replicas are stopped`)));
    });
  }

  get count(): number {
    return this.channels.length;
  }

  /** What each replica runs as ("thread 3", "pid 4242"), in replica order. */
  get labels(): string[] {
    return this.channels.map((c) => c.label);
  }

  /** "replica 1 of 2 (pid 4242)". */
  private name(r: number): string {
    return `replica ${r} of ${this.channels.length} (${this.channels[r].label})`;
  }

  async start(setup: ReplicaSetup): Promise<void> {
    if (this.failure) throw this.failure;
    const all = this.channels.map(
      (c, r) =>
        new Promise<void>((resolve, reject) => {
          this.ready[r] = { resolve, reject };
          c.send({ kind: 'setup', setup, backend: this.backend });
        }),
    );
    await Promise.all(all);
  }

  compute(requests: ReplicaRequest[]): Promise<ReplicaResponse[]> {
    if (requests.length !== this.channels.length)
      return Promise.reject(new Error(`${requests.length} requests for ${this.count} replicas`));
    return this.send(requests.map((request) => (id: number) => ({ kind: 'step', id, request }))) as Promise<ReplicaResponse[]>;
  }

  evaluate(requests: EvalRequest[]): Promise<EvalResponse[]> {
    if (requests.length > this.channels.length)
      return Promise.reject(new Error(`${requests.length} evaluation requests for ${this.count} replicas`));
    return this.send(requests.map((request) => (id: number) => ({ kind: 'evaluate', id, request }))) as Promise<EvalResponse[]>;
  }

  /** Message r to replica r, each with a fresh id; resolves with the answers in replica order. */
  private send(messages: ((id: number) => ToReplica)[]): Promise<Answer[]> {
    if (this.failure) return Promise.reject(this.failure);
    return Promise.all(
      messages.map(
        (message, r) =>
          new Promise<Answer>((resolve, reject) => {
            const id = this.nextId++;
            this.waiting[r] = { id, resolve, reject };
            this.channels[r].send(message(id));
          }),
      ),
    );
  }

  private receive(r: number, m: FromReplica): void {
    if (m.kind === 'ready') {
      this.ready[r]?.resolve();
      return;
    }
    if (m.kind === 'failed') {
      this.fail(new Error(`${this.name(r)} could not start: ${m.message}`));
      return;
    }
    const w = this.waiting[r];
    if (!w || w.id !== m.id) return;
    this.waiting[r] = null;
    if (m.kind === 'result' || m.kind === 'evaluated') w.resolve(m.response);
    else this.fail(new Error(`${this.name(r)}: ${m.message}`));
  }

  /** Rejects everything pending (now and later) with `e` and stops every replica. */
  private fail(e: Error): void {
    if (this.failure || this.closed) return;
    this.failure = e;
    for (const w of this.waiting) w?.reject(e);
    this.waiting.fill(null);
    for (const g of this.ready) g?.reject(e);
    void this.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.channels.map((c) => c.stop()));
  }
}
