/**
 * Fine-tuning in the page's worker on webgpu: label ranges of two uploaded clips (one held out)
 * with a model class and a new one (fresh logits), train a few steps and see the loss fall,
 * evaluate, use the result at once; download it as a zip, check it is the CLI's web-model
 * format with a README, serve it from a local static server, open it by URL and get the same predictions;
 * keep it in IndexedDB. Tensor counts must not grow across windows or steps.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { BROWSER_SKIP, openApp, type BrowserSession } from './harness.ts';
import { makeClips, type BrowserClips } from './fixtures.ts';
import { serveDir, type StaticServer } from './static_server.ts';
import { openModelByUrl, readAllWindows, readMessage, uploadClip } from './app_driver.ts';
import { readWebModel } from '../../core/export/web_model_reader.ts';

const NEW_CLASS = 'bell_ringing';

describe('fine-tuning in the browser', { skip: BROWSER_SKIP }, () => {
  let s: BrowserSession;
  let clips: BrowserClips;
  let host: StaticServer | null = null;
  let tunedClasses: string[] = [];
  let tunedWindows: number[][] = [];
  const memory = () =>
    s.page.evaluate(() => (window as unknown as { s3dgWorker: { memory(): Promise<{ numTensors: number }> } }).s3dgWorker.memory());

  before(async () => {
    clips = await makeClips();
    s = await openApp('index.html'); // default backend: webgpu where the browser has it
    await s.page.waitForSelector('body[data-ready=true]', { timeout: 120_000 });
  });
  after(async () => {
    await s?.close();
    await host?.close();
  });

  test('predicting twice leaves no tensors behind', async () => {
    assert.equal(await s.page.textContent('[data-testid=backend]'), 'webgpu');
    assert.equal(await uploadClip(s.page, clips.webm), 'predicted', await readMessage(s.page));
    const first = (await memory()).numTensors;
    assert.equal(await uploadClip(s.page, clips.webm), 'predicted');
    assert.equal((await memory()).numTensors, first);
  });

  test('Train is disabled, with the reason, until there is a range to train on', async () => {
    assert.equal(await uploadClip(s.page, clips.mp4), 'predicted', await readMessage(s.page));
    assert.equal(await s.page.isDisabled('[data-testid=tune-start]'), true);
    assert.match((await s.page.textContent('[data-testid=tune-reason]')) ?? '', /label at least one range that is not held out/);
    assert.equal(await s.page.locator('[data-testid=class-card]').count(), 0);
  });

  test('a range with no class is refused, saying why', async () => {
    await s.page.selectOption('[data-testid=range-clip]', '1');
    await s.page.fill('[data-testid=range-start]', '1');
    await s.page.fill('[data-testid=range-end]', '2');
    await s.page.click('[data-testid=range-add]');
    assert.match(
      await readMessage(s.page),
      /^\S+\.(mp4|webm) 1\.0–2\.0 s has no class: tick one of the classes or type a new one \(a range with no class could only teach "none of these happen here"/,
    );
    assert.equal(await s.page.locator('[data-testid=class-card]').count(), 0);
    assert.equal(await s.page.isDisabled('[data-testid=tune-start]'), true);
  });

  test('labelled ranges appear on per-class cards with a thumbnail of their middle frame; × takes one off', async () => {
    // Clips 0 and 1 are the webm (uploaded twice above), 2 the mp4. Clip 1 trains, labelled with a model class and a new
    // one; clip 0 is held out, with both classes.
    await s.page.selectOption('[data-testid=range-clip]', '1');
    await s.page.fill('[data-testid=range-start]', '0');
    await s.page.fill('[data-testid=range-end]', '4');
    await s.page.check('[data-testid=range-classes] input[data-class=gates_lowering]');
    await s.page.fill('[data-testid=range-new]', NEW_CLASS);
    await s.page.click('[data-testid=range-add]');
    assert.equal(await readMessage(s.page), '');
    await s.page.selectOption('[data-testid=range-clip]', '0');
    await s.page.check('[data-testid=range-classes] input[data-class=gates_lowering]');
    await s.page.check(`[data-testid=range-classes] input[data-class=${NEW_CLASS}]`);
    await s.page.check('[data-testid=range-heldout]');
    await s.page.click('[data-testid=range-add]');
    // A third range, taken off its only card again.
    await s.page.uncheck('[data-testid=range-heldout]');
    await s.page.fill('[data-testid=range-start]', '1');
    await s.page.fill('[data-testid=range-end]', '2');
    await s.page.check('[data-testid=range-classes] input[data-class=train_left_to_right]');
    await s.page.click('[data-testid=range-add]');
    const card = (name: string) => s.page.locator(`[data-testid=class-card][data-class=${name}]`);
    assert.deepEqual(await s.page.$$eval('[data-testid=class-card]', (cards) => cards.map((c) => c.getAttribute('data-class'))), [
      'gates_lowering',
      'train_left_to_right',
      NEW_CLASS,
    ]);
    await s.page.getByRole('button', { name: /^remove \S+\.webm 1\.0–2\.0 s from train_left_to_right$/ }).click();
    assert.equal(await card('train_left_to_right').count(), 0);
    for (const name of ['gates_lowering', NEW_CLASS]) {
      assert.equal(await card(name).locator('li').count(), 2, name);
      assert.equal(await card(name).locator('li[data-held-out=true]').count(), 1, name);
    }
    // Thumbnails: the worker's frame from the middle of each range (0–4 s at 8 fps: frame 16), drawn as it is.
    await s.page.waitForFunction(() => document.querySelectorAll('[data-testid=class-card] canvas.thumb').length === 4);
    const checks = await s.page.evaluate(async () => {
      type Api = { videoFrames(id: number): Promise<Uint8Array> };
      const w = window as unknown as { s3dgWorker: Api; s3dgClips: () => Array<{ name: string; videoId: number }> };
      const out: Array<{ frame: number; label: string; same: boolean; spread: number }> = [];
      for (const canvas of Array.from(document.querySelectorAll<HTMLCanvasElement>('[data-testid=class-card] canvas.thumb'))) {
        const label = canvas.getAttribute('aria-label') ?? '';
        const clip = w.s3dgClips().find((c) => label.endsWith(` of ${c.name}`))!;
        const all = await w.s3dgWorker.videoFrames(clip.videoId);
        const frame = Number(canvas.dataset.frame);
        const size = canvas.width * canvas.height;
        const rgb = all.subarray(frame * size * 3, (frame + 1) * size * 3);
        const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let same = true;
        for (let i = 0; i < size; i++) for (let c = 0; c < 3; c++) same &&= px[i * 4 + c] === rgb[i * 3 + c];
        out.push({ frame, label, same, spread: Math.max(...rgb) - Math.min(...rgb) });
      }
      return out;
    });
    for (const c of checks) {
      assert.equal(c.frame, 16, c.label);
      assert.match(c.label, /^frame at 2\.0 s of /);
      assert.ok(c.same, `thumbnail ${c.label} differs from the worker's frame`);
      assert.ok(c.spread > 50, `thumbnail ${c.label} is flat`);
    }
    assert.equal(await s.page.isDisabled('[data-testid=tune-start]'), false);
    assert.equal(await s.page.textContent('[data-testid=tune-reason]'), '');
  });

  test('a few steps on webgpu in the worker: Train is disabled meanwhile, the loss falls, held-out clips are evaluated per class', async () => {
    const before = (await memory()).numTensors;
    await s.page.fill('[data-testid=tune-steps]', '8');
    await s.page.fill('[data-testid=tune-lr]', '0.05');
    await s.page.fill('[data-testid=tune-batch]', '2');
    const was = await s.page.evaluate(() => document.body.dataset.tuned ?? '');
    const disabledAtStart = await s.page.evaluate(() => {
      const train = document.querySelector<HTMLButtonElement>('[data-testid=tune-start]')!;
      train.click();
      return train.disabled;
    });
    assert.equal(disabledAtStart, true, 'Train must be disabled as soon as training starts');
    assert.equal(await s.page.isDisabled('[data-testid=tune-start]'), true);
    await s.page.waitForFunction(
      (w) => (document.body.dataset.tuned ?? '') !== w || !document.querySelector<HTMLElement>('[data-testid=message]')!.hidden,
      was,
      { timeout: 300_000 },
    );
    assert.equal(await readMessage(s.page), '');
    const losses = JSON.parse((await s.page.getAttribute('[data-testid=tune-status]', 'data-losses')) ?? '[]') as number[];
    assert.equal(losses.length, 8);
    const head = (losses[0] + losses[1]) / 2;
    const tail = (losses[6] + losses[7]) / 2;
    assert.ok(tail < head, `loss did not fall: ${losses.map((l) => l.toFixed(4)).join(' ')}`);
    assert.match((await s.page.textContent('[data-testid=tune-eval]')) ?? '', /held-out: \d+ clips, loss [0-9.]+, auc/);
    assert.equal(await s.page.isDisabled('[data-testid=tune-start]'), false, 'Train is enabled again');
    // Per class: both classes have a held-out range; the mean is over them.
    const rows = await s.page.$$eval('[data-testid=tune-metrics] tr[data-class]', (trs) =>
      trs.map((tr) => ({
        name: tr.getAttribute('data-class'),
        measured: tr.getAttribute('data-measured'),
        values: ['precision', 'recall', 'f1'].map((k) => Number(tr.getAttribute(`data-${k}`))),
        text: tr.textContent ?? '',
      })),
    );
    assert.deepEqual(
      rows.map((r) => [r.name, r.measured]),
      [
        ['gates_lowering', 'true'],
        [NEW_CLASS, 'true'],
      ],
    );
    for (const r of rows) {
      assert.ok(
        r.values.every((v) => v >= 0 && v <= 1),
        `${r.name}: ${r.values}`,
      );
      const [p, rc, f1] = r.values;
      assert.ok(Math.abs(f1 - (p + rc > 0 ? (2 * p * rc) / (p + rc) : 0)) < 1e-9, `${r.name}: F1 is not that of its precision and recall`);
    }
    const mean = await s.page.$eval('[data-testid=tune-metrics] tr[data-mean]', (tr) =>
      ['precision', 'recall', 'f1'].map((k) => Number(tr.getAttribute(`data-${k}`))),
    );
    mean.forEach((m, i) => assert.ok(Math.abs(m - (rows[0].values[i] + rows[1].values[i]) / 2) < 1e-9));
    assert.match((await s.page.textContent('[data-testid=tune-metrics] caption')) ?? '', /Held-out ranges, per class \(\d+ clips\)/);
    const info = (await s.page.textContent('[data-testid=model-info]')) ?? '';
    assert.match(info, new RegExp(`6 classes \\(.*${NEW_CLASS}\\)`));
    assert.equal((await memory()).numTensors, before, 'tensors left after training');
  });

  test('the fine-tuned model is used at once', async () => {
    assert.equal(await uploadClip(s.page, clips.mp4), 'predicted');
    tunedClasses = JSON.parse((await s.page.getAttribute('[data-testid=predictions]', 'data-classes')) ?? '[]') as string[];
    assert.equal(tunedClasses.length, 6);
    tunedWindows = await readAllWindows(s.page, tunedClasses);
    assert.ok(tunedWindows.length >= 2);
  });

  test('downloaded as a zip in the CLI format, hosted, opened by URL: same predictions', async () => {
    const [download] = await Promise.all([s.page.waitForEvent('download'), s.page.click('[data-testid=download]')]);
    const zip = await readFile((await download.path())!);
    const files = unzipSync(new Uint8Array(zip));
    const dir = await mkdtemp(join(tmpdir(), 's3dg-tuned-'));
    for (const [name, bytes] of Object.entries(files)) {
      await mkdir(join(dir, name, '..'), { recursive: true });
      await writeFile(join(dir, name), bytes);
    }
    const folder = Object.keys(files)
      .find((n) => n.endsWith('/model.json'))!
      .replace(/\/model\.json$/, '');
    assert.deepEqual(
      Object.keys(files)
        .map((n) => n.slice(folder.length + 1))
        .sort(),
      ['README.md', 'group1-shard1of1.bin', 'model.json'],
    );
    const readme = new TextDecoder().decode(files[`${folder}/README.md`]);
    assert.ok(
      tunedClasses.every((c) => readme.includes(c)),
      readme,
    );
    assert.match(readme, /tf\.loadGraphModel/);
    // The CLI-side reader takes it: hashes, manifest, metadata.
    const read = await readWebModel(
      await readFile(join(dir, folder, 'model.json'), 'utf8'),
      async (p) => new Uint8Array(await readFile(join(dir, folder, p))),
    );
    const meta = read.modelJson.userDefinedMetadata.s3dg;
    assert.deepEqual(meta.classNames, tunedClasses);
    assert.equal(meta.config.numClasses, 6);
    assert.ok(meta.provenance.evalMetrics && 'auc' in meta.provenance.evalMetrics);
    host = await serveDir(dir, { cors: true });
    assert.equal(await openModelByUrl(s.page, `${host.url}${folder}/model.json`), 'modelLoaded', await readMessage(s.page));
    assert.equal(await uploadClip(s.page, clips.mp4), 'predicted');
    const again = await readAllWindows(s.page, tunedClasses);
    assert.equal(again.length, tunedWindows.length);
    again.forEach((row, i) =>
      row.forEach((p, k) =>
        assert.ok(Math.abs(p - tunedWindows[i][k]) < 1e-5, `window ${i} class ${tunedClasses[k]}: ${p} vs ${tunedWindows[i][k]}`),
      ),
    );
  });

  test('kept in IndexedDB and opened from there', async () => {
    await s.page.fill('[data-testid=save-name]', 'tuned-crossing');
    await s.page.click('[data-testid=save-idb]');
    await s.page.waitForSelector('[data-testid=saved-models] button[data-saved=tuned-crossing]');
    const was = await s.page.evaluate(() => document.body.dataset.modelLoaded ?? '');
    await s.page.click('[data-testid=saved-models] button[data-saved=tuned-crossing]');
    await s.page.waitForFunction((w) => document.body.dataset.modelLoaded !== w, was);
    assert.match((await s.page.textContent('[data-testid=model-info]')) ?? '', /saved in this browser: tuned-crossing/);
  });

  test('deleting a saved model asks first: Cancel keeps it, Delete removes it', async () => {
    const saved = '[data-testid=saved-models] button[data-saved=tuned-crossing]';
    const del = s.page.getByRole('button', { name: 'delete the saved model tuned-crossing' });
    await del.click();
    const dialog = s.page.getByRole('dialog');
    assert.match((await dialog.textContent()) ?? '', /Delete the saved model "tuned-crossing" from this browser\? This cannot be undone\./);
    await s.page.click('[data-testid=confirm-no]');
    assert.equal(await s.page.isVisible('[data-testid=confirm-dialog]'), false);
    const kept = await s.page.evaluate(() =>
      (window as unknown as { s3dgWorker: { listSavedModels(): Promise<Array<{ name: string }>> } }).s3dgWorker.listSavedModels(),
    );
    assert.deepEqual(
      kept.map((m) => m.name),
      ['tuned-crossing'],
    );
    assert.equal(await s.page.locator(saved).count(), 1);
    await del.click();
    await s.page.click('[data-testid=confirm-yes]');
    await s.page.waitForSelector(saved, { state: 'detached' });
    const left = await s.page.evaluate(() =>
      (window as unknown as { s3dgWorker: { listSavedModels(): Promise<Array<{ name: string }>> } }).s3dgWorker.listSavedModels(),
    );
    assert.deepEqual(left, []);
  });

  test('no console errors', () => {
    assert.deepEqual(s.errors, []);
  });
});
