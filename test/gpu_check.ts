/**
 * `npm run gpu-check [-- --software] [--sizes 16x224,64x224] [--runs 3] [--route-timeout 300]`:
 * for a machine with a GPU. Lists the CUDA devices, Vulkan drivers and WebGPU adapters it
 * finds, then on every GPU route it can start (webgpu on a hardware adapter; tensorflow where
 * @tensorflow/tfjs-node-gpu loads) runs the parity cases against cpu and times full S3D-G
 * forward and training at each clip size, each route in its own process with a time limit.
 * Prints one JSON object per line on stdout (see the README's GPU section), progress on
 * stderr; needs nothing beyond the working tree and its node_modules (no network).
 * `--software` runs webgpu on SwiftShader instead, to check the script itself on a machine
 * without a GPU (use a small size: --sizes 8x32).
 * Exit status: 0 when every parity case passed and no route failed, else 1.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { adapterName, probeAdapter } from '../node/webgpu_adapter.ts';
import { cudaDevices, vulkanDrivers, webgpuAdapters, type Line } from './gpu_check/devices.ts';
import { parseSizes } from './bench/sizes.ts';
import { useSwiftShader } from './swiftshader.ts';

const { values: flags } = parseArgs({
  options: {
    software: { type: 'boolean', default: false },
    sizes: { type: 'string', default: '16x224,64x224' },
    runs: { type: 'string', default: '3' },
    'route-timeout': { type: 'string', default: '300' },
  },
});
const started = performance.now();
const emit = (line: Line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const progress = (m: string) => process.stderr.write(`[gpu-check] ${m}\n`);

function fail(message: string): never {
  process.stderr.write(`gpu-check: ${message}\n`);
  process.exit(2);
}

try {
  parseSizes(flags.sizes ?? '');
} catch (e) {
  fail((e as Error).message);
}
const runs = Number(flags.runs);
if (!Number.isInteger(runs) || runs < 1) fail(`--runs ${flags.runs}: a positive whole number`);
const timeoutS = Number(flags['route-timeout']);
if (!(timeoutS > 0)) fail(`--route-timeout ${flags['route-timeout']}: seconds, a positive number`);
if (flags.software) {
  const why = useSwiftShader();
  if (why) fail(`--software: ${why}`);
}

for (const line of [...cudaDevices(), ...vulkanDrivers(), ...(await webgpuAdapters())]) emit(line);

/** Why a route cannot run here, or null when it can be tried. */
async function routeSkip(route: string): Promise<string | null> {
  if (route === 'tensorflow') {
    try {
      createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu');
      return null;
    } catch {
      return '@tensorflow/tfjs-node-gpu is not installed (it needs CUDA 11.2 and cuDNN 8.1; see the README)';
    }
  }
  const probe = await probeAdapter();
  if ('why' in probe) return probe.why;
  if (probe.adapter.software && !flags.software) return `${adapterName(probe.adapter)} is a software adapter (--software runs it)`;
  return null;
}

/** Runs test/gpu_check/route.ts for `route`, relaying its lines; resolves to whether any failed. */
function runRoute(route: string): Promise<boolean> {
  const script = new URL('./gpu_check/route.ts', import.meta.url).pathname;
  const args = ['--import', 'tsx', script, '--route', route, '--sizes', flags.sizes ?? '', '--runs', String(runs)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let failed = false;
  createInterface({ input: child.stdout }).on('line', (text) => {
    try {
      const line = JSON.parse(text) as Line;
      if ((line.kind === 'parity' && line.ok === false) || (line.kind === 'bench' && 'error' in line)) failed = true;
      emit(line);
    } catch {
      process.stderr.write(`[${route}] ${text}\n`);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL')
        emit({ kind: 'route', route, status: 'timeout', why: `still running after ${timeoutS} s (--route-timeout)` });
      else if (code !== 0) emit({ kind: 'route', route, status: 'failed', why: `exit status ${code} (its error is above, on stderr)` });
      resolve(failed || code !== 0 || signal !== null);
    });
  });
}

const ran: string[] = [];
let anyFailed = false;
for (const route of ['webgpu', 'tensorflow']) {
  const why = await routeSkip(route);
  if (why) {
    emit({ kind: 'route', route, status: 'skipped', why });
    continue;
  }
  progress(`${route}: parity, then ${flags.sizes} forward and training`);
  ran.push(route);
  if (await runRoute(route)) anyFailed = true;
}
emit({ kind: 'summary', routes_run: ran, failed: anyFailed, seconds: Math.round((performance.now() - started) / 1000) });
// Dawn's instance (the adapter listing) would keep the event loop alive.
process.exit(anyFailed ? 1 : 0);
