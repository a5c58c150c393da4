/**
 * The app's job flow on wasm (the fastest backend here): a clip picked right after navigation
 * is queued and predicted once the app is ready; the first screen names the model's classes and
 * offers a sample clip; a new prediction clears the previous clip's
 * results at once; changing the stride re-predicts; a prediction and a fine-tune can be
 * cancelled, after which the backend can be switched; a backend choice refused while a job
 * runs does not stay in the selector; the video plays beside the chart, which follows and seeks
 * it, and the events listed are core's (the CLI's) and seek it too.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BROWSER_SKIP, openApp, type BrowserSession } from './harness.ts';
import { makeClips, type BrowserClips } from './fixtures.ts';
import { join } from 'node:path';
import { openModelByUrl, readAllWindows, readMessage, uploadClip } from './app_driver.ts';
import { writeSensitiveModel } from './sensitive_model.ts';
import { serveDir, type StaticServer } from './static_server.ts';
import { timelineEvents } from '../../core/predict/events.ts';

/** Window count of a clip of `frames` frames (the test clips: 4 s at 8 fps) with the demo's 16-frame window. */
const windowsAt = (stride: number, frames = 32) => Math.floor((frames - 16) / stride) + 1;
/** The window on view at `seconds` at stride 4 (8 fps): the last one started by then. */
const windowAt = (seconds: number, count: number) => Math.min(count - 1, Math.floor((seconds * 8) / 4 + 1e-9));
/** How far class `k`'s probability moves over the windows. */
const spread = (rows: number[][], k: number) => Math.max(...rows.map((r) => r[k])) - Math.min(...rows.map((r) => r[k]));

