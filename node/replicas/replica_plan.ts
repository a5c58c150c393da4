/**
 * How many training replicas, and of which kind, from the flags and the backend: worker threads
 * on wasm and cpu (`--num_workers`, default one per core), one process per GPU on tensorflow
 * (`--num_gpus N > 1`); none (today's single-thread step) otherwise.
 */
import { availableParallelism } from 'node:os';
import type { NodeBackend } from '../backend.ts';
import { UsageError } from '../errors.ts';
import type { ReplicaPlan } from './start_replicas.ts';

/** Set to `processes` (tests): CPU replicas run as child processes, as GPU replicas do. */
export const REPLICA_TRANSPORT_ENV = 'S3DG_REPLICA_TRANSPORT';

export function replicaPlan(
  flags: { workers?: number; gpus: { first: number; count: number } },
  backend: NodeBackend,
  env: NodeJS.ProcessEnv = process.env,
): ReplicaPlan | null {
  const { workers, gpus } = flags;
  if (backend === 'tensorflow' || backend === 'webgpu') {
    if (workers !== undefined && workers > 1) {
      const instead = backend === 'tensorflow' ? '; several replicas there are processes, one per GPU: --num_gpus' : '';
      throw new UsageError(`--num_workers ${workers}: the ${backend} backend already uses every core (or the GPU)${instead}`);
    }
    if (backend === 'webgpu' || gpus.count <= 1) return null;
    return { count: gpus.count, transport: 'processes', backend: 'tensorflow', firstGpu: gpus.first };
  }
  const count = workers ?? availableParallelism();
  if (count <= 1) return null;
  const transport = env[REPLICA_TRANSPORT_ENV] === 'processes' ? 'processes' : 'threads';
  return { count, transport, backend };
}
