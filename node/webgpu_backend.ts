/**
 * tfjs's webgpu backend in Node, on Dawn: tfjs-backend-webgpu looks for `navigator.gpu` and the
 * GPU* constants, which Node lacks, and picks its adapter itself. Here we give it Dawn's and
 * register the backend on the adapter we found and logged, with the adapter's full buffer
 * limits (WebGPU's defaults cap a binding at 128 MiB, less than one 64×224² activation).
 */
import * as tf from '@tensorflow/tfjs';
import { adapterName, findAdapter, loadDawn, summarise, type AdapterSummary, type DawnDevice, type DawnGpu } from './webgpu_adapter.ts';

/** The limits tfjs-backend-webgpu raises to the adapter's own (as its browser set-up does). */
const RAISED_LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
];

/** Device errors logged before the rest are dropped. */
const SHOWN_ERRORS = 3;

interface Started {
  gpu: DawnGpu;
  device: DawnDevice;
  adapter: AdapterSummary;
}

let started: Started | undefined;

/** Gives tfjs the browser globals it reads: `navigator.gpu` and the GPUBufferUsage-style constants. */
function exposeGpu(gpu: DawnGpu, globals: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(globals)) if (!(name in globalThis)) Object.assign(globalThis, { [name]: value });
  const host = globalThis as { navigator?: object };
  if (host.navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  Object.defineProperty(host.navigator, 'gpu', { value: gpu, configurable: true });
}

/**
 * Starts tfjs's webgpu backend on Dawn's preferred adapter and makes it the active backend (once;
 * later calls reactivate it). Returns the adapter; throws, saying why, when there is none.
 * `log` hears the device's validation errors and its loss, which tfjs would otherwise ignore.
 */
export async function startWebgpu(log: (m: string) => void = () => {}): Promise<AdapterSummary> {
  if (!started) {
    const dawn = await loadDawn();
    const gpu = dawn.create([]);
    const adapter = await findAdapter(gpu);
    if (adapter === null) {
      throw new Error(
        "Dawn found no WebGPU adapter (no Vulkan driver it accepts; for a software one, VK_ICD_FILENAMES=<Chromium's vk_swiftshader_icd.json>)",
      );
    }
    const requiredLimits = Object.fromEntries(RAISED_LIMITS.map((name) => [name, adapter.limits[name]]));
    // Kernel timings for tf.profile where the adapter has them, as tfjs's browser set-up asks.
    const requiredFeatures = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
    const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
    const summary = summarise(adapter.info);
    // One bad shader fails every later use of it too: the first few errors say enough.
    let errors = 0;
    device.onuncapturederror = (event) => {
      errors++;
      if (errors <= SHOWN_ERRORS) log(`webgpu error on ${adapterName(summary)}: ${event.error.message.split('\n')[0]}`);
      if (errors === SHOWN_ERRORS + 1) log('webgpu: further errors not shown');
    };
    void device.lost.then((info) => {
      if (started?.device === device) log(`webgpu device lost (${info.reason}): ${info.message}`);
    });
    exposeGpu(gpu, dawn.globals);
    const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
    // Importing the package registers its own factory when navigator.gpu exists: replace it with ours.
    if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
    type Device = ConstructorParameters<typeof WebGPUBackend>[0];
    type Info = ConstructorParameters<typeof WebGPUBackend>[1];
    tf.registerBackend('webgpu', () => new WebGPUBackend(device as unknown as Device, adapter.info as unknown as Info), 3);
    started = { gpu, device, adapter: summary };
  }
  if (!(await tf.setBackend('webgpu'))) throw new Error(`tfjs's webgpu backend did not initialise on ${adapterName(started.adapter)}`);
  return started.adapter;
}

/**
 * Frees the webgpu backend's buffers and the Dawn device, and drops `navigator.gpu`: Dawn keeps
 * Node's event loop alive while its instance is reachable (crbug.com/387965810).
 */
export function releaseWebgpu(): void {
  if (!started) return;
  if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
  started.device.destroy();
  const host = globalThis as { navigator?: { gpu?: unknown } };
  if (host.navigator?.gpu === started.gpu) Reflect.deleteProperty(host.navigator, 'gpu');
  started = undefined;
}
