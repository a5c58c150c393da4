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

/**
 * CPU replicas each hold a whole training step in their own heap, all in this machine's memory:
 * `stepBytes` each of `totalBytes`. The automatic count (one per core) shrinks to what fits,
 * saying so; a `--num_workers` that cannot fit is refused. Processes on GPUs are not counted here.
 */
export function fitReplicasToMemory(
  plan: ReplicaPlan | null,
  stepBytes: number,
  totalBytes: number,
  explicit: boolean,
  log: (line: string) => void,
): ReplicaPlan | null {
  if (!plan || plan.backend === 'tensorflow') return plan;
  const gib = (b: number) => (b / 2 ** 30).toFixed(1);
  const fits = Math.max(1, Math.floor(totalBytes / stepBytes));
  if (plan.count <= fits) return plan;
  const why = `a training step needs about ${gib(stepBytes)} GiB per replica and this machine has ${gib(totalBytes)} GiB`;
  if (explicit) throw new UsageError(`--num_workers ${plan.count}: ${why}, room for ${fits}; give --num_workers ${fits} or fewer`);
  log(`--num_workers: ${fits} instead of one per core (${plan.count}), as ${why}`);
  return fits > 1 ? { ...plan, count: fits } : null;
}
