import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { fitReplicasToMemory, replicaPlan } from './replica_plan.ts';
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

  it('CPU replicas fit this machine memory: the automatic count shrinks (logged), an explicit --num_workers that cannot fit is refused', () => {
    const GiB = 2 ** 30;
    const threads = { count: 8, transport: 'threads', backend: 'wasm' } as const;
    const logs: string[] = [];
    const log = (l: string) => logs.push(l);
    assert.deepEqual(fitReplicasToMemory(threads, 2 * GiB, 24 * GiB, false, log), threads);
    assert.deepEqual(fitReplicasToMemory(threads, 5 * GiB, 24 * GiB, false, log), { ...threads, count: 4 });
    assert.match(
      logs[0],
      /--num_workers: 4 instead of one per core \(8\), as a training step needs about 5\.0 GiB per replica and this machine has 24\.0 GiB/,
    );
    assert.equal(fitReplicasToMemory(threads, 20 * GiB, 24 * GiB, false, log), null);
    assert.throws(
      () => fitReplicasToMemory(threads, 5 * GiB, 24 * GiB, true, log),
      /--num_workers 8: .*room for 4; give --num_workers 4 or fewer/,
    );
    const gpus = { count: 8, transport: 'processes', backend: 'tensorflow', firstGpu: 0 } as const;
    assert.deepEqual(fitReplicasToMemory(gpus, 20 * GiB, 24 * GiB, true, log), gpus);
    assert.equal(fitReplicasToMemory(null, 20 * GiB, 24 * GiB, false, log), null);
  });
});
