/**
 * Kernel overrides for the backends core runs on in Node and the browser alike. Call after the
 * backend packages are imported (importing a backend registers its own kernels, over ours).
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { sharedIdentityWasm } from './shared_identity.ts';

const OVERRIDES: KernelConfig[] = [sharedIdentityWasm];

/** Replaces each backend kernel in OVERRIDES that is registered; returns "Kernel/backend" names. */
export function registerCoreKernelOverrides(): string[] {
  const done: string[] = [];
  for (const config of OVERRIDES) {
    const current = getKernel(config.kernelName, config.backendName);
    if (current === undefined) continue;
    if (current.kernelFunc !== config.kernelFunc) {
      unregisterKernel(config.kernelName, config.backendName);
      registerKernel(config);
    }
    done.push(`${config.kernelName}/${config.backendName}`);
  }
  return done;
}
