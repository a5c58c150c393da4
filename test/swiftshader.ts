/**
 * WebGPU in Node on a software GPU, for tests and the GPU check's software run: points Dawn's
 * Vulkan loader at Chromium's SwiftShader ICD (Debian's lavapipe lacks a feature Dawn needs).
 * Must run before Dawn first loads in this process; child processes inherit the setting.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SWIFTSHADER_ICD = process.env.S3DG_SWIFTSHADER_ICD ?? '/usr/lib/chromium/vk_swiftshader_icd.json';

function dawnInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('webgpu');
    return true;
  } catch {
    return false;
  }
}

/**
 * Selects SwiftShader for this process and its children. Returns why it cannot (pass as a test's
 * `skip` option), or false when it is set.
 */
export function useSwiftShader(): string | false {
  if (!dawnInstalled()) return 'the optional webgpu package (Dawn for Node) is not installed';
  if (!existsSync(SWIFTSHADER_ICD))
    return `no SwiftShader Vulkan ICD at ${SWIFTSHADER_ICD} (install chromium, or set S3DG_SWIFTSHADER_ICD)`;
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  // Without a runtime dir, the Vulkan loader's window-system probes complain on stderr.
  if (process.env.XDG_RUNTIME_DIR === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 's3dg-xdg-'));
    process.env.XDG_RUNTIME_DIR = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return false;
}
