/**
 * The parity cases (test/parity_cases.ts) in the browser: in the diagnostics page and in its
 * worker (test/browser/parity.test.ts), switching backends as the app does.
 */
import * as tf from '@tensorflow/tfjs-core';
import { runParityCases, type ParityScope } from '../../parity_cases.ts';
import { tryBackend, isBackendName, type BackendName } from '../../../web/worker/backends.ts';
import { wasmKernelsOf } from '../../../core/tfjs/kernels/wasm/wasm_kernels.ts';
import type { ParityReport } from './types.ts';

const activate = async (name: string) => isBackendName(name) && tryBackend(name);

/** Runs every case on cpu and on `backend`; leaves `backend` active and no tensors behind. */
export async function runParity(backend: BackendName, which: ParityScope = 'all'): Promise<ParityReport> {
  const report: ParityReport = { backend, cases: await runParityCases(activate, backend, which) };
  if (backend === 'wasm') report.wasmKernels = wasmKernelsOf(tf.backend()) !== undefined;
  return report;
}
