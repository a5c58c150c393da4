/** Messages between the coordinator and a replica, over any channel (thread or process). */
import type { EvalRequest, EvalResponse, ReplicaRequest, ReplicaResponse, ReplicaSetup } from '../../core/tfjs/index.ts';

/** tfjs backend a replica runs on. */
export type ReplicaBackend = 'wasm' | 'cpu' | 'tensorflow';

/** Coordinator → replica: build the model once, then one training step or evaluation batch per message. */
export type ToReplica =
  | { kind: 'setup'; setup: ReplicaSetup; backend: ReplicaBackend }
  | { kind: 'step'; id: number; request: ReplicaRequest }
  | { kind: 'evaluate'; id: number; request: EvalRequest };

/** Replica → coordinator: `ready` (or `failed`) after the setup, then one answer per request. */
export type FromReplica =
  | { kind: 'ready' }
  | { kind: 'failed'; message: string }
  | { kind: 'result'; id: number; response: ReplicaResponse }
  | { kind: 'evaluated'; id: number; response: EvalResponse }
  | { kind: 'error'; id: number; message: string };
