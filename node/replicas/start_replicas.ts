/**
 * Starts the replicas of data-parallel training: worker threads on the CPU backends (each its
 * own tfjs and wasm/cpu backend), or one child process per GPU, replica r seeing only CUDA
 * device `firstGpu + r`.
 */
import type { ReplicaChannel } from './channel.ts';
import { startProcessReplica } from './process_channel.ts';
import type { ReplicaBackend } from './protocol.ts';
import { ReplicaPool } from './replica_pool.ts';
import { startThreadReplica } from './thread_channel.ts';

export interface ReplicaPlan {
  count: number;
  transport: 'threads' | 'processes';
  backend: ReplicaBackend;
  /** Processes: the CUDA device of replica 0 (`--gpu_num`); none hides every device. */
  firstGpu?: number;
}

const SCRIPT = new URL('./replica_main.ts', import.meta.url);

export function startReplicas(plan: ReplicaPlan): ReplicaPool {
  const channels: ReplicaChannel[] = [];
  for (let r = 0; r < plan.count; r++) {
    if (plan.transport === 'threads') channels.push(startThreadReplica(SCRIPT));
    else {
      const cuda = plan.firstGpu === undefined ? '' : String(plan.firstGpu + r);
      channels.push(startProcessReplica(SCRIPT, { ...process.env, CUDA_VISIBLE_DEVICES: cuda }));
    }
  }
  return new ReplicaPool(channels, plan.backend);
}

/** What runs, for the log: "2 replicas (worker threads, wasm each)". */
export function describeReplicas(plan: ReplicaPlan): string {
  const where = plan.transport === 'threads' ? 'worker threads' : 'processes';
  const devices =
    plan.transport === 'processes' && plan.firstGpu !== undefined
      ? `, CUDA devices ${plan.firstGpu}-${plan.firstGpu + plan.count - 1}`
      : '';
  return `${plan.count} replicas (${where}, ${plan.backend} each${devices})`;
}
