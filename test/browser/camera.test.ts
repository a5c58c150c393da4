/**
 * The camera on Chromium's fake media stream (a moving test pattern), on wasm: live
 * predictions of the last clip_length frames appear and keep coming, with a probability in
 * [0, 1] for every class; two recordings (pressed, then held) for a new class and a model class
 * join the fine-tune panel as labelled ranges and a short fine-tune trains on them, after which
 * the live view shows the new classes; Stop releases the camera. A refused camera gets a
 * message in plain words.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BROWSER_SKIP, FAKE_CAMERA_FLAGS, openApp, type BrowserSession } from './harness.ts';
import { readMessage } from './app_driver.ts';
import type { Page } from 'playwright-core';

const NEW_CLASS = 'waving';
const MODEL_CLASS = 'gates_lowering';
/** The demo model's frames: 64×64 RGB. */
const FRAME_BYTES = 64 * 64 * 3;

const body = (page: Page, key: string) => page.evaluate((k) => document.body.dataset[k] ?? '', key);
const liveWindows = async (page: Page) => Number((await body(page, 'cameraWindows')) || 0);

/** Waits until more than `count` live windows have been predicted. */
async function windowsAfter(page: Page, count: number): Promise<number> {
  await page.waitForFunction((n) => Number(document.body.dataset.cameraWindows ?? 0) > n, count, { polling: 100 });
  return liveWindows(page);
}

/** The live table: class → probability, and the classes it was drawn for. */
async function livePredictions(page: Page): Promise<{ classes: string[]; rows: Map<string, number> }> {
  const classes = JSON.parse((await page.getAttribute('[data-testid=camera-predictions]', 'data-classes')) ?? '[]') as string[];
  const rows = await page.$$eval('[data-testid=camera-predictions] tr[data-class]', (trs) =>
    trs.map((tr) => [tr.getAttribute('data-class') ?? '', Number(tr.getAttribute('data-probability'))] as [string, number]),
  );
  return { classes, rows: new Map(rows) };
}

/** Waits until recording number `n` has been added (body[data-recorded]). */
function recorded(page: Page, n: number): Promise<unknown> {
  return page.waitForFunction((k) => document.body.dataset.recorded === String(k), n, { polling: 100 });
}

/** Waits until the recording in progress holds at least `frames` frames. */
function recordingHolds(page: Page, frames: number): Promise<unknown> {
  return page.waitForFunction(
    (k) => Number(document.querySelector<HTMLElement>('[data-testid=camera-recording]')?.dataset.frames ?? 0) >= k,
    frames,
    { polling: 50 },
  );
}

