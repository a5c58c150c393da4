/**
 * tfjs backends for the browser, fastest first: webgpu → webgl → wasm → cpu. Importing this
 * module registers all four (and tfjs's gradients, which tfjs-core alone does not register).
 * The wasm binaries are emitted by Vite as assets and handed to the wasm backend by URL.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import { installKernels } from '../../core/tfjs/index.ts';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

/** The backends the app offers, in order of preference. */
export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Whether `name` is one of {@link BACKENDS}. */
export function isBackendName(name: string): name is BackendName {
  return (BACKENDS as readonly string[]).includes(name);
}

const usable = new Map<BackendName, boolean>();
/** Why a backend failed to start, for the page's message. */
const failures = new Map<BackendName, string>();

/** Activates `name`; false when this browser cannot run it (no adapter, no WebGL context…). */
export async function tryBackend(name: BackendName): Promise<boolean> {
  if (usable.get(name) === false) return false;
  let ok = false;
  try {
    ok = await tf.setBackend(name);
    if (ok) {
      await tf.ready();
      installKernels(name);
    } else failures.set(name, 'tfjs could not initialise it in this browser');
  } catch (e) {
    ok = false;
    failures.set(name, e instanceof Error ? e.message : String(e));
  }
  usable.set(name, ok);
  return ok;
}

/** Why `name` failed to start ('' when it did not fail). */
export function backendFailure(name: BackendName): string {
  return failures.get(name) ?? '';
}

/**
 * Activates the first usable backend from `preferred` on (webgpu → webgl → wasm → cpu) and
 * returns its name. cpu always works, so this never fails.
 */
export async function activateBackend(preferred: BackendName = 'webgpu'): Promise<BackendName> {
  for (const name of BACKENDS.slice(BACKENDS.indexOf(preferred))) {
    if (await tryBackend(name)) return name;
  }
  throw new Error('no tfjs backend could be initialised (not even cpu)');
}

/** The backends that initialise in this context (tries each once, then restores `current`). */
export async function usableBackends(current: BackendName): Promise<BackendName[]> {
  const out: BackendName[] = [];
  for (const name of BACKENDS) if (await tryBackend(name)) out.push(name);
  await tryBackend(current);
  return out;
}
