/**
 * The web app's kernel overrides, in one list, registered over the backends' own (import this
 * module after the backends), plus core's (the wasm ones, shared with Node). Each entry
 * documents the tfjs defect it routes around.
 */
import { registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { registerCoreKernelOverrides } from '../../core/kernels/register.ts';
import { webgpuRank5BinaryKernels } from './webgpu_rank5_binary.ts';
import { rank5PadKernels } from './rank5_pad.ts';

const OVERRIDES: KernelConfig[] = [...webgpuRank5BinaryKernels(), ...rank5PadKernels()];

for (const config of OVERRIDES) {
  unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}

/** Names of the overridden kernels ("Add/webgpu", …), for diagnostics. */
export const OVERRIDDEN_KERNELS = [...OVERRIDES.map((k) => `${k.kernelName}/${k.backendName}`), ...registerCoreKernelOverrides()];
