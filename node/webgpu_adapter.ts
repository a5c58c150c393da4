/**
 * The WebGPU adapter Dawn (the optional `webgpu` package) offers Node, and whether it is a real
 * GPU: a software rasteriser (SwiftShader, lavapipe, llvmpipe, WARP) runs WebGPU hundreds of
 * times slower than wasm, so it is only used when asked for by name.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** The few parts of Dawn's `webgpu` module s3dg uses (typed here: its types need the DOM lib). */
export interface DawnAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter?: boolean;
}
export interface DawnDevice {
  destroy(): void;
  onuncapturederror: ((event: { error: { message: string } }) => void) | null;
  readonly lost: Promise<{ reason: string; message: string }>;
}
export interface DawnAdapter {
  readonly info: DawnAdapterInfo;
  readonly limits: Record<string, number>;
  readonly features: ReadonlySet<string>;
  requestDevice(descriptor?: { requiredLimits?: Record<string, number>; requiredFeatures?: string[] }): Promise<DawnDevice>;
}
export interface DawnGpu {
  requestAdapter(options?: {
    powerPreference?: 'high-performance' | 'low-power';
    forceFallbackAdapter?: boolean;
  }): Promise<DawnAdapter | null>;
}
export interface DawnModule {
  create(options: string[]): DawnGpu;
  globals: Record<string, unknown>;
}

/** An adapter as the logs and the GPU check describe it. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation of WebGPU: never chosen automatically. */
  software: boolean;
}

const DAWN_PACKAGE = 'webgpu';
const SOFTWARE_NAMES = /swiftshader|lavapipe|llvmpipe|softpipe|basic render|\bsoftware\b/i;

export function summarise(info: DawnAdapterInfo): AdapterSummary {
  const { vendor, architecture, device, description } = info;
  const software = info.isFallbackAdapter === true || SOFTWARE_NAMES.test([vendor, architecture, device, description].join(' '));
  return { vendor, architecture, device, description, software };
}

/** "nvidia ampere (NVIDIA A100)": vendor, architecture and description, the empty ones left out. */
export function adapterName(a: AdapterSummary): string {
  const words = [a.vendor, a.architecture].filter((w) => w !== '').join(' ') || 'unnamed adapter';
  return a.description ? `${words} (${a.description})` : words;
}

/** Where the `webgpu` package is, or why it cannot be used. */
function dawnUrl(): { url: string } | { why: string } {
  try {
    return { url: pathToFileURL(createRequire(import.meta.url).resolve(DAWN_PACKAGE)).href };
  } catch {
    return { why: `the ${DAWN_PACKAGE} package (Dawn for Node) is not installed` };
  }
}

/** Loads Dawn in this process; the error says why it cannot (package absent, native library refused). */
export async function loadDawn(): Promise<DawnModule> {
  const found = dawnUrl();
  if ('why' in found) throw new Error(found.why);
  try {
    return (await import(found.url)) as DawnModule;
  } catch (e) {
    throw new Error(`the ${DAWN_PACKAGE} package did not load: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Dawn's preferred adapter (high performance), as found in this process; null when there is none. */
export async function findAdapter(gpu: DawnGpu): Promise<DawnAdapter | null> {
  return gpu.requestAdapter({ powerPreference: 'high-performance' });
}

const PROBE_TIMEOUT_MS = 30_000;

/**
 * Dawn's preferred adapter, looked up in a child process: Vulkan drivers Dawn refuses (Mesa's
 * lavapipe) print warnings on stderr as they are tried, and a driver may crash; neither should
 * reach an automatic backend choice. Resolves to the adapter, or to why there is none.
 */
export async function probeAdapter(): Promise<{ adapter: AdapterSummary } | { why: string }> {
  const found = dawnUrl();
  if ('why' in found) return found;
  const script = [
    `const { create } = await import(${JSON.stringify(found.url)});`,
    "const a = await create([]).requestAdapter({ powerPreference: 'high-performance' });",
    'const i = a?.info;',
    'process.stdout.write(JSON.stringify(i ? { vendor: i.vendor, architecture: i.architecture, device: i.device,',
    '  description: i.description, isFallbackAdapter: i.isFallbackAdapter } : null));',
  ].join('\n');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { timeout: PROBE_TIMEOUT_MS, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          const last = stderr.trim().split('\n').pop() || error.message.split('\n')[0];
          resolve({ why: error.killed ? `Dawn's adapter search took over ${PROBE_TIMEOUT_MS / 1000} s` : `Dawn failed: ${last}` });
          return;
        }
        const info = JSON.parse(stdout) as DawnAdapterInfo | null;
        resolve(info ? { adapter: summarise(info) } : { why: 'Dawn found no WebGPU adapter (no Vulkan driver it accepts)' });
      },
    );
  });
}
