/**
 * Refuses, before anything is allocated, a configuration whose tensors cannot fit the backend:
 * wasm's 32-bit heap (4 GiB), or this machine's memory for cpu and tensorflow. For training it
 * also decides `--recompute` (activations recomputed per block in the backward pass) when automatic.
 */
import { totalmem } from 'node:os';
import { batchBytes, type S3DGConfig, S3DG, trainingStepBytes } from '../core/index.ts';
import { UsageError } from './errors.ts';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** --recompute: on, off, or on when the plain step would not fit. */
export type RecomputeChoice = boolean | 'auto';

export interface MemoryPlan {
  model: Partial<S3DGConfig>;
  /** [T, H, W, C] of one clip. */
  clip: number[];
  batchSize: number;
  training: boolean;
  /** Training only (default off). */
  recompute?: RecomputeChoice;
}

/** Lowers the limit below the backend's (tests, or to leave room for something else). */
export const MEMORY_LIMIT_ENV = 'S3DG_MEMORY_LIMIT_MB';

/** The memory limit of a backend, with its name for messages. */
export function memoryLimit(backend: string): { bytes: number; what: string } {
  const env = process.env[MEMORY_LIMIT_ENV];
  if (env !== undefined && env !== '') {
    const mb = Number(env);
    if (!Number.isFinite(mb) || mb <= 0)
      throw new UsageError(`${MEMORY_LIMIT_ENV} must be a positive number of MiB, got ${JSON.stringify(env)}`);
    return { bytes: mb * MiB, what: `the ${mb} MiB of ${MEMORY_LIMIT_ENV}` };
  }
  if (backend === 'wasm') return { bytes: 4 * GiB, what: "the wasm backend's 4 GiB heap" };
  return { bytes: totalmem(), what: `this machine's ${(totalmem() / GiB).toFixed(0)} GiB of memory` };
}

/** Bytes for messages: MiB below 1 GiB (small models under a lowered limit), else GiB. */
function amount(bytes: number): string {
  if (bytes < GiB) return `${Math.ceil(bytes / MiB)} MiB`;
  return `${bytes < 10 * GiB ? (bytes / GiB).toFixed(1) : Math.round(bytes / GiB).toLocaleString('en')} GiB`;
}

/**
 * Throws a UsageError when the plan cannot fit `backend`'s memory; returns whether training
 * recomputes activations (`plan.recompute`, or when automatic: only if the plain step would not fit)
 * and the estimated bytes of a step (or batch) as it will run.
 */
export function checkMemory(
  plan: MemoryPlan,
  backend: string,
  log: (line: string) => void = () => {},
): { recompute: boolean; stepBytes: number } {
  const limit = memoryLimit(backend);
  const sizes = `--batch_size ${plan.batchSize} on ${plan.clip.join('×')} clips`;
  const smaller =
    'lower --batch_size, --clip_length, the frame size or --depth_multiplier, or use a backend with more memory (--backend tensorflow)';
  if (!plan.training) {
    const bytes = 2 * batchBytes(plan.clip, plan.batchSize);
    if (bytes <= limit.bytes) return { recompute: false, stepBytes: bytes };
    throw new UsageError(
      `a batch of ${sizes} needs about ${amount(bytes)} (estimated from the model's shapes), more than ${limit.what}: ${smaller}`,
    );
  }
  const net = new S3DG(plan.model);
  const plain = trainingStepBytes(net, plan.clip, plan.batchSize);
  const choice = plan.recompute ?? false;
  if (choice === false && plain <= limit.bytes) return { recompute: false, stepBytes: plain };
  const recomputed = trainingStepBytes(net, plan.clip, plan.batchSize, true);
  if (choice === 'auto' && plain <= limit.bytes) return { recompute: false, stepBytes: plain };
  const needs = `a training step of ${sizes} needs about ${amount(plain)} (estimated from the model's shapes)`;
  const withRecompute = `about ${amount(recomputed)} with --recompute (activations recomputed per block)`;
  if (recomputed > limit.bytes) throw new UsageError(`${needs}, more than ${limit.what}, and ${withRecompute}: ${smaller}`);
  if (choice === false) {
    throw new UsageError(`${needs}, more than ${limit.what}, and ${withRecompute}: give --recompute True, or leave it automatic`);
  }
  if (choice === 'auto') log(`--recompute: on, as ${needs}, more than ${limit.what}, and ${withRecompute}`);
  return { recompute: true, stepBytes: recomputed };
}