describe('the camera: live predictions and recorded examples', { skip: BROWSER_SKIP }, () => {
  let s: BrowserSession;
  /** Live tensors before the camera started. */
  let tensorsBefore = 0;
  const memory = () =>
    s.page.evaluate(() => (window as unknown as { s3dgWorker: { memory(): Promise<{ numTensors: number }> } }).s3dgWorker.memory());

  before(async () => {
    s = await openApp('index.html?backend=wasm', FAKE_CAMERA_FLAGS);
    s.page.setDefaultTimeout(120_000); // the 2 cores here are shared
    await s.page.waitForSelector('body[data-ready=true]');
  });
  after(async () => {
    await s?.close();
  });

  test('live predictions appear and keep coming, every class in [0, 1]', async () => {
    tensorsBefore = (await memory()).numTensors;
    await s.page.click('[data-testid=camera-start]');
    await s.page.waitForSelector('body[data-camera=on]');
    const first = await windowsAfter(s.page, 0);
    const { classes, rows } = await livePredictions(s.page);
    assert.equal(classes.length, 5);
    assert.deepEqual([...rows.keys()].sort(), [...classes].sort());
    for (const [name, p] of rows) assert.ok(p >= 0 && p <= 1, `${name}: ${p}`);
    const later = await windowsAfter(s.page, first + 2);
    assert.ok(later >= first + 3);
    assert.match((await s.page.textContent('[data-testid=camera-live]')) ?? '', /^live: \d+ windows of the last 16 frames at 8 fps/);
    assert.equal(await readMessage(s.page), '');
  });

  test('a backend switch while live: the predictions go on, on the new backend, with no message', async () => {
    for (const backend of ['cpu', 'wasm']) {
      await s.page.selectOption('[data-testid=backend-select]', backend);
      await s.page.waitForFunction((b) => document.body.dataset.backend === b && !document.body.dataset.busy, backend);
      const now = await liveWindows(s.page);
      await windowsAfter(s.page, now + 1);
      assert.equal(await readMessage(s.page), '', backend);
      const { rows } = await livePredictions(s.page);
      for (const [name, p] of rows) assert.ok(p >= 0 && p <= 1 && p !== 0.5, `${backend} ${name}: ${p}`);
    }
  });

  test('a pressed and a held recording join Fine-tune; a short fine-tune trains on them', async () => {
    // Pressed: one click starts, the next stops.
    await s.page.fill('[data-testid=camera-class]', NEW_CLASS);
    await s.page.click('[data-testid=camera-record]');
    await recordingHolds(s.page, 6);
    await s.page.click('[data-testid=camera-record]');
    await recorded(s.page, 1);
    // Held: records while the button is down.
    await s.page.fill('[data-testid=camera-class]', MODEL_CLASS);
    await s.page.locator('[data-testid=camera-record]').hover();
    await s.page.mouse.down();
    await recordingHolds(s.page, 6);
    assert.equal(await s.page.getAttribute('[data-testid=camera-record]', 'aria-pressed'), 'true');
    await s.page.mouse.up();
    await recorded(s.page, 2);
    assert.equal(await s.page.getAttribute('[data-testid=camera-record]', 'aria-pressed'), 'false');

    // Each recording is a training range on its class's card, with a thumbnail from its frames.
    await s.page.waitForFunction(() => document.querySelectorAll('[data-testid=class-card] li canvas.thumb').length === 2, undefined, {
      polling: 100,
    });
    const cards = await s.page.$$eval('[data-testid=class-card]', (cs) =>
      cs.map((c) => ({
        name: c.getAttribute('data-class'),
        ranges: Array.from(
          c.querySelectorAll('li'),
          (li) => `${li.querySelector('span')?.textContent} ${li.getAttribute('data-held-out')}`,
        ),
      })),
    );
    assert.equal(cards.length, 2, JSON.stringify(cards));
    const card = (name: string) => cards.find((c) => c.name === name)?.ranges ?? [];
    assert.equal(card(NEW_CLASS).length, 1, JSON.stringify(cards));
    assert.match(card(NEW_CLASS)[0], new RegExp(`^camera 1 \\(${NEW_CLASS}\\) 0\\.0–\\d+\\.\\d s false$`));
    assert.equal(card(MODEL_CLASS).length, 1, JSON.stringify(cards));
    assert.match(card(MODEL_CLASS)[0], new RegExp(`^camera 2 \\(${MODEL_CLASS}\\) 0\\.0–\\d+\\.\\d s false$`));
    // The recorded frames sit in the worker as the model's frames (64×64 RGB), made from the camera's picture.
    const stored = await s.page.evaluate(async () => {
      const w = window as unknown as {
        s3dgClips(): Array<{ name: string; videoId: number | null }>;
        s3dgWorker: { videoFrames(id: number): Promise<Uint8Array> };
      };
      const out: Array<{ name: string; bytes: number; distinct: number }> = [];
      for (const c of w.s3dgClips().filter((c) => c.name.startsWith('camera '))) {
        const bytes = await w.s3dgWorker.videoFrames(c.videoId!);
        out.push({ name: c.name, bytes: bytes.length, distinct: new Set(bytes).size });
      }
      return out;
    });
    assert.equal(stored.length, 2);
    for (const v of stored) {
      assert.equal(v.bytes % FRAME_BYTES, 0, v.name);
      assert.ok(v.bytes / FRAME_BYTES >= 6, `${v.name}: ${v.bytes / FRAME_BYTES} frames`);
      assert.ok(v.distinct > 16, `${v.name}: a flat picture (${v.distinct} distinct byte values)`);
    }

    await s.page.fill('[data-testid=tune-steps]', '8');
    await s.page.fill('[data-testid=tune-lr]', '0.05');
    await s.page.fill('[data-testid=tune-batch]', '2');
    const was = await body(s.page, 'tuned');
    await s.page.click('[data-testid=tune-start]');
    await s.page.waitForFunction(
      (w) => (document.body.dataset.tuned ?? '') !== w || !document.querySelector<HTMLElement>('[data-testid=message]')!.hidden,
      was,
      { timeout: 300_000 },
    );
    assert.equal(await readMessage(s.page), '');
    const losses = JSON.parse((await s.page.getAttribute('[data-testid=tune-status]', 'data-losses')) ?? '[]') as number[];
    assert.equal(losses.length, 8);
    assert.ok(
      losses.every((l) => Number.isFinite(l)),
      losses.join(' '),
    );
    assert.match((await s.page.textContent('[data-testid=model-info]')) ?? '', new RegExp(`6 classes \\(.*${NEW_CLASS}\\)`));

    // The live view goes on with the fine-tuned model's classes.
    await s.page.waitForFunction(
      () =>
        (JSON.parse(document.querySelector('[data-testid=camera-predictions]')?.getAttribute('data-classes') ?? '[]') as string[])
          .length === 6,
      undefined,
      { polling: 100 },
    );
    const live = await livePredictions(s.page);
    assert.ok(live.classes.includes(NEW_CLASS));
    assert.equal(live.rows.size, 6);
    for (const [name, p] of live.rows) assert.ok(p >= 0 && p <= 1, `${name}: ${p}`);
  });

  test('Stop releases the camera and the live predictions stop', async () => {
    const tracks = await s.page.evaluate(() => {
      const stream = document.querySelector<HTMLVideoElement>('[data-testid=camera-video]')!.srcObject as MediaStream;
      (window as unknown as { testStream: MediaStream }).testStream = stream;
      return stream.getTracks().map((t) => t.readyState);
    });
    assert.deepEqual(tracks, ['live']);
    await s.page.click('[data-testid=camera-stop]');
    await s.page.waitForSelector('body[data-camera=off]');
    const after = await s.page.evaluate(() => ({
      tracks: (window as unknown as { testStream: MediaStream }).testStream.getTracks().map((t) => t.readyState),
      preview: document.querySelector<HTMLVideoElement>('[data-testid=camera-video]')!.srcObject,
    }));
    assert.deepEqual(after, { tracks: ['ended'], preview: null });
    const count = await liveWindows(s.page);
    // A prediction in flight at the stop is dropped: the count stays where it was.
    await s.page.waitForTimeout(1000);
    assert.equal(await liveWindows(s.page), count);
    assert.equal((await memory()).numTensors, tensorsBefore, 'tensors left by the live predictions');
    assert.equal(await s.page.isDisabled('[data-testid=camera-record]'), true);
  });

  test('no console errors', () => {
    assert.deepEqual(s.errors, []);
  });
});

describe('a refused camera', { skip: BROWSER_SKIP }, () => {
  let s: BrowserSession;

  before(async () => {
    s = await openApp('index.html?backend=wasm', ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream=deny']);
    s.page.setDefaultTimeout(120_000);
    await s.page.waitForSelector('body[data-ready=true]');
  });
  after(async () => {
    await s?.close();
  });

  test('says so in plain words and leaves the camera off', async () => {
    await s.page.click('[data-testid=camera-start]');
    await s.page.waitForFunction(() => document.body.dataset.cameraError);
    assert.match(await readMessage(s.page), /^The camera was refused\. Allow this page to use the camera/);
    assert.equal(await body(s.page, 'camera'), 'off');
    assert.equal(await s.page.isDisabled('[data-testid=camera-start]'), false);
  });
});
