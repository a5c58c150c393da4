/**
 * Refuses, before anything is allocated, a configuration whose tensors cannot fit the backend:
 * wasm's 32-bit heap (4 GiB), or this machine's memory for cpu and tensorflow.
 */
import { totalmem } from 'node:os';
import { batchBytes, type S3DGConfig, S3DG, trainingStepBytes } from '../core/index.ts';
import { UsageError } from './errors.ts';

const GiB = 2 ** 30;

export interface MemoryPlan {
  model: Partial<S3DGConfig>;
  /** [T, H, W, C] of one clip. */
  clip: number[];
  batchSize: number;
  training: boolean;
}

/** The memory limit of a backend, with its name for messages. */
export function memoryLimit(backend: string): { bytes: number; what: string } {
  if (backend === 'wasm') return { bytes: 4 * GiB, what: "the wasm backend's 4 GiB heap" };
  return { bytes: totalmem(), what: `this machine's ${(totalmem() / GiB).toFixed(0)} GiB of memory` };
}

const gib = (bytes: number) => (bytes < 10 * GiB ? (bytes / GiB).toFixed(1) : Math.round(bytes / GiB).toLocaleString('en'));

export function checkMemory(plan: MemoryPlan, backend: string): void {
  const step = plan.training
    ? trainingStepBytes(new S3DG(plan.model), plan.clip, plan.batchSize)
    : 2 * batchBytes(plan.clip, plan.batchSize);
  const limit = memoryLimit(backend);
  if (step <= limit.bytes) return;
  const what = plan.training ? 'a training step' : 'a batch';
  throw new UsageError(
    `${what} of --batch_size ${plan.batchSize} on ${plan.clip.join('×')} clips needs about ${gib(step)} GiB ` +
      `(estimated from the model's shapes), more than ${limit.what}: lower --batch_size, --clip_length, the frame size ` +
      'or --depth_multiplier, or use a backend with more memory (--backend tensorflow)',
  );
}
