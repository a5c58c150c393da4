/**
 * The demo model in Chromium on ffmpeg-made clips (H.264 mp4, VP9 webm, odd sizes): the page's
 * per-window probabilities match the Node path (the CLI's ffmpeg decoding and windows, the
 * same web model on tfjs-node's wasm) on the same windows, within tolerance. The tolerance
 * covers the decoders' different YUV→RGB conversions and, for odd sizes, ffmpeg's swscale
 * resize against core's bilinear resize.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openApp, ROOT, type BrowserSession } from './harness.ts';
import { makeClips, type BrowserClips } from './fixtures.ts';
import { nodePredictions } from './node_reference.ts';
import { readAllWindows, readMessage, uploadClip } from './app_driver.ts';

export const DEMO_DIR = join(ROOT, 'web/public/models/demo');
const STRIDE = 8;
const TOLERANCE = 0.06;

describe('the demo model on uploaded clips', () => {
  let s: BrowserSession;
  let clips: BrowserClips;
  before(async () => {
    clips = await makeClips();
    s = await openApp('index.html');
    await s.page.waitForSelector('body[data-ready=true]', { timeout: 120_000 });
  });
  after(async () => {
    await s?.close();
  });

  test('the page opens with the demo model and a GPU backend', async () => {
    assert.match((await s.page.textContent('[data-testid=model-info]')) ?? '', /models\/demo\/model\.json — 5 classes/);
    assert.equal(await s.page.textContent('[data-testid=backend]'), 'webgpu');
    assert.equal(await readMessage(s.page), '');
  });

  const cases: Array<[string, (c: BrowserClips) => string]> = [
    ['H.264 mp4 64×64', (c) => c.mp4],
    ['VP9 webm 64×64', (c) => c.webm],
    ['VP9 webm 97×71 (odd size, resized)', (c) => c.odd],
    ['H.264 mp4 90×66 (resized)', (c) => c.oddMp4],
  ];
  for (const [name, pick] of cases) {
    test(`${name}: every window matches the Node path within ${TOLERANCE}`, async (t) => {
      const file = pick(clips);
      await s.page.fill('[data-testid=stride]', String(STRIDE));
      assert.equal(await uploadClip(s.page, file), 'predicted', await readMessage(s.page));
      const want = await nodePredictions(DEMO_DIR, file, STRIDE);
      const got = await readAllWindows(s.page, want.classNames);
      assert.equal(got.length, want.windows.length, 'window count');
      let worst = 0;
      got.forEach((row, i) => row.forEach((p, k) => (worst = Math.max(worst, Math.abs(p - want.windows[i].probabilities[k])))));
      t.diagnostic(`${got.length} windows, largest |browser − node| = ${worst.toExponential(2)}`);
      assert.ok(worst <= TOLERANCE, `largest |browser − node| = ${worst}`);
      const status = (await s.page.textContent('[data-testid=clip-status]')) ?? '';
      assert.match(status, /decoded with webcodecs/);
    });
  }

  test('the <video> fallback decodes too', async () => {
    await s.page.check('[data-testid=force-fallback]');
    try {
      assert.equal(await uploadClip(s.page, clips.webm), 'predicted', await readMessage(s.page));
      assert.match((await s.page.textContent('[data-testid=clip-status]')) ?? '', /decoded with video-element/);
    } finally {
      await s.page.uncheck('[data-testid=force-fallback]');
    }
  });

  test('no console errors', () => {
    assert.deepEqual(s.errors, []);
  });
});
