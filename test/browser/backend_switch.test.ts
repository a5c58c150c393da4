/**
 * Switching backend after a WebGPU prediction keeps the model: the same clip predicted on
 * webgpu, then wasm, cpu and webgpu again gives the same probabilities in every window (the
 * weights used to move through webgpu's synchronous read, which returns zeros in a worker here:
 * every class then read 0.5). Uses the input-sensitive model, so each window differs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BROWSER_SKIP, openApp, type BrowserSession } from './harness.ts';
import { makeClips, type BrowserClips } from './fixtures.ts';
import { openModelByUrl, readAllWindows, readMessage, uploadClip } from './app_driver.ts';
import { writeSensitiveModel } from './sensitive_model.ts';
import { serveDir, type StaticServer } from './static_server.ts';

/** The backend parity tolerance of predict.test.ts. */
const TOLERANCE = 0.005;

describe('switching backend after a prediction', { skip: BROWSER_SKIP }, () => {
  let s: BrowserSession;
  let clips: BrowserClips;
  let host: StaticServer;
  let classNames: string[] = [];
  let reference: number[][] = [];
  const memory = () =>
    s.page.evaluate(() => (window as unknown as { s3dgWorker: { memory(): Promise<{ numTensors: number }> } }).s3dgWorker.memory());

  before(async () => {
    clips = await makeClips();
    await writeSensitiveModel(join(clips.dir, 'models', 'sensitive'), clips.mp4);
    host = await serveDir(join(clips.dir, 'models'), { cors: true });
    s = await openApp('index.html'); // webgpu
    await s.page.waitForSelector('body[data-ready=true]', { timeout: 120_000 });
  });
  after(async () => {
    await s?.close();
    await host?.close();
  });

  const predict = async () => {
    assert.equal(await uploadClip(s.page, clips.mp4, 300_000), 'predicted', await readMessage(s.page));
    classNames = JSON.parse((await s.page.getAttribute('[data-testid=predictions]', 'data-classes')) ?? '[]') as string[];
    return readAllWindows(s.page, classNames);
  };

  test('on webgpu: the sensitive model tells the windows apart', async () => {
    assert.equal(await s.page.textContent('[data-testid=backend]'), 'webgpu');
    assert.equal(await openModelByUrl(s.page, `${host.url}sensitive/`), 'modelLoaded', await readMessage(s.page));
    await s.page.fill('[data-testid=stride]', '8');
    reference = await predict();
    assert.equal(reference.length, 3);
    const spread = Math.max(...classNames.map((_, k) => Math.abs(reference[0][k] - reference[2][k])));
    assert.ok(spread > 0.05, `windows barely differ (${spread}): the comparisons below could not fail`);
  });

  for (const backend of ['wasm', 'cpu', 'webgpu']) {
    test(`switched to ${backend}: every window matches the first webgpu run within ${TOLERANCE}`, async (t) => {
      const tensors = (await memory()).numTensors;
      await s.page.selectOption('[data-testid=backend-select]', backend);
      await s.page.waitForFunction((b) => document.body.dataset.backend === b && !document.body.dataset.busy, backend, {
        timeout: 120_000,
      });
      assert.equal(await readMessage(s.page), '');
      assert.equal((await memory()).numTensors, tensors, 'the switch changed the tensor count');
      const got = await predict();
      assert.equal(got.length, reference.length);
      let worst = 0;
      got.forEach((row, i) => row.forEach((p, k) => (worst = Math.max(worst, Math.abs(p - reference[i][k])))));
      t.diagnostic(`largest |${backend} − first webgpu run| = ${worst.toExponential(2)}`);
      assert.ok(worst <= TOLERANCE, `largest difference ${worst}: ${JSON.stringify(got)} vs ${JSON.stringify(reference)}`);
    });
  }

  test('no console errors', () => {
    assert.deepEqual(s.errors, []);
  });
});