describe('queued, cleared, re-predicted and cancelled jobs', { skip: BROWSER_SKIP }, () => {
  let s: BrowserSession;
  let clips: BrowserClips;
  let host: StaticServer;
  const body = (key: string) => s.page.evaluate((k) => document.body.dataset[k] ?? '', key);
  const windowCount = async () => Number(await s.page.getAttribute('[data-testid=window]', 'max')) + 1;

  before(async () => {
    clips = await makeClips();
    await writeSensitiveModel(join(clips.dir, 'models', 'sensitive'), clips.mp4);
    host = await serveDir(join(clips.dir, 'models'), { cors: true });
    s = await openApp('index.html?backend=wasm');
    s.page.setDefaultTimeout(120_000); // waits on predictions: the 2 cores here are shared
  });
  after(async () => {
    await s?.close();
    await host?.close();
  });

  test('a clip picked right after navigation shows "starting…" and is predicted once ready', async () => {
    // Start the app again and pick as soon as the page is parsed (the worker, backends and model take seconds).
    await s.page.reload({ waitUntil: 'domcontentloaded' });
    const done = uploadClip(s.page, clips.mp4);
    assert.equal(await done, 'predicted', await readMessage(s.page));
    // Set only while the app is not ready, with the "starting…" status.
    assert.match(await body('queued'), / crossing-000\.mp4$/, 'the app was ready before the clip was picked: nothing was queued');
    assert.equal(await windowCount(), windowsAt(8));
  });

  test('the first screen says what the model detects; the sample clip runs in one click; the chart shows values on hover', async () => {
    assert.equal(
      await s.page.textContent('[data-testid=model-classes]'),
      'This model detects 5 things: gates lowering; gates raising; train left to right; train right to left; pedestrian crossing while gates down.',
    );
    const was = await body('predictions');
    await s.page.click('[data-testid=sample-clip]');
    await s.page.waitForFunction((w) => document.body.dataset.predictions !== w && !document.body.dataset.busy, was);
    assert.match(await body('predicted'), / level-crossing\.mp4$/);
    assert.equal(await windowCount(), windowsAt(8, 64), (await s.page.textContent('[data-testid=clip-status]')) ?? ''); // 8 s
    const box = (await s.page.locator('[data-testid=chart]').boundingBox())!;
    await s.page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    assert.match(
      (await s.page.textContent('[data-testid=chart-hover]')) ?? '',
      /^\d+\.\d\d s \(window [\d.]+–[\d.]+ s\): (\w+ [01]\.\d{3}, ){2}\w+ [01]\.\d{3}$/,
    );
  });

  test('changing the stride re-predicts the clip on show', async () => {
    const was = await body('predictions');
    await s.page.fill('[data-testid=stride]', '4');
    await s.page.press('[data-testid=stride]', 'Tab'); // the change is committed when focus leaves
    await s.page.waitForFunction((w) => document.body.dataset.predictions !== w && !document.body.dataset.busy, was);
    assert.equal(await windowCount(), windowsAt(4, 64)); // the sample clip
  });

  test('a new clip clears the previous clip’s chart and table as soon as it starts', async () => {
    const previous = await s.page.getAttribute('[data-testid=predictions]', 'data-clip');
    assert.ok(previous, 'the first clip’s results are on show');
    await s.page.setInputFiles('input[type=file]', clips.webm);
    await s.page.waitForFunction((p) => document.body.dataset.predicting && document.body.dataset.predicting !== p, previous);
    for (const id of ['predictions', 'chart']) {
      assert.notEqual(await s.page.getAttribute(`[data-testid=${id}]`, 'data-clip'), previous, `${id} still shows the previous clip`);
    }
    await s.page.waitForFunction(() => !document.body.dataset.busy);
  });

  test('a prediction can be cancelled; switching backend is refused during it, then works', async () => {
    // On cpu, 17 windows (stride 1) take long enough to cancel in.
    const predicted = await body('predictions');
    await s.page.fill('[data-testid=stride]', '1');
    await s.page.press('[data-testid=stride]', 'Tab');
    await s.page.waitForFunction((w) => document.body.dataset.predictions !== w && !document.body.dataset.busy, predicted);
    await s.page.selectOption('[data-testid=backend-select]', 'cpu');
    await s.page.waitForFunction(() => document.body.dataset.backend === 'cpu');
    const total = windowsAt(1);
    const was = await body('cancelled');
    await s.page.setInputFiles('input[type=file]', clips.mp4);
    await s.page.waitForFunction(() => /window 1 of/.test(document.querySelector('[data-testid=clip-status]')?.textContent ?? ''));
    await s.page.selectOption('[data-testid=backend-select]', 'wasm');
    assert.equal(await s.page.inputValue('[data-testid=backend-select]'), 'cpu', 'the refused choice stays in the selector');
    assert.match(await readMessage(s.page), /wasm: wait until predicting has finished \(or cancel it\)/);
    await s.page.click('[data-testid=clip-cancel]');
    await s.page.waitForFunction((w) => (document.body.dataset.cancelled ?? '') !== w && !document.body.dataset.busy, was, {
      timeout: 60_000,
    });
    const status = (await s.page.textContent('[data-testid=clip-status]')) ?? '';
    const done = Number(/cancelled \((\d+) window/.exec(status)?.[1]);
    assert.ok(done >= 1 && done < total, `${status} (of ${total})`);
    assert.equal(await s.page.isDisabled('[data-testid=clip-cancel]'), true);
    await s.page.selectOption('[data-testid=backend-select]', 'wasm');
    await s.page.waitForFunction(() => document.body.dataset.backend === 'wasm');
    assert.equal(await s.page.inputValue('[data-testid=backend-select]'), 'wasm');
  });

  test('a fine-tune can be cancelled: the model in use is unchanged, tensors are released', async () => {
    const memory = () =>
      s.page.evaluate(() => (window as unknown as { s3dgWorker: { memory(): Promise<{ numTensors: number }> } }).s3dgWorker.memory());
    const tensors = (await memory()).numTensors;
    const info = await s.page.textContent('[data-testid=model-info]');
    await s.page.selectOption('[data-testid=range-clip]', '0');
    await s.page.fill('[data-testid=range-start]', '0');
    await s.page.fill('[data-testid=range-end]', '4');
    await s.page.fill('[data-testid=range-new]', 'bell_ringing');
    await s.page.click('[data-testid=range-add]');
    await s.page.fill('[data-testid=tune-steps]', '200');
    await s.page.click('[data-testid=tune-start]');
    assert.equal(await s.page.isDisabled('[data-testid=tune-start]'), true, 'Train is disabled while training');
    await s.page.waitForFunction(() => /^step 1\//.test(document.querySelector('[data-testid=tune-status]')?.textContent ?? ''), null, {
      timeout: 120_000,
    });
    await s.page.click('[data-testid=tune-cancel]');
    await s.page.waitForFunction(() => document.body.dataset.tuneCancelled, null, { timeout: 60_000 });
    assert.match((await s.page.textContent('[data-testid=tune-status]')) ?? '', /fine-tuning cancelled/);
    assert.equal(await s.page.textContent('[data-testid=model-info]'), info);
    assert.equal(await s.page.isDisabled('[data-testid=tune-start]'), false);
    assert.equal((await memory()).numTensors, tensors, 'tensors left after a cancelled fine-tune');
    assert.equal(await readMessage(s.page), '');
  });

  test('a model opened by URL is in the address (copy link); the video plays beside the chart: the cursor follows it, chart clicks and events seek it', async () => {
    assert.equal(await s.page.isDisabled('[data-testid=copy-link]'), true, 'the demo model needs no link');
    assert.equal(await openModelByUrl(s.page, `${host.url}sensitive/`), 'modelLoaded', await readMessage(s.page));
    // The address now opens this model; the copy-link button gives it.
    const address = new URL(s.page.url());
    assert.equal(address.searchParams.get('model'), `${host.url}sensitive/`);
    assert.equal(address.searchParams.get('backend'), 'wasm');
    await s.page.click('[data-testid=copy-link]');
    assert.ok((await readMessage(s.page)).endsWith(address.href), await readMessage(s.page));
    await s.page.fill('[data-testid=stride]', '4');
    await s.page.press('[data-testid=stride]', 'Tab'); // commits now (re-predicts the clip on show) rather than mid-test
    assert.equal(await uploadClip(s.page, clips.mp4), 'predicted', await readMessage(s.page));
    const classNames = JSON.parse((await s.page.getAttribute('[data-testid=predictions]', 'data-classes')) ?? '[]') as string[];
    const rows = await readAllWindows(s.page, classNames);
    const starts = rows.map((_, i) => (i * 4) / 8);
    await s.page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid=player]')?.readyState ?? 0) >= 1);
    // Playback (here: the player moved to 1.6 s) moves the window on show.
    await s.page.evaluate(() => (document.querySelector<HTMLVideoElement>('[data-testid=player]')!.currentTime = 1.6));
    await s.page.waitForFunction(
      (w) => document.querySelector<HTMLInputElement>('[data-testid=window]')!.value === w,
      String(windowAt(1.6, rows.length)),
    );
    // Playing from the start: the window on show follows.
    await s.page.evaluate(async () => {
      const video = document.querySelector<HTMLVideoElement>('[data-testid=player]')!;
      await new Promise((resolve) => {
        video.addEventListener('seeked', resolve, { once: true });
        video.currentTime = 0;
      });
    });
    assert.equal(await s.page.inputValue('[data-testid=window]'), '0');
    await s.page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid=player]')!.play());
    await s.page.waitForFunction(() => Number(document.querySelector<HTMLInputElement>('[data-testid=window]')!.value) >= 2, null, {
      polling: 100,
      timeout: 30_000,
    });
    await s.page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid=player]')!.pause());
    // A click near the chart's left edge seeks back before one near its right.
    const box = (await s.page.locator('[data-testid=chart]').boundingBox())!;
    const timeAfterClick = async (fraction: number) => {
      await s.page.mouse.click(box.x + box.width * fraction, box.y + box.height / 2);
      await s.page.waitForFunction(() => !document.querySelector<HTMLVideoElement>('[data-testid=player]')!.seeking);
      return s.page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid=player]')!.currentTime);
    };
    const early = await timeAfterClick(0.08);
    const late = await timeAfterClick(0.6);
    assert.ok(early >= 0 && early < late && late <= 4, `click times ${early}, ${late}`);
    // Events: the class whose probability moves most, cut halfway between its extremes.
    const k = classNames.map((_, j) => j).sort((a, b) => spread(rows, b) - spread(rows, a))[0];
    const threshold = (Math.max(...rows.map((r) => r[k])) + Math.min(...rows.map((r) => r[k]))) / 2;
    await s.page.fill('[data-testid=threshold]', String(threshold));
    await s.page.press('[data-testid=threshold]', 'Tab');
    const windows = rows.map((p, i) => ({
      startFrame: i * 4,
      endFrame: i * 4 + 16,
      startSeconds: starts[i],
      endSeconds: starts[i] + 2,
      probabilities: p,
      padded: false,
    }));
    const want = timelineEvents(
      { video: 'x', fps: 8, clipLength: 16, stride: 4, classNames, windows },
      { threshold, minEventSeconds: 0 },
    ).flatMap((c) => c.events.map((e) => `${c.className} ${e.startSeconds.toFixed(2)}`));
    const got = await s.page.$$eval('[data-testid=events] button', (bs) =>
      bs.map((b) => `${b.dataset.class} ${Number(b.dataset.start).toFixed(2)}`),
    );
    assert.ok(want.length > 0, 'no event at the chosen threshold');
    assert.deepEqual([...got].sort(), [...want].sort());
    const last = s.page.locator('[data-testid=events] button').last();
    const start = Number(await last.getAttribute('data-start'));
    await last.click();
    await s.page.waitForFunction(
      (t) => Math.abs(document.querySelector<HTMLVideoElement>('[data-testid=player]')!.currentTime - t) < 0.01,
      start,
    );
  });

  test('no console errors', () => {
    assert.deepEqual(s.errors, []);
  });
});
