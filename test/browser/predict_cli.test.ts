/**
 * `s3dg predict` against the web app in Chromium: the same web model on the same ffmpeg-made
 * clips (H.264 at the model's 64×64, and 90×66 that both sides resize), scanned by the CLI
 * (ffmpeg decode, worker-thread pool) and uploaded to the page (WebCodecs decode, the page's
 * worker). Every window's frames, seconds and class probabilities must agree, the
 * probabilities within 1e-4. The model is the input-sensitive one (sensitive_model.ts), so its
 * windows differ and a wrong pipeline cannot pass.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BROWSER_SKIP, openApp, ROOT, type BrowserSession } from './harness.ts';
import { makeClips, type BrowserClips } from './fixtures.ts';
import { openModelByUrl, readMessage, readPredictions, uploadClip } from './app_driver.ts';
import { writeSensitiveModel } from './sensitive_model.ts';
import { serveDir, type StaticServer } from './static_server.ts';
import { parseTimelineJson } from '../../core/predict/timeline.ts';

const CLI = join(ROOT, 'node/bin/s3dg.js');
const STRIDE = 4;
const TOLERANCE = 1e-4;

/** Window `i` as the page shows it: its label "#i: a–b s (frames s–e)" and its probabilities by class. */
async function pageWindows(s: BrowserSession, classNames: string[]) {
  const last = Number(await s.page.getAttribute('[data-testid=window]', 'max'));
  const out: Array<{ label: string; probabilities: number[] }> = [];
  for (let i = 0; i <= last; i++) {
    await s.page.locator('[data-testid=window]').fill(String(i));
    const p = await readPredictions(s.page);
    out.push({
      label: (await s.page.textContent('[data-testid=window-label]')) ?? '',
      probabilities: classNames.map((c) => p.get(c) ?? NaN),
    });
  }
  return out;
}

describe('s3dg predict and the web app give the same timeline', { skip: BROWSER_SKIP }, () => {
  let s: BrowserSession;
  let clips: BrowserClips;
  let host: StaticServer;
  let modelDir: string;
  before(async () => {
    clips = await makeClips();
    modelDir = await writeSensitiveModel(join(clips.dir, 'models', 'sensitive'), clips.mp4);
    host = await serveDir(join(clips.dir, 'models'), { cors: true });
    s = await openApp('index.html?backend=wasm');
    await s.page.waitForSelector('body[data-ready=true]', { timeout: 120_000 });
    assert.equal(await openModelByUrl(s.page, `${host.url}sensitive/`), 'modelLoaded', await readMessage(s.page));
    // Set the stride before any clip is there: a change later would re-predict the clip on show.
    await s.page.fill('[data-testid=stride]', String(STRIDE));
    await s.page.press('[data-testid=stride]', 'Tab');
  });
  after(async () => {
    await s?.close();
    await host?.close();
  });

  for (const [name, pick, folder] of [
    ['H.264 mp4 64×64', (c: BrowserClips) => c.mp4, 'mp4'],
    ['H.264 mp4 90×66 (resized)', (c: BrowserClips) => c.oddMp4, 'odd-mp4'],
  ] as const) {
    // tfjs (the page's runtime, on worker threads) and auto (onnxruntime where installed).
    for (const engine of ['tfjs', 'auto']) {
      test(`${name}, --engine ${engine}: every window's frames, seconds and probabilities (within ${TOLERANCE})`, async (t) => {
        const file = pick(clips);
        const out = join(clips.dir, 'cli-out', engine, folder);
        const args = ['predict', file, '--model', modelDir, '--engine', engine, '--stride', String(STRIDE), '--output_dir', out];
        const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        t.diagnostic(/engine: .*/.exec(r.stderr)?.[0] ?? '');
        const cli = parseTimelineJson(readFileSync(join(out, `${basename(file)}.timeline.json`), 'utf8'));

        assert.equal(await uploadClip(s.page, file), 'predicted', await readMessage(s.page));
        const page = await pageWindows(s, cli.classNames);
        assert.equal(page.length, cli.windows.length, 'window count');
        let worst = 0;
        page.forEach((w, i) => {
          const c = cli.windows[i];
          const want = `#${i}: ${c.startSeconds.toFixed(2)}–${c.endSeconds.toFixed(2)} s (frames ${c.startFrame}–${c.endFrame - 1})`;
          assert.equal(w.label, want, `window ${i}`);
          w.probabilities.forEach((p, k) => (worst = Math.max(worst, Math.abs(p - c.probabilities[k]))));
        });
        t.diagnostic(`${page.length} windows, largest |page − cli| = ${worst.toExponential(2)}`);
        assert.ok(worst <= TOLERANCE, `largest |page − cli| = ${worst}`);
        const first = cli.windows.map((w) => w.probabilities[0]);
        assert.ok(Math.max(...first) - Math.min(...first) > 0.01, 'the windows should differ');
      });
    }
  }

  test('no console errors', () => {
    assert.deepEqual(s.errors, []);
  });
});
