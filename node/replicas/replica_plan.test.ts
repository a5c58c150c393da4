import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { replicaPlan } from './replica_plan.ts';
import { describeReplicas } from './start_replicas.ts';

const ONE_GPU = { first: 0, count: 1 };

describe('replica plan', () => {
  it('wasm and cpu: worker threads, one per core by default; --num_workers 1 is the single-thread step', () => {
    const cores = availableParallelism();
    assert.deepEqual(
      replicaPlan({ gpus: ONE_GPU }, 'wasm', {}),
      cores > 1 ? { count: cores, transport: 'threads', backend: 'wasm' } : null,
    );
    assert.deepEqual(replicaPlan({ workers: 3, gpus: ONE_GPU }, 'cpu', {}), { count: 3, transport: 'threads', backend: 'cpu' });
    assert.equal(replicaPlan({ workers: 1, gpus: ONE_GPU }, 'wasm', {}), null);
    const processes = replicaPlan({ workers: 2, gpus: ONE_GPU }, 'cpu', { S3DG_REPLICA_TRANSPORT: 'processes' });
    assert.deepEqual(processes, { count: 2, transport: 'processes', backend: 'cpu' });
    assert.equal(describeReplicas(processes!), '2 replicas (processes, cpu each)');
  });

  it('tensorflow: one process per GPU from --gpu_num with --num_gpus > 1; tensorflow and webgpu refuse --num_workers > 1', () => {
    const plan = replicaPlan({ gpus: { first: 2, count: 3 } }, 'tensorflow', {});
    assert.deepEqual(plan, { count: 3, transport: 'processes', backend: 'tensorflow', firstGpu: 2 });
    assert.equal(describeReplicas(plan!), '3 replicas (processes, tensorflow each, CUDA devices 2-4)');
    assert.equal(replicaPlan({ gpus: ONE_GPU }, 'tensorflow', {}), null);
    assert.equal(replicaPlan({ gpus: { first: 0, count: 2 } }, 'webgpu', {}), null);
    assert.throws(
      () => replicaPlan({ workers: 2, gpus: ONE_GPU }, 'tensorflow', {}),
      /--num_workers 2: the tensorflow backend .*--num_gpus/,
    );
    assert.throws(() => replicaPlan({ workers: 2, gpus: ONE_GPU }, 'webgpu', {}), /--num_workers 2: the webgpu backend/);
  });
});
