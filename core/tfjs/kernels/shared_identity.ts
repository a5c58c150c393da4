/**
 * Identity for the wasm backend that shares its input's buffer, as tfjs's cpu backend does.
 *
 * Why: tfjs clones, through Identity, every tensor it keeps for the backward pass; wasm's
 * Identity copies the bytes (time and memory: core/tfjs/README.md). tfjs tensors are immutable
 * (a variable's assign swaps its buffer, it never writes into one), so sharing one is safe.
 */
import { Identity, type KernelBackend, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';

export const sharedIdentityWasm = (): KernelConfig => ({
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const { x } = inputs as { x: TensorInfo };
    (backend as KernelBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
});
