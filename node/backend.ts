import * as tf from '@tensorflow/tfjs';
import { installKernels } from '../core/tfjs/index.ts';

/** Backends s3dg can run on in Node, fastest first. */
export const NODE_BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];

export interface BackendChoice {
  name: NodeBackend;
  /** Why this one: shown in the log so a slow run explains itself. */
  reason: string;
  /** For tensorflow: which binding loaded (tfjs-node-gpu or tfjs-node). */
  binding?: string;
}

async function tryTensorflow(): Promise<{ ok: true; binding: string } | { ok: false; why: string }> {
  const failures: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      if (await tf.setBackend('tensorflow')) return { ok: true, binding: pkg };
      failures.push(`${pkg} loaded but its backend did not initialise`);
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0];
      failures.push(`${pkg}: ${msg.includes('Cannot find package') ? 'not installed' : msg}`);
    }
  }
  return { ok: false, why: failures.join('; ') };
}

async function tryWasm(): Promise<boolean> {
  await import('@tensorflow/tfjs-backend-wasm');
  return tf.setBackend('wasm');
}

/**
 * Picks and initialises the tfjs backend: `requested` (the --backend flag), else the
 * S3DG_BACKEND environment variable, else tensorflow (tfjs-node-gpu, then tfjs-node) → wasm → cpu.
 * A forced backend that cannot start is an error, never a silent fallback.
 */
export async function setupBackend(requested?: string, log: (m: string) => void = () => {}): Promise<BackendChoice> {
  // Production mode: no debug checks, and no banner about tfjs-node on stderr (we log our own choice).
  tf.enableProdMode();
  const forced = requested || process.env.S3DG_BACKEND || undefined;
  const source = requested ? '--backend' : 'S3DG_BACKEND';
  if (forced !== undefined && !(NODE_BACKENDS as readonly string[]).includes(forced)) {
    throw new Error(`${source} ${forced}: unknown backend; choose one of ${NODE_BACKENDS.join(', ')}`);
  }
  let choice: BackendChoice;
  if (forced === 'tensorflow') {
    const tfn = await tryTensorflow();
    if (!tfn.ok) throw new Error(`${source} tensorflow: cannot load it (${tfn.why})`);
    choice = { name: 'tensorflow', reason: `forced by ${source}`, binding: tfn.binding };
  } else if (forced === 'wasm') {
    if (!(await tryWasm())) throw new Error(`${source} wasm: the wasm backend failed to initialise`);
    choice = { name: 'wasm', reason: `forced by ${source}` };
  } else if (forced === 'cpu') {
    await tf.setBackend('cpu');
    choice = { name: 'cpu', reason: `forced by ${source}` };
  } else {
    const tfn = await tryTensorflow();
    if (tfn.ok) {
      choice = { name: 'tensorflow', reason: `native TensorFlow via ${tfn.binding}`, binding: tfn.binding };
    } else if (await tryWasm()) {
      choice = { name: 'wasm', reason: `TensorFlow binding unavailable (${tfn.why})` };
    } else {
      await tf.setBackend('cpu');
      choice = { name: 'cpu', reason: `neither TensorFlow (${tfn.why}) nor wasm could start` };
    }
  }
  await tf.ready();
  installKernels(choice.name);
  log(`backend: ${choice.name} (${choice.reason})`);
  return choice;
}
