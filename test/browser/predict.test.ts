/**
 * Web models in Chromium on ffmpeg-made clips (H.264 mp4, VP9 webm, odd sizes that must be
 * resized): the page's per-window probabilities match the Node path (the CLI's ffmpeg decoding
 * and windows, the same web model on tfjs's wasm in Node) on the same windows. Both sides turn
 * the decoded 4:2:0 planes into model frames with the same core code (yuv_to_rgb.ts,
 * model_frame.ts), so the pixels are identical and the tolerance only covers the two tfjs runs.
 * Run with the committed demo model and with an input-sensitive model (sensitive_model.ts; the
 * demo's output barely depends on the clip), whose predictions must differ between windows so
 * a wrong pipeline cannot pass; S3DG_TEST_WEB_MODEL=<web model folder> adds one more (e.g. a
 * trained model that is not committed).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { BROWSER_SKIP, openApp, ROOT, type BrowserSession } from './harness.ts';
import { makeClips, type BrowserClips } from './fixtures.ts';
import { nodePredictions } from './node_reference.ts';
import { openModelByUrl, readAllWindows, readMessage, uploadClip } from './app_driver.ts';
import { writeSensitiveModel } from './sensitive_model.ts';
import { serveDir, type StaticServer } from './static_server.ts';

export const DEMO_DIR = join(ROOT, 'web/public/models/demo');
const STRIDE = 8;
/** Same pixels on both sides: what is left is tfjs in Chromium against tfjs in Node (0 measured). */
const TOLERANCE = 0.005;
/** A further web model folder to compare on every clip. */
const EXTRA_MODEL = process.env.S3DG_TEST_WEB_MODEL;

describe('the demo model on uploaded clips', { skip: BROWSER_SKIP }, () => {
  let s: BrowserSession;
  let clips: BrowserClips;
  let host: StaticServer;
  before(async () => {
    clips = await makeClips();
    await writeSensitiveModel(join(clips.dir, 'models', 'sensitive'), clips.mp4);
    if (EXTRA_MODEL) await cp(EXTRA_MODEL, join(clips.dir, 'models', 'extra'), { recursive: true });
    host = await serveDir(join(clips.dir, 'models'), { cors: true });
    // wasm: the fastest backend here (webgpu/webgl are software); parity.test.ts covers the others.
    s = await openApp('index.html?backend=wasm');
    await s.page.waitForSelector('body[data-ready=true]', { timeout: 120_000 });
  });
  after(async () => {
    await s?.close();
    await host?.close();
  });

  test('the page opens with the demo model, on the backend asked for', async () => {
    assert.match((await s.page.textContent('[data-testid=model-info]')) ?? '', /models\/demo\/model\.json — 5 classes/);
    assert.equal(await s.page.textContent('[data-testid=backend]'), 'wasm');
    assert.equal(await readMessage(s.page), '');
  });

  const cases: Array<[string, (c: BrowserClips) => string]> = [
    ['H.264 mp4 64×64', (c) => c.mp4],
    ['VP9 webm 64×64', (c) => c.webm],
    ['VP9 webm 97×71 (odd size, resized)', (c) => c.odd],
    ['H.264 mp4 90×66 (resized)', (c) => c.oddMp4],
  ];
  const spread: number[][] = [];
  for (const model of ['demo', 'sensitive', ...(EXTRA_MODEL ? (['extra'] as const) : [])] as const) {
    if (model !== 'demo') {
      test(`open the ${model === 'extra' ? `S3DG_TEST_WEB_MODEL (${EXTRA_MODEL})` : 'input-sensitive'} model by URL`, async () => {
        assert.equal(await openModelByUrl(s.page, `${host.url}${model}/`), 'modelLoaded', await readMessage(s.page));
      });
    }
    // The demo model's output barely depends on the clip (see its README): one clip shows it runs.
    for (const [name, pick] of model === 'demo' ? cases.slice(0, 1) : cases) {
      test(`${model} model, ${name}: every window matches the Node path within ${TOLERANCE}`, async (t) => {
        const file = pick(clips);
        await s.page.fill('[data-testid=stride]', String(STRIDE));
        assert.equal(await uploadClip(s.page, file), 'predicted', await readMessage(s.page));
        const want = await nodePredictions(model === 'demo' ? DEMO_DIR : join(clips.dir, 'models', model), file, STRIDE);
        const got = await readAllWindows(s.page, want.classNames);
        assert.equal(got.length, want.windows.length, 'window count');
        let worst = 0;
        got.forEach((row, i) => row.forEach((p, k) => (worst = Math.max(worst, Math.abs(p - want.windows[i].probabilities[k])))));
        t.diagnostic(`${got.length} windows, largest |browser − node| = ${worst.toExponential(2)}`);
        assert.ok(worst <= TOLERANCE, `largest |browser − node| = ${worst}`);
        const status = (await s.page.textContent('[data-testid=clip-status]')) ?? '';
        assert.match(status, /decoded with webcodecs/);
        if (model === 'sensitive') spread.push(...got);
      });
    }
  }

  test('the sensitive model tells windows apart (so the comparisons above can fail)', () => {
    const ranges = spread[0].map((_, k) => Math.max(...spread.map((r) => r[k])) - Math.min(...spread.map((r) => r[k])));
    assert.ok(Math.max(...ranges) > 0.1, `probability ranges over windows: ${ranges.map((r) => r.toFixed(3)).join(', ')}`);
  });

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
