import * as tf from '@tensorflow/tfjs';
import { installKernels } from '../core/tfjs/index.ts';
import { adapterName, probeAdapter, type AdapterSummary } from './webgpu_adapter.ts';
import { startWebgpu } from './webgpu_backend.ts';

/** Backends s3dg can run on in Node, fastest first. */
export const NODE_BACKENDS = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];

export interface BackendChoice {
  name: NodeBackend;
  /** Why this one: shown in the log so a slow run explains itself. */
  reason: string;
  /** For tensorflow: which binding loaded (tfjs-node-gpu or tfjs-node). */
  binding?: string;
  /** For webgpu: the adapter it runs on. */
  adapter?: AdapterSummary;
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

const FORCE_WEBGPU = 'forced (--backend webgpu or S3DG_BACKEND=webgpu)';

/**
 * webgpu where Dawn offers a hardware adapter. The adapter is looked up in a child process
 * first, so a machine with only a software one (or a driver Dawn refuses) stays quiet here.
 */
async function tryWebgpu(log: (m: string) => void): Promise<{ ok: true; adapter: AdapterSummary } | { ok: false; why: string }> {
  const probe = await probeAdapter();
  if ('why' in probe) return { ok: false, why: probe.why };
  if (probe.adapter.software) {
    return { ok: false, why: `${adapterName(probe.adapter)} is a software adapter, used only when ${FORCE_WEBGPU}` };
  }
  try {
    return { ok: true, adapter: await startWebgpu(log) };
  } catch (e) {
    return { ok: false, why: `${adapterName(probe.adapter)}: ${(e as Error).message}` };
  }
}

async function tryWasm(): Promise<boolean> {
  await import('@tensorflow/tfjs-backend-wasm');
  return tf.setBackend('wasm');
}

/** The automatic order: tensorflow → webgpu on a hardware adapter → wasm → cpu. */
async function fastestAvailable(log: (m: string) => void, cpuOnly: boolean): Promise<BackendChoice> {
  const tfn = await tryTensorflow();
  if (tfn.ok) return { name: 'tensorflow', reason: `native TensorFlow via ${tfn.binding}`, binding: tfn.binding };
  const gpu = cpuOnly ? { ok: false as const, why: 'CPU only asked for' } : await tryWebgpu(log);
  if (gpu.ok)
    return { name: 'webgpu', reason: `on ${adapterName(gpu.adapter)}; TensorFlow binding unavailable (${tfn.why})`, adapter: gpu.adapter };
  if (await tryWasm()) return { name: 'wasm', reason: `TensorFlow binding unavailable (${tfn.why}); webgpu not used (${gpu.why})` };
  await tf.setBackend('cpu');
  return { name: 'cpu', reason: `neither TensorFlow (${tfn.why}), webgpu (${gpu.why}) nor wasm could start` };
}

/**
 * Picks and initialises the tfjs backend: `requested` (the --backend flag), else the
 * S3DG_BACKEND environment variable, else tensorflow (tfjs-node-gpu, then tfjs-node) → webgpu on
 * a hardware adapter → wasm → cpu. A software WebGPU adapter (SwiftShader, lavapipe) runs only
 * when forced. A forced backend that cannot start is an error, never a silent fallback.
 */
export async function setupBackend(
  requested?: string,
  log: (m: string) => void = () => {},
  /** Skip GPU backends in the automatic choice (tensorflow then runs on the CPU where CUDA devices are hidden). */
  options: { cpuOnly?: boolean } = {},
): Promise<BackendChoice> {
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
  } else if (forced === 'webgpu') {
    const adapter = await startWebgpu(log).catch((e: Error) => {
      throw new Error(`${source} webgpu: cannot start it (${e.message})`);
    });
    const slow = adapter.software ? '; a software adapter: expect it to be far slower than wasm' : '';
    choice = { name: 'webgpu', reason: `forced by ${source}, on ${adapterName(adapter)}${slow}`, adapter };
  } else if (forced === 'wasm') {
    if (!(await tryWasm())) throw new Error(`${source} wasm: the wasm backend failed to initialise`);
    choice = { name: 'wasm', reason: `forced by ${source}` };
  } else if (forced === 'cpu') {
    await tf.setBackend('cpu');
    choice = { name: 'cpu', reason: `forced by ${source}` };
  } else {
    choice = await fastestAvailable(log, options.cpuOnly ?? false);
  }
  await tf.ready();
  installKernels(choice.name);
  log(`backend: ${choice.name} (${choice.reason})`);
  return choice;
}
