/**
 * The GPU check (`npm run gpu-check`) as run, on SwiftShader: its device lines, its route
 * decisions (a software adapter only with --software), a route killed at its time limit, and
 * flag errors. The parity and timing a route runs are the shared cases (node/webgpu_backend.test.ts)
 * and the bench's passes; a whole route takes minutes on SwiftShader, so it is not run here.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { useSwiftShader } from './swiftshader.ts';

const SKIP = useSwiftShader();
const SCRIPT = new URL('./gpu_check.ts', import.meta.url).pathname;

type Line = { kind: string } & Record<string, unknown>;

function gpuCheck(args: string[]): { status: number | null; lines: Line[]; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { encoding: 'utf8', timeout: 180_000 });
  const lines = r.stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);
  return { status: r.status, lines, stderr: r.stderr };
}

const find = (lines: Line[], props: Record<string, unknown>) => lines.find((l) => Object.entries(props).every(([k, v]) => l[k] === v));

describe('npm run gpu-check', { skip: SKIP }, () => {
  test('lists adapters and devices, one JSON object a line; passes over the software adapter without --software', () => {
    const r = gpuCheck([]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(
      r.lines.every((l) => typeof l.kind === 'string'),
      'every line has a kind',
    );
    assert.ok(find(r.lines, { kind: 'cuda_device' }), 'a CUDA line (found or not)');
    assert.ok(find(r.lines, { kind: 'vulkan_icd', library: './libvk_swiftshader.so' }));
    assert.ok(find(r.lines, { kind: 'dawn_adapter', backend: 'vulkan' }));
    assert.ok(find(r.lines, { kind: 'webgpu_adapter', request: 'high-performance', architecture: 'swiftshader', software: true }));
    const webgpu = find(r.lines, { kind: 'route', route: 'webgpu' });
    assert.equal(webgpu?.status, 'skipped');
    assert.match(String(webgpu?.why), /swiftshader .* is a software adapter \(--software runs it\)/);
    assert.ok(find(r.lines, { kind: 'route', route: 'tensorflow' }));
    assert.deepEqual(find(r.lines, { kind: 'summary' })?.routes_run, []);
  });

  test('--software starts the webgpu route in its own process, which is killed at --route-timeout', () => {
    const r = gpuCheck(['--software', '--sizes', '8x32', '--runs', '1', '--route-timeout', '1']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /webgpu: parity, then 8x32 forward and training/);
    assert.equal(find(r.lines, { kind: 'route', route: 'webgpu', status: 'timeout' })?.why, 'still running after 1 s (--route-timeout)');
    assert.deepEqual(find(r.lines, { kind: 'summary' })?.routes_run, ['webgpu']);
    assert.equal(find(r.lines, { kind: 'summary' })?.failed, true);
  });

  test('a bad flag is one line naming it', () => {
    const r = gpuCheck(['--sizes', '8by32']);
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim(), 'gpu-check: --sizes 8by32: each size is FRAMESxSIDE, e.g. 16x224, got "8by32"');
  });
});
