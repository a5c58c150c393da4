/**
 * Ops-layer and S3D-G parity on webgpu, webgl and wasm against cpu inside Chromium, in the page
 * and in a worker (test/browser/diagnostics/; small tensors: the GPUs here are software).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BROWSER_SKIP, openDiagnostics, type BrowserSession } from './harness.ts';
import type { BackendName } from '../../web/worker/backends.ts';
import type { DiagnosticsHooks, ParityReport } from './diagnostics/types.ts';

declare global {
  interface Window {
    s3dgDiagnostics: DiagnosticsHooks;
  }
}

const BACKENDS: BackendName[] = ['webgpu', 'webgl', 'wasm'];

describe('backend parity in Chromium', { skip: BROWSER_SKIP }, () => {
  let s: BrowserSession;
  let usable: { page: BackendName[]; worker: BackendName[] };
  before(async () => {
    s = await openDiagnostics();
    await s.page.waitForSelector('body[data-ready=true]');
    usable = await s.page.evaluate(() => window.s3dgDiagnostics.backends());
  });
  after(async () => {
    await s?.close();
  });

  for (const where of ['page', 'worker'] as const) {
    for (const backend of BACKENDS) {
      test(`${backend} in the ${where}: ops and tiny S3D-G (forward, gradients) match cpu`, async () => {
        assert.ok(usable[where].includes(backend), `${backend} is not usable in the ${where} (usable: ${usable[where].join(', ')})`);
        const report: ParityReport = await s.page.evaluate(([w, b]) => window.s3dgDiagnostics[w](b), [where, backend] as const);
        assert.equal(report.backend, backend);
        assert.ok(report.cases.length >= 12, `only ${report.cases.length} cases ran`);
        if (backend === 'wasm') assert.equal(report.wasmKernels, true, 'our SIMD wasm kernels did not load');
        const bad = report.cases.filter((c) => !c.ok);
        assert.deepEqual(
          bad.map((c) => `${c.name}: |diff| ${c.maxAbsDiff} (values up to ${c.maxAbsValue}, tolerance ${c.tolerance})`),
          [],
        );
      });
    }
  }

  test('no console errors', () => {
    assert.deepEqual(s.errors, []);
  });
});
