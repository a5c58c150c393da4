/**
 * What GPUs the GPU check can see, each as one result line: CUDA devices (nvidia-smi), Vulkan
 * drivers (ICD files, vulkaninfo where installed) and the WebGPU adapters Dawn offers. Missing
 * tools are results too ("not found"), never errors: a GPU machine may lack any of them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDawn, summarise } from '../../node/webgpu_adapter.ts';

export type Line = Record<string, unknown> & { kind: string };

/** A tool's output, or null when it is not installed or fails. */
function run(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

export function cudaDevices(): Line[] {
  const out = run('nvidia-smi', ['--query-gpu=index,name,memory.total,driver_version,compute_cap', '--format=csv,noheader']);
  if (out === null) return [{ kind: 'cuda_device', found: false, why: 'nvidia-smi not found or failed (no NVIDIA driver)' }];
  return out
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [index, name, memory, driver, computeCapability] = l.split(',').map((f) => f.trim());
      return { kind: 'cuda_device', found: true, index: Number(index), name, memory, driver, compute_capability: computeCapability };
    });
}

const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];

/** The Vulkan drivers the loader will try: VK_ICD_FILENAMES when set, else the standard folders. */
export function vulkanDrivers(): Line[] {
  const files = process.env.VK_ICD_FILENAMES
    ? process.env.VK_ICD_FILENAMES.split(':')
    : ICD_DIRS.filter(existsSync).flatMap((d) =>
        readdirSync(d)
          .filter((f) => f.endsWith('.json'))
          .map((f) => join(d, f)),
      );
  const lines: Line[] = files.map((file) => {
    try {
      const icd = JSON.parse(readFileSync(file, 'utf8')) as { ICD?: { library_path?: string } };
      return { kind: 'vulkan_icd', file, library: icd.ICD?.library_path ?? null };
    } catch (e) {
      return { kind: 'vulkan_icd', file, error: (e as Error).message };
    }
  });
  if (lines.length === 0) lines.push({ kind: 'vulkan_icd', found: false, why: `no Vulkan ICD files in ${ICD_DIRS.join(', ')}` });
  const summary = run('vulkaninfo', ['--summary']);
  if (summary === null) lines.push({ kind: 'vulkan_device', found: false, why: 'vulkaninfo not installed (apt-get install vulkan-tools)' });
  else {
    const names = [...summary.matchAll(/deviceName\s*=\s*(.+)/g)].map((m) => m[1].trim());
    const types = [...summary.matchAll(/deviceType\s*=\s*(.+)/g)].map((m) => m[1].trim());
    names.forEach((name, i) => lines.push({ kind: 'vulkan_device', found: true, name, type: types[i] ?? null }));
  }
  return lines;
}

/**
 * Dawn's adapters: every one it can open (Dawn lists them when asked for one that does not
 * exist) and the ones a high-performance, low-power and fallback request return.
 */
export async function webgpuAdapters(): Promise<Line[]> {
  let dawn: Awaited<ReturnType<typeof loadDawn>>;
  try {
    dawn = await loadDawn();
  } catch (e) {
    return [{ kind: 'webgpu_adapter', found: false, why: (e as Error).message }];
  }
  const lines: Line[] = [];
  const listing = await dawn
    .create(['adapter=\u0001'])
    .requestAdapter()
    .then(
      () => '',
      (e: Error) => e.message,
    );
  for (const m of listing.matchAll(/backend: '([^']*)', name: '([^']*)'/g)) lines.push({ kind: 'dawn_adapter', backend: m[1], name: m[2] });
  const gpu = dawn.create([]);
  for (const [request, options] of [
    ['high-performance', { powerPreference: 'high-performance' }],
    ['low-power', { powerPreference: 'low-power' }],
    ['fallback', { forceFallbackAdapter: true }],
  ] as const) {
    const adapter = await gpu.requestAdapter(options);
    lines.push(
      adapter
        ? { kind: 'webgpu_adapter', found: true, request, ...summarise(adapter.info) }
        : { kind: 'webgpu_adapter', found: false, request },
    );
  }
  return lines;
}
