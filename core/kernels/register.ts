/**
 * Kernel overrides for the backends core runs on in Node and the browser alike. Call after the
 * backend packages are imported (importing a backend registers its own kernels, over ours).
 * Kernels of our own names (FirstMaxPoolGrad) need no ordering: they register on import where
 * they are used (ops/max_pool_grad.ts).
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { sharedIdentityWasm } from './shared_identity.ts';
import { heapSliceWasm } from './heap_slice.ts';
import { heapSplitVWasm, heapUnpackWasm } from './heap_split.ts';
import { heapTransposeWasm } from './heap_transpose.ts';

interface Override {
  kernelName: string;
  backendName: string;
  /** The replacement, given the backend's own kernel (to fall back to). */
  make: (original: KernelConfig) => KernelConfig;
}

const OVERRIDES: Override[] = [
  { kernelName: 'Identity', backendName: 'wasm', make: sharedIdentityWasm },
  { kernelName: 'Slice', backendName: 'wasm', make: heapSliceWasm },
  { kernelName: 'SplitV', backendName: 'wasm', make: heapSplitVWasm },
  { kernelName: 'Unpack', backendName: 'wasm', make: heapUnpackWasm },
  { kernelName: 'Transpose', backendName: 'wasm', make: heapTransposeWasm },
];

const installed = new Set<KernelConfig>();

/** Replaces each kernel in OVERRIDES whose backend is registered; returns "Kernel/backend" names. */
export function registerCoreKernelOverrides(): string[] {
  const done: string[] = [];
  for (const { kernelName, backendName, make } of OVERRIDES) {
    const current = getKernel(kernelName, backendName);
    if (current === undefined) continue;
    if (!installed.has(current)) {
      // The backend's own kernel stays the fallback: keep its set-up (run when the backend
      // starts) or falling back to it before then finds it unprepared.
      const replacement = { setupFunc: current.setupFunc, ...make(current) };
      unregisterKernel(kernelName, backendName);
      registerKernel(replacement);
      installed.add(replacement);
    }
    done.push(`${kernelName}/${backendName}`);
  }
  return done;
}
