/**
 * Our kernels for one tfjs backend, installed by whoever starts that backend (node/backend.ts,
 * the web worker, the tests), after the backend's package is imported and the backend is set.
 * Nothing registers on import, so import order never matters; the tfjs ops refuse to run on a
 * backend whose kernels were not installed rather than silently run tfjs's defective ones.
 *
 * Two kinds, each file saying which tfjs 4.22 defect or cost it removes:
 *  - kernels of our own names that the tfjs ops call (FirstMaxPoolGrad, ChannelMeans, …);
 *  - wrappers over a backend's own kernel (registered under the same name, the original kept
 *    as their fallback).
 */
import {
  getGradient,
  getKernel,
  registerGradient,
  registerKernel,
  unregisterKernel,
  type GradConfig,
  type KernelConfig,
} from '@tensorflow/tfjs-core';
import { batchNormReluKernels } from './kernels/batch_norm_relu.ts';
import { channelMeansGradient, channelMeansKernels } from './kernels/channel_means.ts';
import { firstMaxPoolGradKernels } from './kernels/first_max_pool_grad.ts';
import { heapSliceWasm } from './kernels/heap_slice.ts';
import { heapSplitVWasm, heapUnpackWasm } from './kernels/heap_split.ts';
import { heapTransposeWasm } from './kernels/heap_transpose.ts';
import { sharedIdentityWasm } from './kernels/shared_identity.ts';
import { tapPatchesKernels } from './kernels/tap_patches.ts';
import { wrapChunkedAddN } from './kernels/webgpu/chunked_add_n.ts';
import { RANK5_BINARY_KERNELS, wrapRank5Binary } from './kernels/webgpu/rank5_binary.ts';
import { wrapRank5Pad } from './kernels/webgpu/rank5_pad.ts';

/** A replacement for a backend's own kernel, given that kernel (to fall back to). */
interface Wrapper {
  kernelName: string;
  backendName: string;
  wrap: (original: KernelConfig) => KernelConfig;
}

const OWN_KERNELS = (): KernelConfig[] => [
  ...firstMaxPoolGradKernels(),
  ...channelMeansKernels(),
  ...tapPatchesKernels(),
  ...batchNormReluKernels(),
];

const GRADIENTS: GradConfig[] = [channelMeansGradient];

const WRAPPERS: Wrapper[] = [
  { kernelName: 'Identity', backendName: 'wasm', wrap: sharedIdentityWasm },
  { kernelName: 'Slice', backendName: 'wasm', wrap: heapSliceWasm },
  { kernelName: 'SplitV', backendName: 'wasm', wrap: heapSplitVWasm },
  { kernelName: 'Unpack', backendName: 'wasm', wrap: heapUnpackWasm },
  { kernelName: 'Transpose', backendName: 'wasm', wrap: heapTransposeWasm },
  ...RANK5_BINARY_KERNELS.map((kernelName) => ({ kernelName, backendName: 'webgpu', wrap: wrapRank5Binary })),
  { kernelName: 'PadV2', backendName: 'webgpu', wrap: wrapRank5Pad },
  { kernelName: 'AddN', backendName: 'webgpu', wrap: wrapChunkedAddN },
  { kernelName: 'PadV2', backendName: 'webgl', wrap: wrapRank5Pad },
];

const installed = new Map<string, string[]>();

/**
 * Installs our kernels on `backendName` (once; later calls return the same list) and returns
 * what it installed as "Kernel/backend" names, for logs and diagnostics.
 */
export function installKernels(backendName: string): string[] {
  const done = installed.get(backendName);
  if (done) return done;
  const names: string[] = [];
  for (const config of OWN_KERNELS()) {
    if (config.backendName !== backendName) continue;
    registerKernel(config);
    names.push(`${config.kernelName}/${backendName}`);
  }
  for (const gradient of GRADIENTS) if (getGradient(gradient.kernelName) === undefined) registerGradient(gradient);
  for (const { kernelName, wrap } of WRAPPERS.filter((w) => w.backendName === backendName)) {
    const original = getKernel(kernelName, backendName);
    if (original === undefined) continue;
    // Keep the original's set-up: the wrapper falls back to it, and a backend started again
    // (after a switch) sets up the kernels registered under its name.
    const replacement = { setupFunc: original.setupFunc, ...wrap(original) };
    unregisterKernel(kernelName, backendName);
    registerKernel(replacement);
    names.push(`${kernelName}/${backendName}`);
  }
  installed.set(backendName, names);
  return names;
}

/** Throws unless `installKernels(backendName)` ran: the tfjs ops call this before each op. */
export function requireKernels(backendName: string): void {
  if (!installed.has(backendName)) {
    throw new Error(
      `s3dg's kernels are not installed on the ${backendName} backend: call installKernels('${backendName}') once the backend is set`,
    );
  }
}
